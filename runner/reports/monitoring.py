"""The SOP AP monitoring form (Tabel 7, Permenpan RB No. 35 Tahun 2012), pre-marked from the evidence.

One row per step (the *prosedur*). The *penilaian* is marked by a stated
rule, printed on the form: "Berjalan dengan baik" (working well) when at
least ``threshold`` of the step's completions in the period were within its
waktu and no case waits at it past its deadline; otherwise "Tidak berjalan
dengan baik". A step without completions in the period, or without a time
standard, is not judged: the form says so. *Catatan hasil penilaian* gives
the figures behind the mark in plain sentences; *tindakan yang harus diambil*
and *paraf penilai* stay empty, for the assessor's hand. The form's words are
the guideline's in Indonesian (the translations of the English msgids here).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NamedTuple

from ..definition import SOP
from ..errors import UserError
from ..i18n import N_, _, ngettext
from ..l10n import format_date, format_number, format_percent
from ..store.clock import parse_day, today
from .figures import Report, SopFigures, StepFigures, read_words
from .period import Period

# the marks, translated where shown
GOOD, NOT_GOOD, NOT_JUDGED = N_("Working well"), N_("Not working well"), N_("Not assessed")
COLUMNS = (  # Tabel 7's column titles; in Indonesian as the guideline prints them
    N_("No"),
    N_("Procedure"),
    N_("Assessment of the implementation (Working well / Not working well)"),
    N_("Notes on the assessment"),
    N_("Action to be taken"),
    N_("Assessor's initials"),
)


class MonitoringRow(NamedTuple):
    no: int
    prosedur: str
    penilaian: str  # GOOD, NOT_GOOD or NOT_JUDGED (msgids)
    catatan: str  # in the language of the moment the form was made

    @property
    def mark(self) -> str:
        return _(self.penilaian)


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
    jabatan: str | None = None  # the assessor's position
    tempat: str | None = None  # the place of the signature line
    signed: date | None = None  # the date of the signature line

    @property
    def columns(self) -> list[str]:
        """Tabel 7's column titles, in the current language."""
        return [_(c) for c in COLUMNS]

    @property
    def place_and_date(self) -> str:
        """The signature's place-and-date line, as a letter writes it: "Karawaci, 2 Desember 2026"."""
        day = format_date(self.signed) if self.signed else ""
        return ", ".join(x for x in (self.tempat, day) if x)

    def heading(self, version: str) -> list[tuple[str, str]]:
        """The lines above the table: (label, value)."""
        return [
            (_("SOP name"), f"{self.sop.nama} ({version})"),
            (_("Unit"), self.sop.unit or ""),
            (_("Agency"), self.sop.instansi or ""),
            (_("Period"), f"{self.period.name} ({self.period.words})"),
            (_("Basis of the assessment"), self.basis),
        ]

    def signature_lines(self) -> list[str]:
        """The signature block in lines, for the terminal and the workbook: place and date, the assessor's
        position, name and NIP (dots where the hand fills them in)."""
        return [
            self.place_and_date or "........................., ........................",
            self.jabatan or _("Assessor,"),
            self.penilai or "(.................................................)",
            "NIP. " + (self.nip or "........................................"),
        ]

    @property
    def rule(self) -> str:
        """The rule the marks follow, printed on the form."""
        return _(
            "The marks are set from the case records: “{good}” when at least {share} of the step's completions in "
            "this period were within its waktu (quality standard) and no case waits at that step past its deadline; "
            "otherwise “{not_good}”. Steps without completions in this period, or without a time standard, are not "
            "assessed."
        ).format(good=_(GOOD), not_good=_(NOT_GOOD), share=format_percent(self.threshold))

    @property
    def read(self) -> str:
        return read_words(self.figures.counts.started, self.figures.events)

    @property
    def basis(self) -> str:
        """The cases behind the marks, in one sentence (and one more when the SOP changed in the period)."""
        c = self.figures.counts
        said = ngettext(
            "{started} case started in this period ({done} done, {cancelled} cancelled, {open} open, of which "
            "{overdue} overdue).",
            "{started} cases started in this period ({done} done, {cancelled} cancelled, {open} open, of which "
            "{overdue} overdue).",
            c.started,
        ).format(
            started=format_number(c.started),
            done=format_number(c.done),
            cancelled=format_number(c.cancelled),
            open=format_number(c.open),
            overdue=format_number(c.overdue),
        )
        if self.figures.versions > 1:
            said += " " + _(
                "The cases of this SOP ran on {n} versions of it; this form is for version {version} ({digest})."
            ).format(n=self.figures.versions, version=self.sop.version, digest=self.figures.digest[:8])
        return said


def monitoring_form(
    report: Report,
    figures: SopFigures,
    threshold: float = 0.8,
    penilai: str | None = None,
    nip: str | None = None,
    checkpoint: str | None = None,
    *,
    jabatan: str | None = None,
    tempat: str | None = None,
    signed: date | str | None = None,
) -> MonitoringForm:
    """The Tabel 7 form of one SOP version's figures; ``threshold`` is the share within waktu that counts as good.

    ``signed`` is the date of the signature line (a date, or YYYY-MM-DD); by default today in the SOP's zone."""
    if not isinstance(signed, date):
        signed = parse_day(signed if signed is not None else today(figures.sop.calendar.timezone))
    if not 0 < threshold <= 1:
        raise UserError(
            _("the threshold must lie between 0 and 100 percent, not {value}%").format(
                value=format_number(threshold * 100)
            ),
            "bad-threshold",
            threshold=threshold,
        )
    rows = [MonitoringRow(s.no, figures.sop.step(s.id).uraian, *_judge(s, threshold)) for s in figures.steps]
    return MonitoringForm(
        sop=figures.sop,
        figures=figures,
        period=report.period,
        rows=rows,
        threshold=threshold,
        penilai=penilai,
        nip=nip,
        generated=report.generated,
        store=report.store,
        checkpoint=checkpoint,
        jabatan=jabatan,
        tempat=tempat,
        signed=signed,
    )


def _judge(step: StepFigures, threshold: float) -> tuple[str, str]:
    """The mark and the sentences behind it."""
    if step.overdue:
        waiting = ngettext(
            "{n} case waits at this step past its deadline.",
            "{n} cases wait at this step past their deadline.",
            step.overdue,
        ).format(n=format_number(step.overdue))
    elif step.open:
        waiting = ngettext(
            "{n} case waits at this step, not yet past its deadline.",
            "{n} cases wait at this step, not yet past their deadline.",
            step.open,
        ).format(n=format_number(step.open))
    else:
        waiting = ""
    if not step.completions:
        return NOT_JUDGED, _join(_("No completion of this step in this period; not assessed."), waiting)
    stats = step.stats
    assert stats is not None
    spread = {"median": step.span(stats.median), "p90": step.span(stats.p90), "longest": step.span(stats.max)}
    if step.waktu_seconds is None:
        sentence = ngettext(
            "No time standard; completed once, taking {median}; not assessed.",
            "No time standard; completed {n} times: median {median}, p90 {p90}, longest {longest}; not assessed.",
            step.completions,
        ).format(n=format_number(step.completions), **spread)
        return NOT_JUDGED, _join(sentence, waiting)
    shown = step.share_within
    assert shown is not None
    good = shown >= threshold and not step.overdue
    sentence = ngettext(
        "{within} of {n} completion ({share}) within the waktu {waktu}; median {median}, p90 {p90}, longest {longest}.",
        "{within} of {n} completions ({share}) within the waktu {waktu}; median {median}, p90 {p90}, longest {longest}.",
        step.completions,
    ).format(
        within=format_number(step.within),
        n=format_number(step.completions),
        share=format_percent(shown),
        waktu=step.waktu,
        **spread,
    )
    return (GOOD if good else NOT_GOOD), _join(sentence, waiting)


def _join(*sentences: str) -> str:
    return " ".join(s for s in sentences if s)
