"""A small SVG of how cost grows with the work (log–log axes): page time for the board and the
grid, and the pipeline's seconds, against 10×, 100×, 1000× the rows or takes. A line as steep
as the dashed one (slope 1) grows linearly; a flat one does not grow."""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT, PAD = 560, 300, 48
COLOURS = ["#d9480f", "#1c7ed6", "#2b8a3e"]


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def svg(series: dict[str, dict[int, float]], x_label: str, y_label: str) -> str:
    """`series`: name → {work: cost}. Both axes logarithmic."""
    points = [(x, y) for s in series.values() for x, y in s.items() if x > 0 and y > 0]
    x_lo, x_hi = min(p[0] for p in points), max(p[0] for p in points)
    y_lo, y_hi = min(p[1] for p in points), max(p[1] for p in points)
    lx0, lx1 = math.log10(x_lo), math.log10(x_hi) if x_hi > x_lo else math.log10(x_lo) + 1
    ly0, ly1 = math.log10(y_lo) - 0.1, math.log10(y_hi) + 0.1

    def at(x: float, y: float) -> tuple[float, float]:
        px = PAD + (math.log10(x) - lx0) / (lx1 - lx0) * (WIDTH - 2 * PAD)
        py = HEIGHT - PAD - (math.log10(y) - ly0) / (ly1 - ly0) * (HEIGHT - 2 * PAD)
        return round(px, 1), round(py, 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="11">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fff"/>',
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        'stroke="#495057"/>',
        f'<line x1="{PAD}" y1="{PAD}" x2="{PAD}" y2="{HEIGHT - PAD}" stroke="#495057"/>',
        f'<text x="{WIDTH / 2}" y="{HEIGHT - 12}" text-anchor="middle">{escape(x_label)}</text>',
        f'<text x="14" y="{HEIGHT / 2}" text-anchor="middle" '
        f'transform="rotate(-90 14 {HEIGHT / 2})">{escape(y_label)}</text>',
    ]
    for x in sorted({p[0] for p in points}):
        px, _ = at(x, y_lo)
        parts.append(f'<text x="{px}" y="{HEIGHT - PAD + 14}" text-anchor="middle">{x}</text>')
    for y in (y_lo, y_hi):
        _, py = at(x_lo, y)
        parts.append(f'<text x="{PAD - 4}" y="{py + 4}" text-anchor="end">{_number(y)}</text>')
    parts.append(
        f'<clipPath id="plot"><rect x="{PAD}" y="{PAD / 2}" width="{WIDTH - 2 * PAD}" '
        f'height="{HEIGHT - 1.5 * PAD}"/></clipPath>'
    )
    # Linear growth for reference, from the first point of the first series.
    first = next(iter(series.values()))
    x0 = min(first)
    a, b = at(x0, first[x0]), at(x_hi, first[x0] * x_hi / x0)
    parts.append(
        f'<line x1="{a[0]}" y1="{a[1]}" x2="{b[0]}" y2="{b[1]}" stroke="#adb5bd" '
        'stroke-dasharray="4 4" clip-path="url(#plot)"><title>linear growth</title></line>'
    )
    for i, (name, values) in enumerate(series.items()):
        colour = COLOURS[i % len(COLOURS)]
        line = " ".join(f"{at(x, y)[0]},{at(x, y)[1]}" for x, y in sorted(values.items()))
        parts.append(f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in sorted(values.items()):
            px, py = at(x, y)
            parts.append(
                f'<circle cx="{px}" cy="{py}" r="3" fill="{colour}"><title>{escape(name)}: '
                f"{x} → {y:.3g}</title></circle>"
            )
        label_y = PAD / 2 + 14 * (i + 1)
        parts.append(f'<text x="{PAD + 10}" y="{label_y}" fill="{colour}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
