"""Every work-list rule raised by an event or a sync is described (title, next step, weight), and the synced prompts
(which exist only while due) reach today's list while new. A merge once left three definitions of today's rules and
the last one dropped the notice-to-improve and notice-decision items from it."""

from attend.alerts import events, worklist


def test_every_event_rule_has_a_title_a_next_step_and_a_weight():
    for rule in events.EVENT_RULES:
        assert worklist.RULE_TITLES.get(rule), rule
        assert worklist.NEXT_STEP.get(rule), rule
        assert rule in worklist.RULE_WEIGHT, rule


def test_synced_prompts_are_on_todays_list_while_new():
    not_daily = {events.TRANSLATION_NEEDED}  # a language to record, not a deadline
    missing = sorted(r for r in events.EVENT_RULES - not_daily if r not in worklist.TODAY_RULES)
    assert missing == []


def test_a_prompt_key_too_long_for_postgresql_is_refused_on_every_engine(db):
    import datetime as dt

    import pytest

    from attend.core.tests.factories import make_la, make_pupil, make_school

    enrolment = make_pupil(school=make_school(la=make_la())).enrolments.get()
    with pytest.raises(ValueError, match="longer than 20 characters"):
        events.raise_prompt(rule="off_rolling_concern", key="cluster123-2025-10-02", enrolment=enrolment,
                            today=dt.date(2025, 10, 2), reason="x", details={})  # fmt: skip
