"""Assessments and support plans for the demo LA's cases: `add_demo_plans(cases)`, called by the cases demo.

Every case past "monitor" gets an assessment in the child's and parents' own words; cases at "facilitate support"
and beyond get a support plan with SMART actions, and plans over three weeks old have had a review. Everything
goes through the services (attend.casework.plans), so the chronology and the audit trail show it as they would
for an officer's work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from attend.core import clock

from .assessment import assessment_save
from .models import Case, PlanAction, Stage
from .plans import action_add, plan_create, plan_review_record

# (child's words, parents' words, strengths, support in place, barriers, a question answered)
VOICES = [
    (
        "My tummy hurts on Sunday nights. The playground is too loud in the morning.",
        "She cries at the gate and I can't leave her like that. I want her in school.",
        "Loves art and drawing; close to her nan; kind to younger children",
        ["early_help"],
        {
            "mental_health": ("both", "Anxiety about mornings and the playground"),
            "transport": ("outside", ""),
        },
        ("anxiety", "Yes: the worst is before school; a quiet start helps."),
    ),
    (
        "I look after mum when she's bad. I don't want to leave her on her own.",
        "I've been in and out of hospital. He's been brilliant but he shouldn't have to.",
        "Mature, caring, good at maths",
        ["pastoral_plan"],
        {"young_carer": ("outside", "Mum's illness; no other adult at home"), "family": ("outside", "")},
        (
            "current_plans",
            "Pastoral support plan at school since October; young carers referral not yet made.",
        ),
    ),
    (
        "Some of the girls in my class say things on the group chat. I don't want to go.",
        "We didn't know until last month. The school says it's sorted but she still won't go.",
        "Strong reader, plays netball, good relationship with her form tutor",
        [],
        {"bullying": ("in_school", "Group chat; two girls in her form"), "mental_health": ("both", "")},
        ("behaviour", "No concerns about behaviour; withdrawn in lessons."),
    ),
    (
        "The bus doesn't come sometimes and then I'm late and get a detention, so I don't go.",
        "We moved to the edge of town in the summer. Two buses and a walk; I start work at seven.",
        "Punctual when he gets there; likes PE and science",
        ["reduced_timetable"],
        {
            "transport": ("outside", "Two buses since the house move"),
            "housing": ("outside", "Temporary flat"),
        },
        ("reduced_timetable", "Yes, mornings only for four weeks while transport is sorted."),
    ),
]

# (description, owner, owner name, days from the plan's start to due, success criteria)
ACTIONS = [
    ("Meet at the side gate with a key adult at 8:40 each morning", "school", "Mrs Khan, head of year", 28,
     "In class by 9:00 four days in five"),
    ("Walk to school together, leaving home by 8:20", "parent", "", 28, "No late marks for two weeks"),
    ("Keep a feelings diary and share it with the school counsellor on Fridays", "pupil", "", 35,
     "Diary shared three Fridays running"),
    ("Refer to the young carers service and the mental health support team", "la", "", 14,
     "Referrals accepted"),
    ("Apply for a bus pass under the extended rights to free travel", "la", "", 10, "Bus pass issued"),
]  # fmt: skip

GOALS = [(Decimal("90"), 6), (Decimal("85"), 4), (Decimal("95"), 8)]


def add_demo_plans(cases, *, by=None) -> dict[str, int]:
    """Assessments, plans, actions and reviews for `cases` (a queryset or list); returns how many of each."""
    today = clock.today()
    made = {"assessments": 0, "plans": 0, "actions": 0, "reviews": 0}
    stages = [Stage.LISTEN, Stage.FACILITATE, Stage.FORMALISE, Stage.ENFORCE]
    for i, case in enumerate(c for c in cases if c.is_open and c.stage in stages):
        child, parent, strengths, support, barriers, (key, answer) = VOICES[i % len(VOICES)]
        assessment_save(
            case, by=by, expected_version=0, barriers=barriers,
            data={"child_views": child, "parent_views": parent, "strengths": strengths,
                  "support_in_place": support, "questions": {key: answer}},
        )  # fmt: skip
        made["assessments"] += 1
        if case.stage == Stage.LISTEN:
            continue
        made.update(_plan(case, i, today, by, made))
    return made


def _plan(case: Case, i: int, today: dt.date, by, made: dict) -> dict:
    started = today - dt.timedelta(weeks=2 + i % 5)
    percent, weeks = GOALS[i % len(GOALS)]
    plan = plan_create(
        case, by=by, title="Attendance support plan", started_on=started,
        review_date=started + dt.timedelta(weeks=weeks), goal_percent=percent, goal_weeks=weeks,
    )  # fmt: skip
    made["plans"] += 1
    chosen = [ACTIONS[(i + k) % len(ACTIONS)] for k in range(3)]
    for description, owner, owner_name, days, criteria in chosen:
        action_add(
            plan, by=by, description=description, owner=owner, owner_name=owner_name, starts_on=started,
            due=started + dt.timedelta(days=days), success_criteria=criteria,
            status=PlanAction.Status.IN_PROGRESS,
        )  # fmt: skip
        made["actions"] += 1
    if (today - started).days >= 21:
        actions = list(plan.actions.all())
        plan_review_record(
            plan, by=by, reviewed_on=today, as_of=today,
            progress="Mornings are easier; two late starts this fortnight. Everyone agreed to carry on.",
            action_progress={a.pk: {"status": "done" if k == 0 else "in_progress", "note": ""}
                             for k, a in enumerate(actions)},
            next_review=today + dt.timedelta(weeks=3),
        )  # fmt: skip
        made["reviews"] += 1
    return made
