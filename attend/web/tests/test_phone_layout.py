"""Issue 23 items 9 and 10 without a browser: the charts' geometry (text size, labels kept inside the chart and apart,
value labels off the dashed England line) and the phone tables' labels (every stacked cell carries its column's
heading). The browser test (test_browser_phone.py) measures the same things as drawn."""

from __future__ import annotations

import re

import pytest

from attend.web import charts

from .test_pages import signed_in

WEEKS = [f"{d} {m}" for m in ("Sep", "Oct", "Nov") for d in (1, 8, 15, 22, 29)][:12]


def _texts(svg: str) -> list[tuple[float, float, str, str]]:
    """(x, y, anchor, text) of every <text> in a chart."""
    found = re.findall(r'<text x="([\d.]+)" y="([\d.]+)"(?: text-anchor="(\w+)")?[^>]*>([^<]*)</text>', svg)
    return [(float(x), float(y), anchor or "start", text) for x, y, anchor, text in found]


def _boxes(svg: str) -> list[tuple[float, float, float, float, str]]:
    """(left, right, top, bottom, text) as charts.py estimates them."""
    out = []
    for x, y, anchor, text in _texts(svg):
        w = charts._text_width(text)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        out.append((left, left + w, y - charts.ASCENT, y + charts.DESCENT, text))
    return out


def _view_box(svg: str) -> tuple[float, float]:
    w, h = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).groups()
    return float(w), float(h)


def _overlapping(boxes):
    return [
        (a[4], b[4])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[1] and b[0] < a[1] and a[2] < b[3] and b[2] < a[3]
    ]


def test_line_chart_text_is_phone_sized_inside_the_chart_and_apart():
    svg = charts.line_chart(
        "t",
        "Trend",
        WEEKS,
        [
            {"name": "This pupil", "values": [90.0 + i for i in range(12)], "colour": "#1d70b8"},
            {"name": "School", "values": [93.0] * 12, "colour": "#f47738"},
            {"name": "England", "values": [94.0] * 12, "colour": "#0b0c0c", "dashed": True},
        ],
        y_max=100,
    )
    width, height = _view_box(svg)
    # 14 units in a 400-unit chart drawn about 345 px wide on a 375 px phone: 12 px.
    assert width == 400 and set(re.findall(r'font-size="(\d+)"', svg)) == {"14"}
    assert 14 * 345 / width >= 11
    boxes = _boxes(svg)
    assert all(0 <= b[0] and b[1] <= width and 0 <= b[2] and b[3] <= height for b in boxes), boxes
    assert not _overlapping(boxes)
    labels = [b[4] for b in boxes]
    assert labels[:5] == ["0%", "25%", "50%", "75%", "100%"] and labels[-3:] == [
        "This pupil",
        "School",
        "England",
    ]
    # Thinned so that they fit: the first week is labelled, and no more than fit 334 units.
    weeks_shown = [t for t in labels if t in WEEKS]
    assert weeks_shown[0] == "1 Sep" and 4 <= len(weeks_shown) < 12
    # The England series is the marked reference line; its legend sample is not.
    assert svg.count('class="attend-chart__reference"') == 1


def test_line_chart_last_x_label_moves_inwards_rather_than_being_clipped():
    svg = charts.line_chart(
        "t", "Trend", ["1 Sep", "20 Nov"], [{"name": "A", "values": [1.0, 2.0], "colour": "#000"}]
    )
    last = [b for b in _boxes(svg) if b[4] == "20 Nov"]
    assert last and last[0][1] <= 400 - 2


def test_legend_wraps_onto_a_second_row_when_wider_than_the_chart():
    series = [{"name": f"A long series name {n}", "values": [1.0, 2.0], "colour": "#000"} for n in range(3)]
    svg = charts.line_chart("t", "Trend", ["1 Sep", "8 Sep"], series)
    width, height = _view_box(svg)
    boxes = _boxes(svg)
    rows = {b[3] for b in boxes if b[4].startswith("A long")}
    assert len(rows) == 3 and all(b[1] <= width and b[3] <= height for b in boxes)
    assert not _overlapping(boxes)


@pytest.mark.parametrize("england", [0.5, 3.9, 4.0, 4.2, 4.4, 4.8, 5.0, 5.3, 5.8, 6.5, 9.0])
def test_bar_values_never_touch_the_england_line(england):
    """Bars around the England figure, the case of issue 23 ("England" over "5.8%"): every value label keeps clear of
    the dashed line, stays inside the chart, and no text overlaps another."""
    values = [4.3, 4.2, 4.5, 4.9, 5.8]
    svg = charts.bar_chart(
        "w",
        "By day",
        ["Mon", "Tue", "Wed", "Thu", "Fri"],
        values,
        reference=england,
        reference_label="England",
    )
    line = re.search(r'<line class="attend-chart__reference"[^>]* y1="([\d.]+)"', svg)
    ref_y = float(line.group(1))
    width, height = _view_box(svg)
    boxes = _boxes(svg)
    value_boxes = [b for b in boxes if b[4] in {f"{v:.1f}%" for v in values}]
    assert len(value_boxes) == 5
    for _left, _right, top, bottom, text in value_boxes:
        assert not (top - 1 < ref_y + 1 and ref_y - 1 < bottom + 1), (text, top, bottom, ref_y)
    assert all(0 <= b[0] and b[1] <= width and 0 <= b[2] and b[3] <= height for b in boxes)
    assert not _overlapping(boxes)
    # England is named once, in the key below the chart, not on the line.
    assert [b for b in boxes if b[4] == "England"][0][2] > 200


def test_bar_value_goes_inside_its_bar_or_above_the_line_when_the_line_crosses_its_place():
    def fills(reference):
        svg = charts.bar_chart(
            "w", "By day", ["Mon", "Tue"], [8.0, 2.0], reference=reference, reference_label="E"
        )
        found = re.findall(r'fill="(#[0-9a-f]+)">(\d\.\d%)</text>', svg)
        return {text: fill for fill, text in found if text in ("8.0%", "2.0%")}

    # The line just above the 8.0% bar, where its value would go: the value goes inside the bar, white on blue.
    assert fills(8.3) == {"8.0%": "#ffffff", "2.0%": "#0b0c0c"}
    # The line just below the bar's top: above the bar is clear.
    assert fills(7.0) == {"8.0%": "#0b0c0c", "2.0%": "#0b0c0c"}
    # The line 2 units under the bar's top: neither above nor inside is clear, so the value sits above the line.
    svg = charts.bar_chart("w", "By day", ["Mon"], [8.0], reference=7.9, reference_label="E")
    y = float(re.search(r'y="([\d.]+)"[^>]*>8\.0%<', svg).group(1))
    ref_y = float(re.search(r'class="attend-chart__reference"[^>]* y1="([\d.]+)"', svg).group(1))
    assert y + charts.DESCENT + 2 < ref_y - 1


def test_bar_chart_without_a_reference_has_no_key():
    svg = charts.bar_chart("w", "By day", ["Mon"], [3.0])
    assert "attend-chart__reference" not in svg and "stroke-dasharray" not in svg


STACKED = re.compile(r'<table class="[^"]*attend-stack[^"]*"[^>]*data-testid="([\w-]+)".*?</table>', re.S)


def _stacked_tables(html: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """For each stacked table: its column headings and each body row's cell labels (None for a <th> row header)."""
    out = {}
    for match in STACKED.finditer(html):
        table = match.group(0)
        head = re.search(r"<thead.*?</thead>", table, re.S).group(0)
        headings = [
            re.sub(r"<[^>]+>|[▼▲]", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
        ]
        body = re.search(r"<tbody.*?</tbody>", table, re.S).group(0)
        rows = []
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<(td|th)\b([^>]*)>", row)
            rows.append([None if tag == "th" else (re.search(r'data-label="([^"]*)"', attrs) or [None, ""])[1]
                         for tag, attrs in cells])  # fmt: skip
        out[match.group(1)] = (headings, rows)
    return out


@pytest.mark.django_db
def test_every_stacked_cell_is_labelled_with_its_column_heading(client, demo_la):
    """On a phone a stacked cell shows its data-label in place of the hidden heading row: the label must be the
    column's heading, on every page that stacks a table (call list, work list, reasons, search, dashboards)."""
    from attend.alerts.models import Alert
    from attend.schools.models import School

    signed_in(client, "la.officer")
    school = School.objects.order_by("urn").first()
    pupil = Alert.objects.filter(school=school, rule="persistent_absence").order_by("id").first().pupil
    pages = {
        "/": ["call-list"],
        f"/work/?list=school&school={school.urn}": ["work-list"],
        f"/pupils/{pupil.upn}/": ["reasons"],
        f"/schools/{school.urn}/": ["headline", "year-groups", "group-fsm"],
        "/la/": ["la-totals", "la-schools"],
    }
    search = client.post("/pupils/", {"q": pupil.legal_surname}, follow=True).content.decode()
    seen = _stacked_tables(search)
    assert "search-results" in seen
    for url, expected in pages.items():
        seen |= _stacked_tables(client.get(url).content.decode())
        assert set(expected) <= set(seen), (url, expected, list(seen))
    for testid, (headings, rows) in seen.items():
        assert rows, testid
        for cells in rows:
            if len(cells) != len(headings):  # the emptied work-list row spans its columns
                continue
            labels = [h if label is None else label for h, label in zip(headings, cells, strict=True)]
            assert labels == headings, (testid, labels, headings)
