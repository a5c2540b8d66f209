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


# Charts are drawn 400 units wide and scaled to the page: about 345 px on a 375 px phone, at most 560 px (the
# stylesheet's .attend-chart-wrap). Text of 14 units is therefore 12 px on a phone and 19.6 px on a desktop, the size
# of GOV.UK body text (issue 23 item 10: at least 11 px on a phone).
FONT = 14
WIDTH, LEFT, RIGHT = 400, 50, 384
ASCENT, DESCENT = 0.905 * FONT, 0.212 * FONT  # Arial's, as a browser measures a text's box


def _text_width(text: str) -> float:
    """A generous estimate of a label's drawn width (Arial's widest digits and letters are about 0.6 em)."""
    return 0.6 * FONT * len(text)


def _y_axis(top: int, bottom: int, y_max: float, y_min: float, unit: str) -> list[str]:
    out = []
    for i in range(5):
        value = y_min + (y_max - y_min) * i / 4
        y = bottom - (bottom - top) * i / 4
        out.append(
            f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e6e7" stroke-width="1"/>'
        )
        label = f"{value:g}{unit}"
        out.append(
            f'<text x="{LEFT - 6}" y="{y + 5:.1f}" text-anchor="end" font-size="{FONT}" fill="{GREY}">{label}</text>'
        )
    out.append(f'<line x1="{LEFT}" x2="{LEFT}" y1="{top}" y2="{bottom}" stroke="{BLACK}" stroke-width="1"/>')
    out.append(
        f'<line x1="{LEFT}" x2="{RIGHT}" y1="{bottom}" y2="{bottom}" stroke="{BLACK}" stroke-width="1"/>'
    )
    return out


def _x_labels(positions: Sequence[tuple[float, str]], y: float) -> list[str]:
    """Labels centred under their points, moved inwards at the chart's edges (the last one is not clipped) and
    thinned so that no two touch."""
    out, last_right = [], -1.0
    for x, label in positions:
        half = _text_width(label) / 2
        x = min(max(x, half + 2), WIDTH - half - 2)
        if x - half < last_right + 8:
            continue
        last_right = x + half
        out.append(
            f'<text x="{x:.1f}" y="{y}" text-anchor="middle" font-size="{FONT}" fill="{GREY}">{escape(label)}</text>'
        )
    return out


def _legend(items: Sequence[dict], y: float) -> tuple[list[str], float]:
    """A key of line samples and names below the chart, wrapped onto further rows when it is wider than the chart.
    Returns the drawing and the y of its last row."""
    out, x = [], float(LEFT)
    for item in items:
        span = 30 + _text_width(item["name"])
        if x > LEFT and x + span > WIDTH - 2:
            x, y = float(LEFT), y + FONT + 10
        dash = ' stroke-dasharray="6 4"' if item.get("dashed") else ""
        out.append(
            f'<line x1="{x:.1f}" x2="{x + 24:.1f}" y1="{y - 5:.1f}" y2="{y - 5:.1f}" stroke="{item["colour"]}" '
            f'stroke-width="3"{dash}/>'
        )
        out.append(
            f'<text x="{x + 30:.1f}" y="{y:.1f}" font-size="{FONT}" fill="{BLACK}">{escape(item["name"])}</text>'
        )
        x += span + 16
    return out, y


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
    top, bottom = 12, 200
    values = _finite(v for s in series for v in s["values"])
    if y_max is None:
        y_max = _nice_max(max(values, default=0) * 1.1)
    if y_min is None:
        y_min = 0.0
    span = (y_max - y_min) or 1
    n = len(x_labels)
    step = (RIGHT - LEFT) / max(n - 1, 1)

    def xy(i, v):
        return LEFT + i * step, bottom - (min(max(v, y_min), y_max) - y_min) / span * (bottom - top)

    body = _y_axis(top, bottom, y_max, y_min, unit)
    body += _x_labels([(xy(i, y_min)[0], label) for i, label in enumerate(x_labels)], bottom + 22)
    for s in series:
        # A dashed series is the reference (England): the browser test checks that no text touches it.
        dash = ' class="attend-chart__reference" stroke-dasharray="6 4"' if s.get("dashed") else ""
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
    legend, last_row = _legend(series, bottom + 52)
    return _frame(chart_id, title, WIDTH, int(last_row + 10), body + legend)


def _value_label_y(bar_top: float, bar_height: float, reference_y: float | None) -> tuple[float, bool]:
    """Where a bar's value goes: above the bar, else inside its top (white), else above the reference line, so
    that it never touches the dashed line. Returns the baseline and whether the text sits inside the bar."""

    def clear(baseline: float) -> bool:
        return reference_y is None or not (
            baseline - ASCENT - 2 < reference_y + 1 and reference_y - 1 < baseline + DESCENT + 2
        )

    if clear(bar_top - 4):
        return bar_top - 4, False
    if bar_height >= ASCENT + DESCENT + 6 and clear(bar_top + ASCENT + 3):
        return bar_top + ASCENT + 3, True
    return reference_y - DESCENT - 4, False


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
    """Bars with their values; the reference (e.g. England) is a dashed line across the chart, named in a key below
    it rather than on the line, so no label is struck through by it."""
    top, bottom = 12, 200
    y_max = _nice_max(max(_finite([*values, reference or 0]), default=0) * 1.1)
    n = max(len(labels), 1)
    slot = (RIGHT - LEFT) / n
    bar = slot * 0.6
    ref_y = None if reference is None else bottom - reference / y_max * (bottom - top)
    body = _y_axis(top, bottom, y_max, 0, unit)
    for i, (label, v) in enumerate(zip(labels, values, strict=True)):
        x = LEFT + i * slot + (slot - bar) / 2
        if v is not None and not (isinstance(v, float) and math.isnan(v)):
            h = v / y_max * (bottom - top)
            body.append(
                f'<rect x="{x:.1f}" y="{bottom - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{BLUE}">'
                f"<title>{escape(label)}: {v:.1f}{unit}</title></rect>"
            )
            y, inside = _value_label_y(bottom - h, h, ref_y)
            body.append(
                f'<text x="{x + bar / 2:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{FONT}" '
                f'fill="{"#ffffff" if inside else BLACK}">{v:.1f}{unit}</text>'
            )
    body += _x_labels([(LEFT + i * slot + slot / 2, label) for i, label in enumerate(labels)], bottom + 22)
    last_row = bottom + 22
    if ref_y is not None:
        body.append(
            f'<line class="attend-chart__reference" x1="{LEFT}" x2="{RIGHT}" y1="{ref_y:.1f}" y2="{ref_y:.1f}" '
            f'stroke="{BLACK}" stroke-width="2" stroke-dasharray="6 4"/>'
        )
        legend, last_row = _legend([{"name": reference_label, "colour": BLACK, "dashed": True}], bottom + 52)
        body += legend
    return _frame(chart_id, title, WIDTH, int(last_row + 10), body)


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
