"""A chart per step: how long its completions took, against its waktu, drawn as SVG by our own template.

A histogram of the durations, each bar split into the part within waktu
(white, outlined) and the part over it (solid dark), a dashed line at the
waktu, and markers at the median (triangle, under the axis) and the 90th percentile
(diamond, above): shapes and fills that survive black-and-white print. Our own
template rather than a plotting library: the picture is a few dozen
rectangles, and a library would add megabytes and its own fonts to every PDF.
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .figures import StepFigures

WIDTH, HEIGHT = 300.0, 100.0
LEFT, RIGHT, TOP, BOTTOM = 6.0, 294.0, 14.0, 86.0  # the plot area; the median's marker sits under it
BINS = 24


class Bar(NamedTuple):
    x: float
    w: float
    within_y: float
    within_h: float
    over_y: float
    over_h: float


class Tick(NamedTuple):
    x: float
    label: str


class StepChart(NamedTuple):
    step: StepFigures
    bars: list[Bar]
    span: int  # seconds at the right end of the axis: a round value
    waktu_x: float | None
    median_x: float | None
    p90_x: float | None
    ticks: list[Tick] = []

    width: float = WIDTH
    height: float = HEIGHT
    left: float = LEFT
    right: float = RIGHT
    top: float = TOP
    bottom: float = BOTTOM


MINUTE, HOUR, DAY = 60, 3600, 86400
# the steps between ticks an axis may take: round minutes and hours, then days (working days for working time)
_SMALL = (MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR)
_DAYS = (1, 2, 5, 7, 10, 14, 15, 30, 60, 90, 180, 365)
MAX_TICKS = 4  # intervals along the axis at most: their labels fit under a panel


def axis_step(longest: float, day: float) -> float:
    """The smallest round step (in seconds) that covers ``longest`` in at most MAX_TICKS intervals;
    ``day`` is the length of a day: 24 hours, or a working day of the SOP's calendar."""
    candidates: list[float] = [float(c) for c in _SMALL if c < day]
    candidates += [6.0 * HOUR, 12.0 * HOUR] if day >= DAY else []
    candidates += [d * day for d in _DAYS]
    for c in candidates:
        if longest <= c * MAX_TICKS:
            return c
    k = 1.0
    while longest > candidates[-1] * k * MAX_TICKS:
        k *= 10
    return candidates[-1] * k


def step_chart(step: StepFigures) -> StepChart:
    stats = step.stats
    waktu = step.waktu_seconds
    longest = stats.max if stats else 0
    day = step.day_seconds if step.working and step.day_seconds else DAY
    tick = axis_step(max(1, longest, waktu or 0), day)
    intervals = max(1, math.ceil(max(1, longest, waktu or 0) / tick))
    span = round(intervals * tick)

    def x(seconds: float) -> float:
        return LEFT + (RIGHT - LEFT) * seconds / span

    within, over = [0] * BINS, [0] * BINS
    for seconds, n in step.durations.items():
        k = min(BINS - 1, int(seconds * BINS / span))
        if waktu is None or seconds <= waktu:
            within[k] += n
        else:
            over[k] += n
    tallest = max((a + b for a, b in zip(within, over, strict=True)), default=0) or 1
    unit = (BOTTOM - TOP) / tallest
    width = (RIGHT - LEFT) / BINS
    bars = []
    for k in range(BINS):
        if within[k] or over[k]:
            h_in, h_over = within[k] * unit, over[k] * unit
            bars.append(Bar(LEFT + k * width + 0.5, width - 1, BOTTOM - h_in, h_in, BOTTOM - h_in - h_over, h_over))
    ticks = [Tick(x(k * tick), step.span(k * tick) if k else "0") for k in range(intervals + 1)]
    return StepChart(
        step,
        bars,
        span,
        x(waktu) if waktu is not None else None,
        x(stats.median) if stats else None,
        x(stats.p90) if stats else None,
        ticks,
    )
