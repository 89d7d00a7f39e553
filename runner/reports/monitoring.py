"""The SOP AP monitoring form (Tabel 7, Permenpan RB No. 35 Tahun 2012), pre-marked from the evidence.

One row per step (the *prosedur*). The *penilaian* is marked by a stated
rule, printed on the form: "Berjalan dengan baik" when at least ``threshold``
of the step's completions in the period were within its waktu and no case
waits at it past its deadline; otherwise "Tidak berjalan dengan baik". A step
without completions in the period, or without a time standard, is not judged:
the form says so. *Catatan hasil penilaian* gives the figures behind the mark
in one sentence; *tindakan yang harus diambil* and *paraf penilai* stay empty,
for the assessor's hand.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from ..definition import SOP
from ..errors import UserError
from ..i18n import _
from .figures import Report, SopFigures, StepFigures
from .period import Period
from .tables import lama, persen

GOOD, NOT_GOOD = "Berjalan dengan baik", "Tidak berjalan dengan baik"
NOT_JUDGED = "Tidak dinilai"
COLUMNS = (  # Tabel 7's column titles, as the guideline prints them
    "No",
    "Prosedur",
    "Penilaian terhadap penerapan (Berjalan dengan baik / Tidak berjalan dengan baik)",
    "Catatan hasil penilaian",
    "Tindakan yang harus diambil",
    "Paraf penilai",
)


class MonitoringRow(NamedTuple):
    no: int
    prosedur: str
    penilaian: str  # GOOD, NOT_GOOD or NOT_JUDGED
    catatan: str


class MonitoringForm(NamedTuple):
    sop: SOP
    figures: SopFigures
    period: Period
    rows: list[MonitoringRow]
    threshold: float
    penilai: str | None
    nip: str | None
    generated: datetime
    store: str
    checkpoint: str | None  # the digest of the store's latest audit checkpoint, when there is one

    @property
    def rule(self) -> str:
        """The rule the marks follow, printed on the form."""
        return (
            f"Penilaian ditandai dari catatan kasus: “{GOOD}” bila sedikitnya {persen(self.threshold)} penyelesaian "
            f"langkah dalam periode ini selesai dalam batas waktu (mutu baku) dan tidak ada kasus yang menunggu "
            f"melewati batas waktu pada langkah itu; selain itu “{NOT_GOOD}”. Langkah tanpa penyelesaian dalam "
            f"periode ini, atau tanpa standar waktu, tidak dinilai."
        )


def monitoring_form(
    report: Report,
    figures: SopFigures,
    threshold: float = 0.8,
    penilai: str | None = None,
    nip: str | None = None,
    checkpoint: str | None = None,
) -> MonitoringForm:
    """The Tabel 7 form of one SOP version's figures; ``threshold`` is the share within waktu that counts as good."""
    if not 0 < threshold <= 1:
        raise UserError(
            _("the threshold must lie between 0 and 100 percent, not {value:g}%").format(value=threshold * 100),
            "bad-threshold",
            threshold=threshold,
        )
    rows = [MonitoringRow(s.no, figures.sop.step(s.id).uraian, *_judge(s, threshold)) for s in figures.steps]
    return MonitoringForm(
        figures.sop,
        figures,
        report.period,
        rows,
        threshold,
        penilai,
        nip,
        report.generated,
        report.store,
        checkpoint,
    )


def _judge(step: StepFigures, threshold: float) -> tuple[str, str]:
    """The mark and the sentence behind it."""
    waiting = ""
    if step.overdue:
        waiting = f"; {step.overdue} kasus menunggu melewati batas waktu"
    elif step.open:
        waiting = f"; {step.open} kasus sedang menunggu, belum melewati batas waktu"
    if not step.completions:
        return NOT_JUDGED, f"Tidak ada penyelesaian langkah ini dalam periode ini{waiting}; tidak dinilai."
    stats = step.stats
    assert stats is not None
    spread = f"median {lama(stats.median)}, p90 {lama(stats.p90)}, terlama {lama(stats.max)}"
    if step.waktu_seconds is None:
        return NOT_JUDGED, f"Tanpa standar waktu; {step.completions} kali diselesaikan, {spread}{waiting}; tidak dinilai."
    shown = step.share_within
    assert shown is not None
    good = shown >= threshold and not step.overdue
    sentence = (
        f"{step.within} dari {step.completions} penyelesaian ({persen(shown)}) dalam batas waktu {step.waktu}; "
        f"{spread}{waiting}."
    )
    return (GOOD if good else NOT_GOOD), sentence
