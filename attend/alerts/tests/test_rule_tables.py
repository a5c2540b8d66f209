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
