"""The "registers received" page: content, order, scope; links from the LA dashboard and the work list."""

import datetime as dt
import html
import re

import pytest

from attend.audit.models import AuditEvent
from attend.registers.arrivals import sync_arrival_prompts
from attend.registers.imports import import_file

from .factories import make_enrolment, make_pupil, make_school, write_csv

pytestmark = pytest.mark.django_db
D = dt.date
URL = "/registers/received/"
HEADER = ["upn", "school_urn", "date", "session", "code"]


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def user(django_user_model, name, role, **where):
    u = django_user_model.objects.create(username=name)
    u.memberships.create(role=role, **where)
    return u


@pytest.fixture
def world(monkeypatch, tmp_path, django_user_model):
    """Three Testshire schools: Ash sent registers through the web on Mon 17 Nov and went quiet; Birch sent by the
    API on Thu 20 Nov; Cedar never sent anything. Today is Thursday 20 November 2025."""
    ash = make_school(100001, name="Ash Primary")
    birch = make_school(100002, name="Birch Academy")
    cedar = make_school(100003, name="Cedar School")
    ada = make_enrolment(make_pupil(forename="Ada"), ash)
    ben = make_enrolment(make_pupil(forename="Ben"), birch)
    make_enrolment(make_pupil(forename="Cy"), cedar)
    for day, enrolment, name, source in (
        (D(2025, 11, 17), ada, "ash-sims-export.csv", "web"),
        (D(2025, 11, 20), ben, "birch.csv", "api"),
    ):
        monkeypatch.setenv("ATTEND_TODAY", day.isoformat())
        rows = [[enrolment.pupil.upn, enrolment.school.urn, "2025-11-14", s, "/"] for s in ("AM", "PM")]
        import_file("marks", write_csv(tmp_path / name, HEADER, rows), source=source)
    monkeypatch.setenv("ATTEND_TODAY", "2025-11-20")
    la = ash.local_authority
    return {
        "ash": ash,
        "birch": birch,
        "cedar": cedar,
        "la_officer": user(django_user_model, "la", "la_officer", local_authority=la),
        "ash_officer": user(django_user_model, "ash", "school_officer", school=ash),
        "teacher": user(django_user_model, "teacher", "class_teacher", school=ash),
        "admin": user(django_user_model, "admin", "system_admin"),
    }


def test_the_la_sees_every_school_overdue_first(client, world):
    client.force_login(world["la_officer"])
    response = client.get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "1 school has sent no registers for two school days or more." in page
    body = page[page.index("Schools, overdue first") :]
    assert body.index("Ash Primary") < body.index("Birch Academy") < body.index("Cedar School")
    assert (
        "Ash Primary URN 100001 No registers received since Monday 17 November 2025 Mon 17 Nov 2025 Web upload "
        "ash-sims-export.csv Fri 14 Nov 2025"
    ) in page
    assert "Birch Academy URN 100002 Thu 20 Nov 2025 API birch.csv Fri 14 Nov 2025" in page
    assert "Cedar School URN 100003 Never Never" in page


def test_school_staff_see_only_their_own_school(client, world):
    client.force_login(world["ash_officer"])
    page = text(client.get(URL))
    assert "Ash Primary" in page and "Birch Academy" not in page and "Cedar School" not in page
    assert client.get(f"{URL}?school=100002").status_code == 404
    assert client.get(f"{URL}?school=nonsense").status_code == 404
    assert "Ash Primary" in text(client.get(f"{URL}?school=100001"))


def test_the_school_filter_shows_one_school(client, world):
    client.force_login(world["la_officer"])
    page = text(client.get(f"{URL}?school=100002"))
    assert "Birch Academy" in page and "Ash Primary" not in page and "All your schools" in page


@pytest.mark.parametrize("who", ["teacher", "admin"])
def test_read_only_roles_and_administrators_are_refused(client, world, who):
    client.force_login(world[who])
    assert client.get(URL).status_code == 403


def test_signed_out_users_are_sent_to_sign_in(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_the_page_is_not_audited_because_it_shows_no_personal_data(client, world):
    client.force_login(world["la_officer"])
    before = AuditEvent.objects.count()
    page = text(client.get(URL))
    assert AuditEvent.objects.count() == before
    assert "Ada" not in page and "Ben" not in page  # schools only, never a pupil


def test_the_la_dashboard_links_to_the_page(client, world, settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    client.force_login(world["la_officer"])
    assert f'href="{URL}"' in client.get("/la/").content.decode()


def test_the_work_list_item_links_to_the_school_on_the_page(client, world, settings, tmp_path):
    settings.ATTEND_STATS_DIR = str(tmp_path / "analytics")
    sync_arrival_prompts(D(2025, 11, 20))
    client.force_login(world["la_officer"])
    response = client.get("/work/")
    page = text(response)
    assert "No registers received from the school" in page
    assert "No registers received since Monday 17 November 2025" in page
    assert f'href="{URL}?school=100001"' in response.content.decode()
    assert "See when its registers last arrived" in page
