"""Rectangles and orthogonal segments: what every placing and routing check is made of."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# the sides of a symbol an arrow leaves or enters by (and of the table a corridor runs down)
Side = Literal["left", "right", "top", "bottom"]
Band = Literal["top", "bottom"]  # the band of off-page connectors over or under a page's steps


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    def grow(self, d: float) -> Rect:
        return Rect(self.x - d, self.y - d, self.w + 2 * d, self.h + 2 * d)

    def overlaps(self, other: Rect) -> bool:
        return self.x < other.right and other.x < self.right and self.y < other.bottom and other.y < self.bottom

    def on_edge(self, x: float, y: float, tol: float = 0.5) -> bool:
        inside_x = self.x - tol <= x <= self.right + tol
        inside_y = self.y - tol <= y <= self.bottom + tol
        edge_x = abs(x - self.x) <= tol or abs(x - self.right) <= tol
        edge_y = abs(y - self.y) <= tol or abs(y - self.bottom) <= tol
        return inside_x and inside_y and (edge_x or edge_y)


Point = tuple[float, float]


def segment_hits_rect(a: Point, b: Point, r: Rect) -> bool:
    """Does the axis-parallel segment a-b pass through the interior of r?"""
    (x1, y1), (x2, y2) = a, b
    if y1 == y2:
        return r.y < y1 < r.bottom and min(x1, x2) < r.right and max(x1, x2) > r.x
    return r.x < x1 < r.right and min(y1, y2) < r.bottom and max(y1, y2) > r.y


def segments_overlap(a: tuple[Point, Point], b: tuple[Point, Point], tol: float = 1.0) -> bool:
    """Do two axis-parallel segments lie on top of each other for more than a point?"""
    (ax1, ay1), (ax2, ay2) = a
    (bx1, by1), (bx2, by2) = b
    if ay1 == ay2 and by1 == by2 and abs(ay1 - by1) < tol:
        return min(max(ax1, ax2), max(bx1, bx2)) - max(min(ax1, ax2), min(bx1, bx2)) > tol
    if ax1 == ax2 and bx1 == bx2 and abs(ax1 - bx1) < tol:
        return min(max(ay1, ay2), max(by1, by2)) - max(min(ay1, ay2), min(by1, by2)) > tol
    return False


def shared_span(a: tuple[Point, Point], b: tuple[Point, Point]) -> tuple[float, float]:
    """Where two overlapping segments run together, along their common line."""
    i = 0 if a[0][1] == a[1][1] else 1  # horizontal segments: along x
    lo = max(min(a[0][i], a[1][i]), min(b[0][i], b[1][i]))
    return lo, min(max(a[0][i], a[1][i]), max(b[0][i], b[1][i]))


def beside_label(segment: tuple[Point, Point], label: Rect, span: tuple[float, float]) -> bool:
    """Does the stretch ``span`` of ``segment`` come within 2 px of where ``label`` stands beside it?"""
    horizontal = segment[0][1] == segment[1][1]
    lo, hi = (label.x, label.right) if horizontal else (label.y, label.bottom)
    return span[0] < hi + 2 and lo - 2 < span[1]
