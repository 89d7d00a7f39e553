"""The ``sop`` command: a thin click layer over the public API in ``runner``.

Only this package speaks click and the terminal. Subcommands are imported when
used (``lazy.Group``); every error becomes a message and an exit code in
``boundary``; each command returns its exit code, and ``main`` returns it to
the console script. click's own words ("Usage:", "Missing argument ...") are
translated too, from the ``click`` catalogue (``_speak_clicks_words``).
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Sequence

import click

from .. import __version__
from ..errors import EXIT_OK
from ..i18n import LANGUAGES, N_, _, catalogue, set_language
from .boundary import guarded
from .lazy import Group
from .settings import Settings

__all__ = ["cli", "main"]


def _click_gettext(message: str) -> str:
    return str(catalogue("click").gettext(message))


def _click_ngettext(singular: str, plural: str, n: int) -> str:
    return str(catalogue("click").ngettext(singular, plural, n))


def _speak_clicks_words() -> None:
    """Point click's own messages at our ``click`` catalogue, in the language of ``--lang``.

    click words them with the standard library's ``gettext.gettext`` and
    ``ngettext``, imported by name into each of its modules; those read the
    language from the environment alone, so ``--lang`` could not reach them.
    Each loaded click module's two names are pointed at ours instead (a test
    checks that every loaded one was, and that click speaks both languages).
    """
    for name, module in list(sys.modules.items()):
        if name.partition(".")[0] != "click":
            continue
        if getattr(module, "_", None) is gettext.gettext:
            module._ = _click_gettext  # type: ignore[attr-defined]
        if getattr(module, "ngettext", None) is gettext.ngettext:
            module.ngettext = _click_ngettext  # type: ignore[attr-defined]


_speak_clicks_words()


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    # click's own version_option words its line when the command is defined, before --lang is read
    if value and not ctx.resilient_parsing:
        click.echo(_("{prog}, version {version}").format(prog="sop", version=__version__))
        raise click.exceptions.Exit(EXIT_OK)  # as click's own does; the boundary returns the code


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
        "import": "runner.cli.importer.import_",
        "diff": "runner.cli.diff.diff",
        "sop": "runner.cli.sops.sop_group",
        "flowchart": "runner.cli.documents.flowchart",
        "case": "runner.cli.case.case",
        "audit": "runner.cli.audit.audit",
        "people": "runner.cli.people.people",
        "post": "runner.cli.people.post",
        "demo": "runner.cli.demo.demo",
        "report": "runner.cli.report.report",
        "monitoring": "runner.cli.report.monitoring",
        "serve": "runner.cli.serve.serve",
        "site": "runner.cli.site.site",
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
    help=N_("Language of messages and documents: id or en (env SOP_LANG; default from LANGUAGE or LANG, else id)."),
)
@click.option("--debug", is_flag=True, help=N_("Show the Python traceback of unexpected errors."))
@click.option(
    "--version",
    is_flag=True,
    is_eager=True,
    expose_value=False,
    callback=_version,
    help=N_("Show the version and exit."),
)
@click.pass_obj
def cli(settings: Settings, db: str | None, sop_dirs: tuple[str, ...], debug: bool) -> None:
    settings.db, settings.sop_dirs, settings.debug = db, sop_dirs, debug


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sop`` with ``argv`` (default: the process's arguments); returns the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    set_language(None)  # the environment's language, until --lang says otherwise
    settings = Settings()

    def invoke() -> int:
        result = cli.main(args=args, prog_name="sop", standalone_mode=False, obj=settings)
        return result if isinstance(result, int) else EXIT_OK

    return guarded(invoke, args, lambda: settings.debug)
