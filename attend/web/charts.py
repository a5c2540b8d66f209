"""Charts drawn on the server as SVG: no JavaScript and no CDN. Every chart has a text title (role="img" with
aria-labelledby) and the page shows the same figures as a table, so a screen reader user gets the data.

Colours are SVG presentation attributes, not style attributes: the Content Security Policy forbids inline styles.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BLUE, BLACK, GREY, LIGHT = "#1d70b8", "#0b0c0c", "#505a5f", "#b1b4b6"


def _finite(values) -> list[float]:
    return [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


def _nice_max(value: float) -> float:
    if value <= 0:
        return 10.0
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if value <= m * step:
            return m * step
    return 10 * step


def _frame(chart_id: str, title: str, width: int, height: int, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg class="attend-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title" xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>' + "".join(body) + "</svg>"
    )


def _y_axis(top: int, bottom: int, left: int, right: int, y_max: float, y_min: float, unit: str) -> list[str]:
    out = []
    for i in range(5):
        value = y_min + (y_max - y_min) * i / 4
        y = bottom - (bottom - top) * i / 4
        out.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e6e7" stroke-width="1"/>'
        )
        label = f"{value:g}{unit}"
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" fill="{GREY}">{label}</text>'
        )
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{bottom}" stroke="{BLACK}" stroke-width="1"/>')
    out.append(
        f'<line x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}" stroke="{BLACK}" stroke-width="1"/>'
    )
    return out


def line_chart(
    chart_id: str,
    title: str,
    x_labels: Sequence[str],
    series: Sequence[dict],
    *,
    unit: str = "%",
    y_min: float | None = None,
    y_max: float | None = None,
) -> SafeString:
    """series: [{"name", "values", "colour", "dashed"}]; a None value leaves a gap in that line."""
    width, height, left, right, top, bottom = 640, 300, 48, 624, 16, 240
    values = _finite(v for s in series for v in s["values"])
    if y_max is None:
        y_max = _nice_max(max(values, default=0) * 1.1)
    if y_min is None:
        y_min = 0.0
    span = (y_max - y_min) or 1
    n = len(x_labels)
    step = (right - left) / max(n - 1, 1)

    def xy(i, v):
        return left + i * step, bottom - (min(max(v, y_min), y_max) - y_min) / span * (bottom - top)

    body = _y_axis(top, bottom, left, right, y_max, y_min, unit)
    every = max(1, math.ceil(n / 8))
    for i, label in enumerate(x_labels):
        if i % every == 0:
            x, _ = xy(i, y_min)
            body.append(
                f'<text x="{x:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="{GREY}">'
                f"{escape(label)}</text>"
            )
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.get("dashed") else ""
        segment: list[str] = []
        segments = []
        for i, v in enumerate(s["values"]):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                if segment:
                    segments.append(segment)
                segment = []
                continue
            x, y = xy(i, v)
            segment.append(f"{x:.1f},{y:.1f}")
        if segment:
            segments.append(segment)
        for seg in segments:
            if len(seg) == 1:
                x, y = seg[0].split(",")
                body.append(f'<circle cx="{x}" cy="{y}" r="3" fill="{s["colour"]}"/>')
            else:
                body.append(
                    f'<polyline points="{" ".join(seg)}" fill="none" stroke="{s["colour"]}" '
                    f'stroke-width="3"{dash}/>'
                )
    # Legend below the axis.
    x = left
    for s in series:
        dash = ' stroke-dasharray="6 4"' if s.get("dashed") else ""
        body.append(
            f'<line x1="{x}" x2="{x + 24}" y1="{height - 22}" y2="{height - 22}" stroke="{s["colour"]}" '
            f'stroke-width="3"{dash}/>'
        )
        body.append(
            f'<text x="{x + 30}" y="{height - 18}" font-size="13" fill="{BLACK}">{escape(s["name"])}</text>'
        )
        x += 40 + 8 * len(s["name"])
    return _frame(chart_id, title, width, height, body)


def bar_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str = "%",
    reference: float | None = None,
    reference_label: str = "",
) -> SafeString:
    width, height, left, right, top, bottom = 640, 280, 48, 624, 16, 236
    y_max = _nice_max(max(_finite([*values, reference or 0]), default=0) * 1.1)
    n = max(len(labels), 1)
    slot = (right - left) / n
    bar = slot * 0.6
    body = _y_axis(top, bottom, left, right, y_max, 0, unit)
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = left + i * slot + (slot - bar) / 2
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            h = v / y_max * (bottom - top)
            body.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{BLUE}">'
                f"<title>{escape(label)}: {v:.1f}{unit}</title></rect>"
            )
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{bottom - h - 4:.1f}" text-anchor="middle" font-size="12" '
                f'fill="{BLACK}">{v:.1f}{unit}</text>'
            )
        body.append(
            f'<text x="{x + bar / 2:.1f}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="{GREY}">'
            f"{escape(label)}</text>"
        )
    if reference is not None:
        y = bottom - reference / y_max * (bottom - top)
        body.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{BLACK}" stroke-width="2" '
            f'stroke-dasharray="6 4"/>'
        )
        body.append(
            f'<text x="{right}" y="{y - 6:.1f}" text-anchor="end" font-size="12" fill="{BLACK}">'
            f"{escape(reference_label)}</text>"
        )
    return _frame(chart_id, title, width, height, body)


WEEKDAY_INITIALS = ["M", "T", "W", "T", "F"]


def session_calendar(
    chart_id: str, title: str, sessions: Sequence[dict], colours: dict[str, str], start: dt.date, end: dt.date
) -> SafeString:
    """One column per week, two rows per weekday (morning above afternoon). Each session's rectangle has a
    <title> with the date, session and code, shown on hover."""
    first_monday = start - dt.timedelta(days=start.weekday())
    weeks = (end - first_monday).days // 7 + 1
    cell, gap_, left, top = 12, 2, 22, 22
    width = left + weeks * (cell + gap_) + 4
    height = top + 5 * (2 * cell + gap_ + 4) + 4
    body = []
    for d, initial in enumerate(WEEKDAY_INITIALS):
        y = top + d * (2 * cell + gap_ + 4) + cell + 4
        body.append(f'<text x="2" y="{y}" font-size="11" fill="{GREY}">{initial}</text>')
    month, last_label_x = None, -100
    for w in range(weeks):
        monday = first_monday + dt.timedelta(weeks=w)
        x = left + w * (cell + gap_)
        if monday.month != month and x - last_label_x >= 30:
            month, last_label_x = monday.month, x
            body.append(
                f'<text x="{left + w * (cell + gap_)}" y="12" font-size="11" fill="{GREY}">'
                f"{monday.strftime('%b')}</text>"
            )
    for s in sessions:
        day = s["date"]
        if day.weekday() > 4 or day < first_monday:
            continue
        w = (day - first_monday).days // 7
        x = left + w * (cell + gap_)
        y = top + day.weekday() * (2 * cell + gap_ + 4) + (0 if s["session"] == "AM" else cell + gap_)
        fill = colours.get(s["category"], "#ffffff")
        session = "morning" if s["session"] == "AM" else "afternoon"
        label = f"{day.strftime('%a')} {day.day} {day.strftime('%b')} {session}: {s['code']} – {s['meaning']}"
        body.append(
            f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" fill="{fill}" stroke="#505a5f" '
            f'stroke-width="0.5" class="attend-calendar__session"><title>{escape(label)}</title></rect>'
        )
    svg = _frame(chart_id, title, width, height, body)
    # Drawn at its natural size (scaled up to 1.5x on wide screens by the stylesheet), not stretched to the page.
    return mark_safe(
        svg.replace("<svg ", f'<svg width="{int(width * 1.5)}" height="{int(height * 1.5)}" ', 1)
    )
