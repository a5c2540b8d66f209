"""Issue 23 items 2, 4 and 5 as a person sees them, in headless Chromium at 375 px and 1280 px on the demo LA: the
dismiss form's error summary takes the focus and links to the field; every pupil-list filter is on screen with a
Remove link that works; the pupil page's part-time timetable panel. axe-checked; screenshots in docs/screens/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings

from attend.alerts.models import OPEN_STATUSES, Alert
from attend.casework.models import PartTimeTimetable
from attend.casework.tests.factories import make_part_time_timetable
from attend.people.models import Pupil
from attend.schools.models import School

from .browser_kit import AXE, CHROMIUM, LAUNCH_ARGS  # noqa: F401  (the browser fixture is in the root conftest)
from .test_browser import check_accessibility, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENS = Path(settings.BASE_DIR) / "docs" / "screens"
WIDTHS = (375, 1280)


def _shot(page, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width


@pytest.mark.parametrize("width", WIDTHS)
def test_alert_form_errors_filters_and_timetable_panel(browser, live_server, demo_la_per_test, width):
    base = live_server.url
    school = School.objects.filter(local_authority__code="999", phase="primary").order_by("urn").first()
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, base, "la.officer", "demo-la-officer-pw")

    # Item 4: dismiss without a reason.
    alert = (
        Alert.objects.filter(status__in=OPEN_STATUSES, school=school)
        .exclude(pupil=None)
        .order_by("id")
        .first()
    )
    page.goto(f"{base}/work/pupils/{alert.pupil.upn}/")
    card = page.get_by_test_id(f"alert-{alert.pk}")
    card.get_by_role("button", name="Dismiss").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert page.title().startswith("Error: ")
    assert summary.is_visible() and "Give a reason for dismissing the alert." in summary.inner_text()
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link", name="Give a reason for dismissing the alert.").click()
    assert page.evaluate("() => document.activeElement.id") == f"reason-{alert.pk}"
    assert page.locator(f"#reason-{alert.pk}-error").is_visible()
    _no_sideways_scroll(page)
    check_accessibility(page, f"polishB-dismiss-error-{width}")
    _shot(page, f"issue23-alert-error-{width}")

    # Item 5: an ethnicity group's link from the dashboard: the filter is on screen and can be removed.
    code = Pupil.objects.filter(enrolments__school=school).exclude(ethnicity="WBRI").exclude(ethnicity="")
    code = code.values_list("ethnicity", flat=True).first()
    page.goto(f"{base}/schools/{school.urn}/pupils/?list=all&ethnicity={code}")
    active = page.get_by_test_id("active-filters")
    assert active.is_visible() and "Ethnicity:" in active.inner_text() and code not in active.inner_text()
    assert page.get_by_label("Ethnicity").is_visible()
    _no_sideways_scroll(page)
    check_accessibility(page, f"polishB-filters-{width}")
    _shot(page, f"issue23-pupil-filters-{width}")
    active.get_by_role("link", name="Remove").click()
    page.wait_for_url(f"**/schools/{school.urn}/pupils/?list=all")
    assert page.get_by_test_id("active-filters").count() == 0

    # Item 2: the timetable panel on the pupil page.
    pupil = alert.pupil
    timetable = PartTimeTimetable.objects.filter(pupil=pupil).first() or make_part_time_timetable(
        pupil, alert.school, start=dt.date(2025, 11, 3)
    )
    page.goto(f"{base}/pupils/{pupil.upn}/#part-time-timetable")
    panel = page.get_by_test_id("timetables")
    start = f"{timetable.start.day} {timetable.start:%B %Y}"
    assert panel.is_visible() and start in panel.inner_text()
    check_accessibility(page, f"polishB-timetables-{width}")
    _shot(page, f"issue23-pupil-timetables-{width}")
    context.close()
