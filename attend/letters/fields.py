"""The merge fields a letter, email or SMS template may use, and the check that refuses anything else.

Templates are Django templates restricted to plain text, `{{ field }}` merge fields from `FIELDS`, `{% if %}` /
`{% elif %}` / `{% else %}` and `{% comment %}`, and the filters in `FILTERS`. Everything else (`{% load %}`,
`{% include %}`, `{% url %}`, loops, unknown fields) is refused at save with the line and the field named, so a
template can never reach data it was not meant to print.
"""

from __future__ import annotations

from django.template import Engine, TemplateSyntaxError
from django.template.base import FilterExpression, TextNode, Variable, VariableNode
from django.template.defaulttags import CommentNode, IfNode

# Field -> (what it prints, an example). Documented in docs/letters.md; keep the two in step.
FIELDS: dict[str, tuple[str, str]] = {
    "pupil.forename": ("The pupil's first name (preferred name if they have one)", "Amelia"),
    "pupil.surname": ("The pupil's surname", "Kowalska"),
    "pupil.full_name": ("First name and surname", "Amelia Kowalska"),
    "pupil.year_group": ("Year group, as families say it", "Year 4"),
    "parent.full_name": ("The contact's title, first name and surname", "Mrs Anna Kowalska"),
    "parent.salutation": ("How to greet the contact: title and surname, or full name", "Mrs Kowalska"),
    "parent.forename": ("The contact's first name", "Anna"),
    "parent.relationship": ("The contact's relationship to the pupil", "Mother"),
    "school.name": ("The school's name", "Northshire Primary School"),
    "school.address": ("The school's address on one line", "1 School Lane, Northtown, NT1 1AA"),
    "school.phone": ("The school's telephone number", "01632 960 001"),
    "school.email": ("The school's email address", "office@northshire-primary.example"),
    "school.day_hours": ("Hours in the school's day", "6.5"),
    "la.name": ("The local authority's name", "Northshire Council"),
    "officer.name": ("The officer sending the message", "Sam Patel"),
    "officer.role": ("The officer's role", "Attendance officer"),
    "officer.phone": ("The officer's telephone number", "01632 960 002"),
    "officer.email": ("The officer's email address", "attendance@northshire.example"),
    "attendance.days_missed": ("School days missed this school year to the letter's date", "12.5 days"),
    "attendance.hours_missed": ("Hours of learning missed this school year", "about 81.5 hours"),
    "attendance.period": ("The period those figures cover", "since 1 September"),
    "attendance.days_possible": ("School days the pupil could have attended in that period", "62 days"),
    "attendance.percentage": ("Attendance this school year, as a percentage", "79.8%"),
    "attendance.year_group_percentage": ("The school's attendance for the pupil's year group", "94.1%"),
    "attendance.recent_days_missed": ("School days missed in the last 4 weeks", "3 days"),
    "attendance.recent_hours_missed": ("Hours of learning missed in the last 4 weeks", "about 19.5 hours"),
    "attendance.recent_period": ("The recent period", "in the last 4 weeks"),
    "attendance.absence_date": ("The day of the absence (first-day messages)", "Wednesday 25 November"),
    "meeting.kind": ("How the meeting happens", "telephone call"),
    "meeting.date": ("Meeting date", "Wednesday 2 December"),
    "meeting.time": ("Meeting start time", "10:00am"),
    "meeting.length": ("How long it should take", "about 30 minutes"),
    "meeting.how_to_join": (
        "How to join: the number we will call, or the online link",
        "We will call you on...",
    ),
    "meeting.agenda": ("What we will talk about", "How Amelia is getting on, and what would help"),
    "meeting.place": ("Where, for a meeting in person or a home visit", "at school, in the family room"),
    "plan.title": ("The support plan's title", "Attendance support plan"),
    "plan.goal": ("The plan's step goal", "90% over the next 6 weeks"),
    "plan.review_date": ("When the plan will be reviewed", "Wednesday 7 January 2026"),
    "plan.actions": (
        "The plan's actions, one bullet each: what, who, by when",
        "- Walk to school with a friend — Parent or carer — by 5 December 2025",
    ),
    "meeting.record": (
        "The written record of a meeting held, under its agenda's headings",
        "## Attendance ...",
    ),
    "timetable.change": ("A part-time timetable notice: New, Changed or Ended", "New"),
    "timetable.upn": ("The pupil's unique pupil number (notices to the LA only)", "A123456789012"),
    "timetable.hours_per_week": ("Hours a week in school on the timetable", "15 hours"),
    "timetable.sessions_per_week": ("Sessions a week in school (of 10)", "6 sessions"),
    "timetable.start": ("The timetable's first day", "10 November 2025"),
    "timetable.end": ("The planned last day before a full-time return", "19 December 2025"),
    "timetable.review_date": ("The timetable's next review", "1 December 2025"),
    "timetable.reason": ("Why: the category and the written reason", "Medical reintegration: after surgery"),
    "timetable.return_plan": ("The plan back to full time", "One more afternoon every two weeks"),
    "timetable.status": ("Current or ended", "Current"),
    "timetable.scrutiny": (
        "Whether the timetable goes to the LA for scrutiny, and why",
        "No: the reason is not related to behaviour",
    ),
    "timetable.justification": (
        "The school's fuller justification of a behaviour-related reason (empty otherwise)",
        "Mornings only for three weeks rebuilds her confidence...",
    ),
    "notice.number": ("The penalty notice's number", "PN-2025-000123"),
    "notice.issue_date": ("The date the penalty notice was issued", "19 November 2025"),
    "notice.sessions": ("How many unauthorised sessions the notice relies on", "10 sessions"),
    "notice.period": ("The period of those sessions", "from 10 November 2025 to 14 November 2025"),
    "notice.amount_reduced": ("The amount if paid within 21 days (empty for a second notice)", "£80.00"),
    "notice.amount_full": ("The amount if paid within 28 days", "£160.00"),
    "notice.issuer": (
        "Who issued the notice, and in what capacity (s444B)",
        "Sam Patel (LA officer authorised by the LA)",
    ),
    "notice.la_wording": ("The LA's own wording from its code of conduct", "How to pay: ..."),
    "letter.date": ("The date of the letter", "25 November 2026"),
    "letter.reference": ("Our reference", "A12345678901/concern_stage_1"),
}
FILTERS = frozenset({"capfirst", "lower", "upper", "default"})
ALLOWED_TAGS = "{% if %}, {% elif %}, {% else %}, {% endif %} and {% comment %}"


class TemplateProblem(ValueError):
    """A template that cannot be saved: the message names the line and the field or tag."""


ENGINE = Engine(debug=True, autoescape=True, libraries={})
TEXT_ENGINE = Engine(debug=True, autoescape=False, libraries={})


def _line(node) -> str:
    token = getattr(node, "token", None)
    return f"line {token.lineno}: " if token is not None and token.lineno else ""


def _expressions(condition):
    """The FilterExpressions inside an {% if %} condition (a tree of smartif operators and literals)."""
    if condition is None:
        return
    value = getattr(condition, "value", None)
    if isinstance(value, FilterExpression):
        yield value
    for side in ("first", "second"):
        child = getattr(condition, side, None)
        if child is not None:
            yield from _expressions(child)


def _check_expression(expr: FilterExpression, where: str) -> None:
    if isinstance(expr.var, Variable) and expr.var.lookups is not None:
        name = ".".join(expr.var.lookups)
        if name not in FIELDS:
            raise TemplateProblem(
                f"{where}unknown merge field {{{{ {name} }}}}. Use one of the documented fields, "
                f"e.g. {{{{ pupil.forename }}}} or {{{{ attendance.days_missed }}}}."
            )
    for func, args in expr.filters:
        name = getattr(func, "_filter_name", func.__name__)
        if name not in FILTERS:
            raise TemplateProblem(
                f"{where}the filter |{name} is not allowed (allowed: {', '.join(sorted(FILTERS))})."
            )
        for _lookup, arg in args:
            if isinstance(arg, Variable) and arg.lookups is not None:
                raise TemplateProblem(f"{where}a filter argument must be plain text, not {arg.var}.")


def _walk(nodelist) -> None:
    for node in nodelist:
        where = _line(node)
        if isinstance(node, TextNode | CommentNode):
            continue
        if isinstance(node, VariableNode):
            _check_expression(node.filter_expression, where)
        elif isinstance(node, IfNode):
            for condition, body in node.conditions_nodelists:
                for expr in _expressions(condition):
                    _check_expression(expr, where)
                _walk(body)
        else:
            tag = getattr(getattr(node, "token", None), "contents", type(node).__name__).split()[0]
            raise TemplateProblem(
                f"{where}the tag {{% {tag} %}} is not allowed in letters (only {ALLOWED_TAGS})."
            )


def check_template(text: str, what: str = "body") -> None:
    """Refuse broken syntax, unknown merge fields, and tags or filters outside the safe set (TemplateProblem)."""
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        info = getattr(exc, "template_debug", None)
        line = f"line {info['line']}: " if info else ""
        raise TemplateProblem(f"The {what} has a mistake ({line}{exc}).") from None
    try:
        _walk(template.nodelist)
    except TemplateProblem as exc:
        raise TemplateProblem(f"The {what}: {exc}") from None


def sample_context() -> dict:
    """Every field filled with its documented example: for previews without a pupil and for SMS length checks."""
    context: dict[str, dict[str, str]] = {}
    for name, (_what, example) in FIELDS.items():
        group, field = name.split(".")
        context.setdefault(group, {})[field] = example
    return context
