"""Commands for SOP definitions: validate, list, show, new."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import EXIT_OK, EXIT_REFUSED, UserError
from ..i18n import N_, _
from ..l10n import format_number
from . import term
from .lazy import Command
from .output import emit, json_option
from .settings import Settings, pass_settings


@click.command(cls=Command, help=N_("Check SOP files (a folder: every *.yaml inside)."))
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
def validate(paths: tuple[Path, ...], as_json: bool) -> int:
    from .. import check_paths  # the validator (jsonschema, PyYAML): only `sop validate`

    result = check_paths(paths)
    if as_json:
        emit(result, True, str)
    else:
        for p in result.problems:
            term.out(term.visible(str(p)))
        if result.errors:
            term.say(
                _("{errors} error(s) in {bad} of {n} file(s)").format(
                    errors=format_number(result.errors),
                    bad=format_number(result.bad_files),
                    n=format_number(len(result.reports)),
                )
            )
        else:
            term.say(_("{n} file(s) valid").format(n=format_number(len(result.reports))))
    return EXIT_OK if result.valid else EXIT_REFUSED


@click.command("list", cls=Command, help=N_("The SOPs found (--sop-dir, SOP_PATH, ./sop, then the shipped ones)."))
@json_option
@pass_settings
def list_sops(settings: Settings, as_json: bool) -> int:
    from .. import discover_sops, load_sop  # the API loads its subsystem on first use: not at start, nor for --help

    found: list[dict[str, Any]] = []
    for path in discover_sops(settings.sop_dirs):
        try:
            sop = load_sop(path)
            found.append(
                {
                    "id": sop.id,
                    "nama": sop.nama,
                    "version": sop.version,
                    "steps": len(sop.steps),
                    "path": str(path),
                    "valid": True,
                }
            )
        except UserError:
            found.append(
                {"id": path.stem, "nama": None, "version": None, "steps": None, "path": str(path), "valid": False}
            )

    def view(found: list[dict[str, Any]]) -> str:
        rows = [
            [
                f["id"],
                f["nama"] or _("(invalid: run sop validate)"),
                f["version"] or "",
                str(f["steps"] or ""),
                f["path"],
            ]
            for f in found
        ]
        return term.table([_("ID"), _("SOP name"), _("Version"), _("Steps"), _("File")], rows, flex=1)

    return emit(found, as_json, view)


@click.command(cls=Command, help=N_("The SOP as a table, like the printed SOP."))
@click.argument("sop_ref", metavar="SOP")
@json_option
@pass_settings
def show(settings: Settings, sop_ref: str, as_json: bool) -> int:
    from .views import sop_table  # the views (tables, l10n): only a command that shows one, not --help

    return emit(settings.sop(sop_ref), as_json, sop_table)


@click.command(cls=Command, help=N_("Write a commented skeleton sop/ID.yaml to fill in."))
@click.argument("sop_id", metavar="ID")
@pass_settings
def new(settings: Settings, sop_id: str) -> int:
    from .. import write_skeleton  # the API loads its subsystem on first use: not at start, nor for --help

    folder = Path(settings.sop_dirs[0]) if settings.sop_dirs else Path("sop")
    path = write_skeleton(sop_id, folder)
    term.say(_("wrote {path}; fill it in, then run: sop validate {path}").format(path=path))
    term.out(term.visible(str(path)))
    return EXIT_OK
