"""Small bar charts drawn as SVG on the server: no chart library, no script in the browser."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR = "#3b6ea8"
SECOND = "#d9822b"
TEXT = "#333"
GRID = "#ddd"


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(label)}" class="chart">'
        f"<title>{escape(label)}</title>{''.join(body)}</svg>"
    )


def columns(
    label: str,
    points: Sequence[tuple[str, int, int]],
    legend: tuple[str, str] = ("all", "second"),
    width: int = 720,
    height: int = 220,
) -> Markup:
    """One column pair per point (e.g. per day): the total and, inside it, a part of it."""
    top, bottom, left = 20, 40, 36
    plot_h = height - top - bottom
    peak = max([p[1] for p in points] + [1])
    step = (width - left - 10) / max(1, len(points))
    bar_w = max(2.0, step * 0.7)
    body = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        f'stroke="{GRID}"/>',
        f'<text x="{left - 6}" y="{top + 4}" font-size="11" text-anchor="end" '
        f'fill="{TEXT}">{peak}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" font-size="11" text-anchor="end" '
        f'fill="{TEXT}">0</text>',
    ]
    # Label a handful of columns so the axis stays readable for 90 days.
    every = max(1, len(points) // 8)
    for i, (name, total, part) in enumerate(points):
        x = left + i * step + (step - bar_w) / 2
        for value, colour in ((total, BAR), (part, SECOND)):
            h = plot_h * value / peak
            body.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(name)}: {value}</title></rect>'
            )
        if i % every == 0:
            body.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="10" '
                f'text-anchor="middle" fill="{TEXT}">{escape(name)}</text>'
            )
    for n, (text, colour) in enumerate(zip(legend, (BAR, SECOND), strict=True)):
        x = left + n * 140
        body.append(
            f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{colour}"/>'
            f'<text x="{x + 14}" y="{height - 5}" font-size="11" fill="{TEXT}">'
            f"{escape(text)}</text>"
        )
    return _svg(width, height, label, body)


def bars(label: str, items: Sequence[tuple[str, int]], width: int = 360) -> Markup:
    """One horizontal bar per category, with its count."""
    row, left = 22, 110
    height = max(1, len(items)) * row + 10
    peak = max([v for _, v in items] + [1])
    body = []
    for i, (name, value) in enumerate(items):
        y = 5 + i * row
        w = (width - left - 50) * value / peak
        body.append(
            f'<text x="{left - 6}" y="{y + 14}" font-size="12" text-anchor="end" '
            f'fill="{TEXT}">{escape(name)}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="14" fill="{BAR}"/>'
            f'<text x="{left + w + 6:.1f}" y="{y + 14}" font-size="12" fill="{TEXT}">'
            f"{value}</text>"
        )
    return _svg(width, height, label, body)
