"""Accessible bar charts drawn on the server as SVG: no script, no third-party request.

Each chart is an `<svg role="img">` labelled by its own `<title>` and `<desc>`; the dashboard template puts a
data table with the same figures beside every chart, so nothing is conveyed by the drawing alone. Colours
have at least 3:1 contrast with the white background (WCAG 1.4.11), and every bar carries its value as text.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1d3f7a", "#00703c", "#d4351c", "#4c2c92", "#6f4e1f"]
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"'
_ids = itertools.count(1)


@dataclass
class Series:
    name: str
    values: list[float]


TICKS = 4


def nice_max(value: float) -> float:
    """The top of a scale of TICKS equal, round, whole-number steps, at or above `value`."""
    if value <= 0:
        return TICKS
    raw_step = value / TICKS
    magnitude = 10 ** math.floor(math.log10(raw_step)) if raw_step >= 1 else 1
    multiples = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if magnitude >= 10 else (1, 2, 3, 4, 5, 6, 8, 10)
    for multiple in multiples:
        step = int(multiple * magnitude)
        if step >= raw_step:
            return step * TICKS
    return 10 * magnitude * TICKS


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _open(width: int, height: int, title: str, description: str, slug: str) -> list[str]:
    uid = f"{slug}-{next(_ids)}"
    return [
        f'<svg class="beacon-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{uid}-title {uid}-desc" {FONT} '
        'font-size="14">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def grouped_bar_chart(
    *, title: str, description: str, labels: list[str], series: list[Series], slug: str = "chart"
) -> SafeString:
    """Vertical bars: one group per label (such as a week), one bar per series."""
    width, height = 720, 340
    left, right, top, bottom = 56, 16, 40 if len(series) > 1 else 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = nice_max(max([v for s in series for v in s.values] or [0]))
    parts = _open(width, height, title, description, slug)
    if len(series) > 1:  # legend
        x = left
        for index, item in enumerate(series):
            colour = PALETTE[index % len(PALETTE)]
            parts.append(f'<rect x="{x}" y="10" width="14" height="14" fill="{colour}"/>')
            parts.append(f'<text x="{x + 20}" y="22" fill="#0b0c0c">{escape(item.name)}</text>')
            x += 28 + 8 * len(item.name)
    for step in range(TICKS + 1):  # scale and grid lines
        value = top_value * step / TICKS
        y = top + plot_h - plot_h * step / TICKS
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#b1b4b6"/>')
        parts.append(
            f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end" fill="#0b0c0c">{_fmt(value)}</text>'
        )
    groups = max(len(labels), 1)
    group_w = plot_w / groups
    bar_w = min(48, (group_w * 0.8) / max(len(series), 1))
    for g, label in enumerate(labels):
        gx = left + g * group_w + (group_w - bar_w * len(series)) / 2
        for s, item in enumerate(series):
            value = item.values[g] if g < len(item.values) else 0
            bar_h = plot_h * (value / top_value) if top_value else 0
            x = gx + s * bar_w
            y = top + plot_h - bar_h
            colour = PALETTE[s % len(PALETTE)]
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{bar_h:.1f}" fill="{colour}">'
                f"<title>{escape(item.name)}, {escape(label)}: {_fmt(value)}</title></rect>"
            )
            parts.append(
                f'<text x="{x + (bar_w - 2) / 2:.1f}" y="{y - 4:.1f}" text-anchor="middle" font-size="12" '
                f'fill="#0b0c0c">{_fmt(value)}</text>'
            )
        parts.append(
            f'<text x="{left + g * group_w + group_w / 2:.1f}" y="{height - bottom + 20}" text-anchor="middle" '
            f'fill="#0b0c0c">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#0b0c0c"/>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)


def horizontal_bar_chart(
    *, title: str, description: str, labels: list[str], values: list[float], slug: str = "chart"
) -> SafeString:
    """One bar per label, longest label on the left: for categories and areas."""
    row_h, width = 30, 720
    left = min(280, 16 + 8 * max((len(label) for label in labels), default=4))
    right, top = 64, 8
    height = top * 2 + row_h * max(len(labels), 1)
    plot_w = width - left - right
    top_value = nice_max(max(values or [0]))
    parts = _open(width, height, title, description, slug)
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + index * row_h
        bar_w = plot_w * (value / top_value) if top_value else 0
        parts.append(
            f'<text x="{left - 8}" y="{y + row_h / 2 + 5:.1f}" text-anchor="end" fill="#0b0c0c">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" fill="{PALETTE[0]}">'
            f"<title>{escape(label)}: {_fmt(value)}</title></rect>"
        )
        parts.append(
            f'<text x="{left + bar_w + 6:.1f}" y="{y + row_h / 2 + 5:.1f}" fill="#0b0c0c">{_fmt(value)}</text>'
        )
    if not labels:
        parts.append(f'<text x="{left}" y="{top + 20}" fill="#0b0c0c">No figures yet</text>')
    parts.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{height - top}" stroke="#0b0c0c"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
