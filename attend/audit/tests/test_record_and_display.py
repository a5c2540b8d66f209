import pytest
from django.test import RequestFactory

from attend import audit
from attend.audit.display import SENTENCES, describe
from attend.audit.models import AuditEvent
from attend.core.tests.factories import make_pupil, make_school, make_user


@pytest.mark.django_db
def test_it_records_actor_object_pupil_school_and_before_after():
    school = make_school()
    pupil = make_pupil(school=school)
    alice = make_user("alice")
    alice.first_name, alice.last_name = "Alice", "Jones"
    alice.save()
    event = audit.record(
        "people.pupil.viewed",
        by=alice,
        obj=pupil,
        school=school,
        before={"a": 1},
        after={"a": 2},
        data={"page": "x"},
    )
    event.refresh_from_db()
    assert (event.actor, event.actor_username, event.pupil, event.school) == (alice, "alice", pupil, school)
    assert (event.object_type, event.object_id) == ("people.pupil", str(pupil.pk))
    assert event.data == {"page": "x", "before": {"a": 1}, "after": {"a": 2}}
    assert event.sentence == f"Alice Jones viewed {pupil.display_name}'s x."


@pytest.mark.django_db
def test_it_takes_actor_and_address_from_the_request():
    bob = make_user("bob")
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")
    request.user = bob
    event = audit.record("audit.pupil_trail.viewed", request=request)
    assert (event.actor, event.ip) == (bob, "10.1.2.3")


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["viewed", "people.viewed", "People.pupil.viewed", "people.pupil.viewed!"])
def test_it_refuses_badly_formed_action_codes(action):
    with pytest.raises(ValueError):
        audit.record(action)
    assert not AuditEvent.objects.exists()


def test_every_sentence_is_a_format_string_of_known_placeholders():
    for code in SENTENCES:
        assert code.count(".") >= 2, code
        event = AuditEvent(action=code, actor_username="sam", data={})
        assert describe(event)  # no KeyError: unknown placeholders show as "?"


def test_unknown_codes_fall_back_to_the_code():
    assert describe(AuditEvent(action="later.thing.done", actor_username="sam")) == "later.thing.done by sam."


@pytest.mark.django_db
def test_pupil_viewed_records_who_opened_which_page():
    pupil = make_pupil()
    request = RequestFactory().get("/")
    request.user = make_user("carol")
    event = audit.pupil_viewed(request, pupil, page="attendance record")
    assert (event.action, event.pupil, event.actor_username) == ("people.pupil.viewed", pupil, "carol")
    assert event.sentence == f"carol viewed {pupil.display_name}'s attendance record."
