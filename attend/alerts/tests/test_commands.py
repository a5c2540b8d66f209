"""`attend alerts evaluate` and `attend alerts list --format csv`."""

import csv
import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from attend.alerts.models import Alert
from attend.alerts.services import alert_dismiss

from .factories import fill_marks, make_enrolment, make_pupil, make_school, weekdays

pytestmark = pytest.mark.django_db

DAYS = weekdays(dt.date(2025, 9, 1), dt.date(2025, 11, 14))


def _list(*args) -> list[list[str]]:
    out = io.StringIO()
    call_command("alerts", "list", *args, "--format", "csv", stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


def _setup():
    school = make_school(urn=123456)
    other = make_school(urn=654321)
    pa = make_enrolment(school, make_pupil(upn="A801200021001"))
    fill_marks(pa, DAYS, {(d, s): "I" for d in DAYS[:5] for s in ("AM", "PM")})
    penalty = make_enrolment(other, make_pupil(upn="B801200021002"))
    fill_marks(penalty, DAYS, {(d, s): "G" for d in DAYS[-5:] for s in ("AM", "PM")})
    return school, other


def test_evaluate_then_list_prints_the_documented_csv():
    _setup()
    err = io.StringIO()
    call_command("alerts", "evaluate", "--as-of", "2025-11-14", stderr=err)
    assert "Alerts as of 2025-11-14: 2 schools, 2 enrolments: 4 raised" in err.getvalue()

    rows = _list()
    assert rows[0][:6] == ["rule", "upn", "school_urn", "raised_on", "status", "reason"]
    assert rows[0][6:] == [
        "measure",
        "review_context_first",
        "flags",
        "key",
        "last_evaluated_on",
        "evidence_sessions",
        "alert_id",
    ]
    pa_reason = (
        "Persistently absent: missed 10 of 100 possible sessions (5 days of 50 days) since 1 Sep, 10%, "
        "at or above 10%: {}×10."
    )
    assert [r[:8] for r in rows[1:]] == [
        [
            "persistent_absence",
            "A801200021001",
            "123456",
            "2025-11-14",
            "new",
            pa_reason.format("I"),
            "10",
            "no",
        ],
        [
            "penalty_threshold",
            "B801200021002",
            "654321",
            "2025-11-14",
            "new",
            "10 unauthorised sessions (5 days) in the 10 school weeks from 1 Sep to 14 Nov: G×10. "
            "A penalty notice must be considered.",
            "10",
            "no",
        ],
        [
            "persistent_absence",
            "B801200021002",
            "654321",
            "2025-11-14",
            "new",
            pa_reason.format("G"),
            "10",
            "no",
        ],
        [
            "sharp_drop",
            "B801200021002",
            "654321",
            "2025-11-14",
            "new",
            "Attendance fell to 75% in the last 4 school weeks (from 13 Oct, 30 of 40 sessions) from 100% over "
            "the 60 possible sessions before: 25 percentage points lower: G×10.",
            "25",
            "no",
        ],
    ]
    assert all(r[11] == "10" and r[10] == "2025-11-14" for r in rows[1:])


def test_list_filters_by_rule_school_and_status():
    school, other = _setup()
    call_command("alerts", "evaluate", "--as-of", "2025-11-14", stderr=io.StringIO())
    penalty = _list("--rule", "penalty_threshold")
    assert len(penalty) == 2
    assert penalty[1][:5] == ["penalty_threshold", "B801200021002", "654321", "2025-11-14", "new"]
    assert [r[2] for r in _list("--school", "123456")[1:]] == ["123456"]

    alert_dismiss(alert=Alert.objects.get(rule="persistent_absence", school=school), reason="Known illness")
    assert [r[:2] for r in _list("--status", "open", "--rule", "persistent_absence")[1:]] == [
        ["persistent_absence", "B801200021002"]
    ]
    assert [r[:2] for r in _list("--status", "dismissed")[1:]] == [["persistent_absence", "A801200021001"]]


def test_evaluate_one_school_and_replay_a_past_date():
    school, other = _setup()
    call_command("alerts", "evaluate", "--as-of", "2025-11-14", "--school", "123456", stderr=io.StringIO())
    assert set(Alert.objects.values_list("school__urn", flat=True)) == {123456}
    call_command("alerts", "evaluate", "--as-of", "2025-10-01", "--la", "801", stderr=io.StringIO())
    assert not Alert.objects.filter(school=other).exists()  # the G marks were still to come


def test_commands_reject_bad_arguments():
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("alerts", "evaluate", "--as-of", "14/11/2025")
    with pytest.raises(CommandError, match="No school with URN 999"):
        call_command("alerts", "evaluate", "--school", "999")
    with pytest.raises(CommandError, match="No local authority with code 999"):
        call_command("alerts", "evaluate", "--la", "999")
    with pytest.raises(CommandError, match="Unknown rule"):
        _list("--rule", "nonsense")


def test_worklist_prints_a_users_list_as_csv():
    from attend.accounts.models import Membership, User
    from attend.alerts import worklist_csv
    from attend.alerts.models import OfficerAssignment

    school, other = _setup()
    call_command("alerts", "evaluate", "--as-of", "2025-11-14", stderr=io.StringIO())
    officer = User.objects.create_user("lena")
    Membership.objects.create(
        user=officer, role=Membership.Role.LA_OFFICER, local_authority=other.local_authority
    )
    OfficerAssignment.objects.create(school=other, side="la", officer=officer)
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "alerts",
        "worklist",
        "--user",
        "lena",
        "--list",
        "mine",
        "--as-of",
        "2025-11-14",
        stdout=out,
        stderr=err,
    )
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == worklist_csv.CSV_COLUMNS
    # The penalty threshold was met on 14 Nov (the 10th G): newly crossed, routed to the school's LA officer.
    assert [(r[0], r[3], r[5], r[7].split("; ")[0], r[11], r[14]) for r in rows[1:]] == [
        (
            "1",
            "B801200021002",
            "654321",
            "Penalty notice threshold reached",
            "Yes",
            "/work/pupils/B801200021002/",
        )
    ]
    assert err.getvalue().strip() == "My list today for lena on 2025-11-14: 1 rows"
    with pytest.raises(CommandError, match="No user 'nobody'"):
        call_command("alerts", "worklist", "--user", "nobody")
