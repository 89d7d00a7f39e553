"""A chart per step: how long its completions took, against its waktu, drawn as SVG by our own template.

A histogram of the durations, each bar split into the part within waktu
(white, outlined) and the part over it (solid dark), a dashed line at the
waktu, and markers at the median (triangle, under the axis) and the 90th percentile
(diamond, above): shapes and fills that survive black-and-white print. Our own
template rather than a plotting library: the picture is a few dozen
rectangles, and a library would add megabytes and its own fonts to every PDF.
"""

from __future__ import annotations

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


class StepChart(NamedTuple):
    step: StepFigures
    bars: list[Bar]
    span: int  # seconds at the right end of the axis
    waktu_x: float | None
    median_x: float | None
    p90_x: float | None

    width: float = WIDTH
    height: float = HEIGHT
    left: float = LEFT
    right: float = RIGHT
    top: float = TOP
    bottom: float = BOTTOM


def step_chart(step: StepFigures) -> StepChart:
    stats = step.stats
    waktu = step.waktu_seconds
    longest = stats.max if stats else 0
    span = max(1, round(max(longest, waktu or 0) * 1.08))

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
    return StepChart(
        step,
        bars,
        span,
        x(waktu) if waktu is not None else None,
        x(stats.median) if stats else None,
        x(stats.p90) if stats else None,
    )
