"""The heat overlay: the SOP's chart with each step coloured by its share within waktu.

The same interface as a case's progress (runner/documents/overlay.py), so the
flowchart's own templates draw it. The share is also written in each step's
symbol, so the picture reads in black-and-white print; the number of
corrections stands beside each loop's outcome label.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from ..documents.layout import Arrow, Page, Rect, Symbol
from ..documents.overlay import Legend
from ..i18n import N_, _
from ..l10n import format_number, format_percent
from .figures import SopFigures

GOOD, FAIR, POOR, NONE = "#b9e2ad", "#fde49c", "#f4aaaa", "#ffffff"
BANDS = ((0.8, GOOD), (0.5, FAIR), (0.0, POOR))  # lowest share of each band, best first


@dataclass
class Heat:
    heading: str
    shares: dict[int, float | None]  # step number -> share within waktu (None: no waktu, or no completion)
    corrections: dict[tuple[int, int | str], int] = field(default_factory=dict)  # (decision, target) -> count

    legend: ClassVar[Legend] = [  # the bands of BANDS
        ("box", GOOD, N_("≥ 80% within waktu")),
        ("box", FAIR, N_("50–79%")),
        ("box", POOR, N_("< 50%")),
        ("box", NONE, N_("no waktu, or not completed")),
    ]

    def fill(self, symbol: Symbol) -> str:
        shown = self.shares.get(symbol.step) if symbol.step is not None else None
        if shown is None:
            return NONE
        return next(colour for lowest, colour in BANDS if shown >= lowest)

    def masthead(self) -> tuple[str, ...]:
        return (self.heading,)

    def taken(self, arrow: Arrow) -> bool:
        return False  # no single path: the counts stand on the loops instead

    def notes(self, page: Page) -> list[tuple[Rect, str]]:
        out = []
        for s in page.symbols:
            shown = self.shares.get(s.step) if s.step is not None else None
            if shown is not None:
                out.append((s.rect, format_percent(shown)))
        for a in page.arrows:
            n = self.corrections.get((a.from_step, a.to_step)) if a.from_step is not None else None  # type: ignore[arg-type]
            if n and a.label_rect is not None:  # under the outcome's name, where the loop leaves its decision
                lr = a.label_rect
                # TRANSLATORS: how many corrections were made along a loop, beside its outcome's name
                out.append((Rect(lr.x, lr.bottom, lr.w, 10), _("{n}×").format(n=format_number(n))))
        return out


def heat_of(figures: SopFigures) -> Heat:
    numbers = figures.sop.numbers
    corrections: dict[tuple[int, int | str], int] = {}
    for d in figures.decisions:
        for c in d.corrections:
            corrections[(d.no, numbers[c.target])] = c.total
    shares = {s.no: s.share_within for s in figures.steps}
    return Heat(_("Compliance with waktu — {sop}").format(sop=figures.label), shares, corrections)
