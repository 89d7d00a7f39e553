"""``sop sop ...``: an SOP's life in the case store: pengesahan, and the version in force."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import EXIT_OK
from ..i18n import N_, _
from ..l10n import format_moment_text
from . import term
from .lazy import Command, Group
from .output import emit, json_option
from .settings import Settings, pass_settings

if TYPE_CHECKING:
    from .. import PengesahanRow, SopStatus


@click.group(
    "sop",
    cls=Group,
    help=N_("An SOP's life in the case store: sahkan a version, and the status of every SOP's versions."),
)
def sop_group() -> None:
    pass


@sop_group.command(
    "sahkan",
    cls=Command,
    help=N_(
        "Record that SOP's version is disahkan by you, the holder of the post its identity.disahkan_oleh names; in force from its tanggal_efektif."
    ),
)
@click.argument("sop_ref", metavar="SOP")
@click.option("--on", "on", metavar="DATE", help=N_("The day it was signed (YYYY-MM-DD; default today)."))
@click.option(
    "--for",
    "for_person",
    metavar="LOGIN",
    help=N_("Record the pengesahan this registered person signed (on paper); needs the right to record for others."),
)
@json_option
@pass_settings
def sahkan(settings: Settings, sop_ref: str, on: str | None, for_person: str | None, as_json: bool) -> int:
    sop = settings.sop(sop_ref)
    row = settings.cases(write=True).sahkan(sop, on=on, for_person=for_person)

    def view(row: PengesahanRow) -> str:
        return _("{id} version {version} disahkan on {day}; in force from {efektif}").format(
            id=row.sop, version=row.version, day=format_moment_text(row.signed_on),
            efektif=format_moment_text(row.tanggal_efektif),
        )  # fmt: skip

    return emit(row, as_json, view)


def _day(text: str | None) -> str:
    return format_moment_text(text) if text else ""


def _view(found: list[SopStatus]) -> str:
    lines = []
    for s in found:
        if s.disahkan:
            head = _("{id} ({nama}): version in force {version}, yearly evaluation due {due}").format(
                id=s.id, nama=s.nama, version=s.in_force or "—", due=_day(s.evaluation_due) or "—"
            )
        else:
            head = _("{id} ({nama}): no version disahkan in this store; cases start on any version").format(
                id=s.id, nama=s.nama
            )
        rows = [
            [
                v.version,
                v.state_word,
                v.pengesahan.nomor or "" if v.pengesahan else "",
                v.signed_by or "",
                _day(v.pengesahan.signed_on if v.pengesahan else None),
                _day(v.in_force_from),
                _day(v.in_force_until),
            ]
            for v in s.versions
        ]
        headers = [_("Version"), _("Status"), _("Nomor"), _("Signed by"), _("Signed"), _("In force from"), _("Dicabut")]
        lines += [term.visible(head), term.table(headers, rows, flex=3), ""]
    return "\n".join(lines).rstrip("\n")


@sop_group.command(
    "status",
    cls=Command,
    help=N_("Every SOP with its versions: who signed each, when each is or was in force, the next yearly evaluation."),
)
@click.argument("sop_id", metavar="SOP", required=False)
@json_option
@pass_settings
def status(settings: Settings, sop_id: str | None, as_json: bool) -> int:
    found = [s for s in settings.cases().sop_status() if sop_id is None or s.id == sop_id]
    if sop_id is not None and not found:
        settings.sop(sop_id)  # says there is no such SOP, with a suggestion
    emit(found, as_json, _view)
    return EXIT_OK
