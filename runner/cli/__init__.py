"""The ``sop`` command: a thin click layer over the public API in ``runner``.

Only this package speaks click and the terminal. Subcommands are imported when
used (``lazy.Group``); every error becomes a message and an exit code in
``boundary``; each command returns its exit code, and ``main`` returns it to
the console script.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..errors import EXIT_OK
from ..i18n import LANGUAGES, N_, set_language
from .boundary import guarded
from .lazy import Group
from .settings import Settings

__all__ = ["cli", "main"]


def _language(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        set_language(value)


@click.group(
    cls=Group,
    lazy_subcommands={
        "validate": "runner.cli.definitions.validate",
        "list": "runner.cli.definitions.list_sops",
        "show": "runner.cli.definitions.show",
        "new": "runner.cli.definitions.new",
        "flowchart": "runner.cli.documents.flowchart",
        "case": "runner.cli.case.case",
        "people": "runner.cli.people.people",
        "post": "runner.cli.people.post",
        "demo": "runner.cli.demo.demo",
    },
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_("Write SOPs as YAML, run cases through them, print the SOP AP flowchart."),
)
@click.option(
    "--db",
    envvar="SOP_DB",
    metavar="URL",
    help=N_("Case store: sqlite:///PATH or postgresql://... (env SOP_DB; default a file in your data folder)."),
)
@click.option(
    "--sop-dir",
    "sop_dirs",
    multiple=True,
    metavar="DIR",
    help=N_("Folder of SOP files to look in first (repeatable; env SOP_PATH)."),
)
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    is_eager=True,
    expose_value=False,
    callback=_language,
    help=N_("Language of messages and documents (env SOP_LANG; default from LANG, else id)."),
)
@click.option("--debug", is_flag=True, help=N_("Show the Python traceback of unexpected errors."))
@click.version_option(__version__, prog_name="sop")
@click.pass_obj
def cli(settings: Settings, db: str | None, sop_dirs: tuple[str, ...], debug: bool) -> None:
    settings.db, settings.sop_dirs, settings.debug = db, sop_dirs, debug


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sop`` with ``argv`` (default: the process's arguments); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    settings = Settings()

    def invoke() -> int:
        result = cli.main(args=args, prog_name="sop", standalone_mode=False, obj=settings)
        return result if isinstance(result, int) else EXIT_OK

    return guarded(invoke, args, lambda: settings.debug)
