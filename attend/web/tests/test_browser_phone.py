"""Issue 23 items 9, 10 and 11 as a person sees them, in headless Chromium at 375 px and 1280 px on the demo LA.

Item 9: on a phone the tables that matter (the call list, the work list with its next step and Acknowledge button,
the pupil page's reasons, the LA's schools, search results, year groups) stack each row into a block, so every cell
of a row is on screen without a sideways scroll, and the page is no wider than the viewport.
Item 10: every chart text measures at least 11 px as drawn, stays inside its chart, overlaps no other text, and no
text touches the dashed England line; the data tables stay.
Item 11: at 1280 px the LA and trust "Schools side by side" tables fit their column.

One demo and one browser context per width: several checks per page load. axe-checked. Screenshots into
docs/screens/ (`<page>-<width>-after.png`; ATTEND_SCREENS_SUFFIX=before names the run on the old code).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from attend.alerts.models import OPEN_STATUSES, Alert
from attend.schools.models import School, Trust

from .browser_kit import AXE, CHROMIUM, LAUNCH_ARGS  # noqa: F401  (the browser fixture is in the root conftest)
from .conftest import DEMO_DAY
from .test_browser import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = Path(settings.BASE_DIR) / "docs" / "screens"
SUFFIX = os.environ.get("ATTEND_SCREENS_SUFFIX", "after")

# Every cell of a row (and anything in it that can be pressed) lies inside the viewport horizontally.
CELLS_OFF_SCREEN = """([selector, vw]) => {
  const out = [];
  for (const el of document.querySelectorAll(selector)) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -0.5 || r.right > vw + 0.5) out.push(`${el.tagName} ${el.textContent.trim().slice(0, 40)}: ${r.left}-${r.right}`);
  }
  return out;
}"""

# For each drawn chart: the size of each text as drawn, text leaving the chart, text over text, text over the
# reference (England) line. Hidden charts (width 0) are skipped.
CHART_PROBLEMS = """() => {
  const out = [];
  let texts = 0;
  const hit = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  for (const svg of document.querySelectorAll('svg.attend-chart')) {
    const box = svg.getBoundingClientRect();
    if (box.width === 0) continue;
    const scale = box.width / svg.viewBox.baseVal.width;
    const name = svg.getAttribute('aria-labelledby');
    const items = [...svg.querySelectorAll('text')].map(t => ({t, r: t.getBoundingClientRect()}));
    const lines = [...svg.querySelectorAll('.attend-chart__reference')].map(l => l.getBoundingClientRect());
    for (const {t, r} of items) {
      texts += 1;
      const px = parseFloat(getComputedStyle(t).fontSize) * scale;
      const what = `${name} "${t.textContent}"`;
      if (px < 11) out.push(`${what}: ${px.toFixed(1)} px`);
      if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5)
        out.push(`${what}: outside the chart`);
      for (const l of lines) if (hit(r, l)) out.push(`${what}: on the England line`);
    }
    for (let i = 0; i < items.length; i++)
      for (let j = i + 1; j < items.length; j++)
        if (hit(items[i].r, items[j].r)) out.push(`${name} "${items[i].t.textContent}" over "${items[j].t.textContent}"`);
  }
  return {texts, problems: out};
}"""


def _shot(page, name: str, width: int) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{width}-{SUFFIX}.png"), full_page=True)


def _fits(page, width: int, *selectors: str) -> list[str]:
    """The page is no wider than the viewport, and the given elements are all inside it: the problems found."""
    where = page.url.split("/", 3)[-1]
    scroll = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    problems = [] if scroll[0] <= scroll[1] == width else [f"/{where}: page {scroll[0]} px wide"]
    for selector in selectors:
        assert page.locator(selector).count(), f"nothing matches {selector} on /{where}"
        problems += [f"/{where}: {o}" for o in page.evaluate(CELLS_OFF_SCREEN, [selector, width])]
    return problems


def _charts(page, expected_charts: int) -> list[str]:
    found = page.evaluate(CHART_PROBLEMS)
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('svg.attend-chart')].filter(s => s.getBoundingClientRect().width).length"
    )
    assert drawn == expected_charts and found["texts"] > 10, (drawn, found["texts"])
    return found["problems"]


def _first_row(testid: str) -> str:
    return f'[data-testid="{testid}"] tbody tr:first-child > *'


def _calls_today(school: School) -> None:
    """The demo's registers end the day before; two first-day calls for today, one with two contacts."""
    pupils = [a.pupil for a in Alert.objects.filter(school=school).exclude(pupil=None).order_by("id")[:2]]
    for n, pupil in enumerate(pupils):
        contacts = [
            {
                "name": "Ms Alexandra Featherstonehaugh",
                "relationship": "Mother",
                "phones": ["07700 900123", "0117 496 0000"],
            },
            {
                "name": "Mr Bartholomew Featherstonehaugh",
                "relationship": "Father",
                "phones": ["07700 900456"],
            },
        ][: 2 - n]
        Alert.objects.create(
            rule="first_day", key=DEMO_DAY.isoformat(), school=school, pupil=pupil, status="new",
            enrolment=pupil.enrolments.filter(school=school).first(),
            raised_on=DEMO_DAY, last_evaluated_on=DEMO_DAY, measure=1, peak_measure=1, priority=n,
            reason="Absent this morning with no reason given (N).", details={"contacts": contacts},
            flags=["vulnerable"] if n == 0 else [],
        )  # fmt: skip


@pytest.mark.parametrize("width", (375, 1280))
def test_tables_and_charts_fit_the_screen(browser, live_server, demo_la_per_test, width):
    base = live_server.url
    school = School.objects.filter(local_authority__code="999").order_by("urn").first()
    _calls_today(school)
    trust = Trust.objects.filter(schools__isnull=False).order_by("pk").first()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, base, "la.officer", "demo-la-officer-pw")
    problems: list[str] = []  # every page is checked before the test fails, so one run lists everything

    # Home: the call list, with every contact number on screen.
    _shot(page, "home-calls", width)
    problems += _fits(page, width, _first_row("call-list"), '[data-testid="call-list"] a[href^="tel:"]')
    # Still a table to a screen reader at every width: its name, its column headings and cells.
    calls = page.get_by_role("table", name="First-day absence calls for 20 November 2025")
    assert calls.get_by_role("columnheader", name="Contacts").count() == 1
    assert calls.get_by_role("cell", name="Mr Bartholomew Featherstonehaugh (Father)").count() == 1
    check_accessibility(page, f"phone-home-{width}")

    # The school work list: the next step and the Acknowledge button of the first row.
    page.goto(f"{base}/work/?list=school&school={school.urn}")
    _shot(page, "work", width)
    problems += _fits(
        page, width, _first_row("work-list"), '[data-testid="work-list"] tbody tr:first-child button'
    )
    check_accessibility(page, f"phone-work-{width}")

    # A pupil with open alerts: the reasons table (sessions, share) and the trend chart.
    pupil = (
        Alert.objects.filter(status__in=OPEN_STATUSES, school=school, rule="persistent_absence")
        .order_by("id")
        .first()
        .pupil
    )
    page.goto(f"{base}/pupils/{pupil.upn}/")
    _shot(page, "pupil", width)
    problems += _fits(page, width, _first_row("reasons"))
    problems += _charts(page, expected_charts=2)  # the session calendar and the weekly trend
    check_accessibility(page, f"phone-pupil-{width}")

    # Search by surname: the school tells two pupils of one name apart.
    page.get_by_label("Find a pupil by name or UPN").fill(pupil.legal_surname)
    page.get_by_role("button", name="Search", exact=True).click()
    page.get_by_test_id("search-results").wait_for()
    _shot(page, "search", width)
    problems += _fits(page, width, _first_row("search-results"))
    check_accessibility(page, f"phone-search-{width}")

    # The school dashboard: both charts, the year groups' persistent and severe absence.
    page.goto(f"{base}/schools/{school.urn}/")
    _shot(page, "school", width)
    problems += _fits(page, width, _first_row("headline"), _first_row("year-groups"), _first_row("group-fsm"))
    problems += _charts(page, expected_charts=2)
    check_accessibility(page, f"phone-school-{width}")

    # The LA and trust dashboards: every column of the schools table, on a phone and on a desktop (item 11).
    for url, name in ((f"{base}/la/", "la"), (f"{base}/trusts/{trust.pk}/", "trust")):
        page.goto(url)
        _shot(page, name, width)
        totals = f'[data-testid="{name}-totals"] tbody tr > *'
        problems += _fits(page, width, totals, _first_row("la-schools"), '[data-testid="la-schools"] thead a')
        inside = page.evaluate(
            """() => { const t = document.querySelector('[data-testid="la-schools"]');
                       return [t.getBoundingClientRect().width, t.parentElement.clientWidth]; }"""
        )
        if inside[0] > inside[1]:  # part of the table hidden behind its own scroll box
            problems.append(f"{name}: schools table {inside[0]} px in a {inside[1]} px column")
        check_accessibility(page, f"phone-{name}-{width}")
    context.close()
    assert not problems, "\n".join(problems)
