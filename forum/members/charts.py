"""Geometry for server-rendered SVG charts (templates draw them; no JavaScript needed)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from forum.members.stats import Dimension

BAR_HEIGHT = 22
BAR_GAP = 8
LABEL_WIDTH = 110
CHART_WIDTH = 440
PIE_RADIUS = 80


@dataclass
class Bar:
    label: str
    count: int
    y: int
    width: float
    percent: str


@dataclass
class Slice:
    label: str
    count: int
    path: str
    percent: str
    swatch: int
    full_circle: bool = False


def percent(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "0.0%"


def bars(dimension: Dimension) -> tuple[list[Bar], int]:
    """Horizontal bars scaled to the largest count; returns bars and the SVG height."""
    top = max((r.count for r in dimension.rows), default=0)
    span = CHART_WIDTH - LABEL_WIDTH - 50
    result = [
        Bar(
            r.label,
            r.count,
            i * (BAR_HEIGHT + BAR_GAP),
            round(span * r.count / top, 1) if top else 0.0,
            percent(r.count, dimension.total),
        )
        for i, r in enumerate(dimension.rows)
    ]
    return result, max(1, len(result)) * (BAR_HEIGHT + BAR_GAP)


def slices(dimension: Dimension) -> list[Slice]:
    """Pie slices as SVG arc paths around (0, 0), starting at 12 o'clock."""
    total = dimension.total
    result: list[Slice] = []
    angle = -math.pi / 2
    for i, row in enumerate(dimension.rows):
        if not row.count:
            continue
        share = row.count / total
        end = angle + share * 2 * math.pi
        x1, y1 = PIE_RADIUS * math.cos(angle), PIE_RADIUS * math.sin(angle)
        x2, y2 = PIE_RADIUS * math.cos(end), PIE_RADIUS * math.sin(end)
        large = 1 if share > 0.5 else 0
        path = f"M0,0 L{x1:.2f},{y1:.2f} A{PIE_RADIUS},{PIE_RADIUS} 0 {large} 1 {x2:.2f},{y2:.2f} Z"
        result.append(
            Slice(row.label, row.count, path, percent(row.count, total), i % 8, share >= 0.9999)
        )
        angle = end
    return result
