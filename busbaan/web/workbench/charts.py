"""Bar charts as inline SVG, drawn on the server (pure; no JavaScript).

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` that a screen
reader reads; the page puts the same numbers in a table next to it. Colours are dark
enough for 3:1 contrast on white (WCAG 1.4.11) and the legend repeats them in text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

__all__ = ["PALETTE", "Series", "bar_chart"]

#: Dark, distinguishable colours (contrast >= 3:1 against white).
PALETTE = ("#0b5fa5", "#c2410c", "#047857", "#7c3aed", "#a16207", "#be185d", "#334155",
           "#0e7490")


@dataclass(frozen=True, slots=True)
class Series:
    """One coloured part of every bar."""

    name: str
    values: tuple[int, ...]


def _nice_max(value: int) -> tuple[int, int]:
    """A round top for the axis and the step between its ticks."""
    if value <= 5:
        return max(value, 1), 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (magnitude // 5 or 1, magnitude // 2 or 1, magnitude, magnitude * 2):
        if value / step <= 6:
            return int(math.ceil(value / step) * step), step
    return value, magnitude


def bar_chart(
    chart_id: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    desc: str,
    label_every: int = 1,
    width: int = 560,
    height: int = 250,
) -> Markup:
    """Stacked bars: one bar per label, one coloured segment per series."""
    left, right, top, bottom = 36, 8, 12, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top_value, step = _nice_max(max(totals, default=0))
    slot = plot_w / max(len(labels), 1)
    bar_w = max(2.0, min(48.0, slot * 0.7))
    parts = [
        f'<svg class="chart" id="{escape(chart_id)}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-t {escape(chart_id)}-d" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-t">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-d">{escape(desc)}</desc>',
    ]
    for tick in range(0, top_value + 1, step):
        y = top + plot_h - plot_h * tick / top_value
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" '
                     f'y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" '
                     f'text-anchor="end">{tick}</text>')
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        y = top + plot_h
        for n, s in enumerate(series):
            v = s.values[i]
            if v <= 0:
                continue
            h = plot_h * v / top_value
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(label)}: '
                f'{escape(s.name)} {v}</title></rect>')
        if i % label_every == 0:
            parts.append(f'<text class="label" x="{x + bar_w / 2:.1f}" '
                         f'y="{top + plot_h + 17}" text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" '
                 f'y1="{top + plot_h}" y2="{top + plot_h}"/>')
    if len(series) > 1:
        x = left
        for n, s in enumerate(series):
            colour = PALETTE[n % len(PALETTE)]
            parts.append(f'<rect x="{x}" y="{height - 16}" width="13" height="13" '
                         f'fill="{colour}"/>')
            parts.append(f'<text class="legend" x="{x + 17}" y="{height - 5}">'
                         f'{escape(s.name)}</text>')
            x += 30 + 8 * len(s.name)
    parts.append("</svg>")
    return Markup("".join(parts))
