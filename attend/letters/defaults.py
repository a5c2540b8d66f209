"""The default template set shipped with Attend (loaded by a data migration; every LA and school sees it).

Plain English, a supportive tone, time missed in days and hours rather than bare percentages (guidance, and
Rogers & Feller 2018: letters work when they correct parents' underestimate of days missed). SMS say as little
as possible: phones are shared, so no reasons and no figures. Editing a default in the web app makes the LA's or
school's own copy; these rows stay as shipped.
"""

from __future__ import annotations

TRANSLATION_NOTE = "Machine-drafted translation: to be checked by a qualified translator before use."

_SIGN_OFF = """Yours sincerely

{{ officer.name }}
{{ officer.role }}, {{ school.name }}"""

_CONCERN_FIGURES = """{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }}. \
That is {{ attendance.hours_missed }} of learning."""

DEFAULTS: list[dict] = [
    {
        "name": "first_day_absence_sms",
        "title": "First-day absence (text message)",
        "kind": "first_day",
        "channel": "sms",
        "immediate": True,
        "subject": "",
        "body": "{{ school.name }}: {{ pupil.forename }} is not in school today and we have not heard why. "
        "Please call us on {{ school.phone }} today.",
    },
    {
        "name": "first_day_absence_sms",
        "language": "pl",
        "title": "First-day absence (text message, Polish)",
        "kind": "first_day",
        "channel": "sms",
        "immediate": True,
        "translation_note": TRANSLATION_NOTE,
        "subject": "",
        "body": "{{ school.name }}: {{ pupil.forename }} nie ma dzisiaj w szkole i nie znamy powodu. "
        "Prosimy o telefon pod numer {{ school.phone }} jeszcze dzisiaj.",
    },
    {
        "name": "first_day_absence_email",
        "title": "First-day absence (email)",
        "kind": "first_day",
        "channel": "email",
        "immediate": True,
        "subject": "{{ pupil.forename }} is not in school today",
        "body": """Dear {{ parent.salutation }}

{{ pupil.forename }} is not in school today ({{ attendance.absence_date }}) and we have not heard why.

Please phone the school office on {{ school.phone }} or reply to this email today to tell us why \
{{ pupil.forename }} is not here. If {{ pupil.forename }} is ill, let us know how they are and when you \
expect them back.

If something is making it hard for {{ pupil.forename }} to come to school, we would like to help. Please tell us.

Thank you

{{ school.name }}""",
    },
    {
        "name": "concern_stage_1",
        "title": "Attendance concern: stage 1 (supportive letter)",
        "kind": "concern",
        "channel": "letter",
        "subject": "{{ pupil.forename }}'s attendance at school",
        "body": """Dear {{ parent.salutation }}

We are writing because we have noticed that {{ pupil.forename }} has been missing school, and we want to \
work with you to help.

"""
        + _CONCERN_FIGURES
        + """

Many families are surprised by this number: a day here and there soon adds up. Every day in school helps \
{{ pupil.forename }} keep up with learning and stay close to friends.

There may be a good reason for some of these absences, and we know family life is not always simple. If \
something is making it hard for {{ pupil.forename }} to come to school, such as health, worries about school \
or something at home, please tell us. We can often help.

Please call {{ officer.name }} on {{ officer.phone }} if you would like to talk.

"""
        + _SIGN_OFF,
    },
    {
        "name": "concern_stage_1",
        "language": "pl",
        "title": "Attendance concern: stage 1 (Polish)",
        "kind": "concern",
        "channel": "letter",
        "translation_note": TRANSLATION_NOTE,
        "subject": "Obecność {{ pupil.forename }} w szkole",
        "body": """Szanowni Państwo,

piszemy, ponieważ zauważyliśmy, że {{ pupil.forename }} opuszcza zajęcia w szkole, i chcemy razem z Państwem \
znaleźć sposób, aby pomóc.

{{ pupil.forename }} opuścił(a) {{ attendance.days_missed }} nauki {{ attendance.period }}. \
To {{ attendance.hours_missed }} nauki.

(Liczby powyżej są podane w języku angielskim: „days” oznacza dni, „hours” oznacza godziny.)

Jeśli coś utrudnia {{ pupil.forename }} przychodzenie do szkoły, na przykład zdrowie, obawy związane ze szkołą \
lub sytuacja w domu, prosimy nam o tym powiedzieć. Często możemy pomóc.

Prosimy o telefon do {{ officer.name }} pod numer {{ officer.phone }}.

Z poważaniem

{{ officer.name }}
{{ school.name }}""",
    },
    {
        "name": "concern_stage_2",
        "title": "Attendance concern: stage 2 (invitation to meet)",
        "kind": "concern",
        "channel": "letter",
        "subject": "Let's meet to talk about {{ pupil.forename }}'s attendance",
        "body": """Dear {{ parent.salutation }}

We wrote to you recently about {{ pupil.forename }}'s attendance. {{ pupil.forename }} is still missing \
school, and we would like to meet you to find out what would help.

"""
        + _CONCERN_FIGURES
        + """ In the last 4 weeks alone, {{ pupil.forename }} has missed \
{{ attendance.recent_days_missed }}.

We would like to talk with you about:

- how {{ pupil.forename }} is getting on and feeling about school
- anything that makes it hard to get to school
- what support the school, or other services, could offer

{% if meeting.date %}We have arranged a {{ meeting.kind }} on {{ meeting.date }} at {{ meeting.time }}. \
{{ meeting.how_to_join }}{% else %}Please call {{ officer.name }} on {{ officer.phone }} to arrange a time \
that suits you.{% endif %}

You are welcome to bring someone with you for support.

"""
        + _SIGN_OFF,
    },
    {
        "name": "concern_stage_3",
        "title": "Attendance concern: stage 3 (formal support and an attendance plan)",
        "kind": "concern",
        "channel": "letter",
        "formal": True,
        "subject": "{{ pupil.forename }}'s attendance: we need to agree a plan",
        "body": """Dear {{ parent.salutation }}

We are still very concerned about {{ pupil.forename }}'s attendance, and we want to agree a plan with you \
to turn things around.

"""
        + _CONCERN_FIGURES
        + """ In the last 4 weeks, {{ pupil.forename }} has missed \
{{ attendance.recent_days_missed }} ({{ attendance.recent_hours_missed }} of learning).

We know there may be reasons behind this, and we want to understand them. We would like to meet you to write \
an attendance plan together: what the school will do, what support other services can give, and what we \
ask of you.

{% if meeting.date %}We have arranged a {{ meeting.kind }} on {{ meeting.date }} at {{ meeting.time }}. \
{{ meeting.how_to_join }}{% else %}Please call {{ officer.name }} on {{ officer.phone }} within the next \
week to arrange a time.{% endif %}

By law, parents must make sure their child attends school regularly. If attendance does not improve and \
support is not taken up, the school and the local authority may have to consider formal steps, such as an \
attendance contract. We would much rather find a way forward together.

"""
        + _SIGN_OFF,
    },
    {
        "name": "health_absence",
        "title": "Absence through illness (health letter)",
        "kind": "concern",
        "channel": "letter",
        "subject": "{{ pupil.forename }}'s health and school",
        "body": """Dear {{ parent.salutation }}

{{ pupil.forename }} has been unwell quite often this year, and we are sorry to hear it. Altogether \
{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }}, \
{{ attendance.hours_missed }} of learning.

We would like to make sure {{ pupil.forename }} has the right support. If there is a health condition we should \
know about, the school nurse or your GP can help us plan, for example with a care plan or work to catch up.

Please call {{ officer.name }} on {{ officer.phone }} if you would like to talk about this.

"""
        + _SIGN_OFF,
    },
    {
        "name": "meeting_invitation",
        "title": "Invitation to a telephone or online meeting",
        "kind": "meeting",
        "channel": "letter",
        "subject": "Invitation: {{ meeting.kind }} about {{ pupil.forename }}",
        "body": """Dear {{ parent.salutation }}

We would like to talk with you about how {{ pupil.forename }} is getting on at school.

## When
{{ meeting.date }} at {{ meeting.time }}. It should take {{ meeting.length }}.

## How to join
{{ meeting.how_to_join }}

## What we will talk about
{{ meeting.agenda }}

If this time does not suit you, please call {{ officer.name }} on {{ officer.phone }} and we will find \
another. You are welcome to have someone with you for support.

"""
        + _SIGN_OFF,
    },
    {
        "name": "online_session_consent",
        "title": "Consent form for an online session with a child",
        "kind": "meeting",
        "channel": "letter",
        "subject": "Your permission for an online session with {{ pupil.forename }}",
        "body": """Dear {{ parent.salutation }}

{{ officer.name }} would like to talk with {{ pupil.forename }} in an online session on {{ meeting.date }} at \
{{ meeting.time }} ({{ meeting.length }}). The session is to hear from {{ pupil.forename }} about school and \
what would help.

## How the session works
- It uses the school's video service. We will send the link to you, not to {{ pupil.forename }}.
- It is not recorded. The officer will write a short note of what was agreed.
- An adult you choose can be in the room, and {{ pupil.forename }} can stop at any time.

## Your permission
Please tick one box, sign, and return this form to the school.

- [ ] I agree to {{ pupil.forename }} taking part in the online session.
- [ ] I do not agree. Please contact me to talk about other ways.

Name: ______________________________

Signature: ______________________________   Date: ______________

"""
        + _SIGN_OFF,
    },
    {
        "name": "meeting_record",
        "title": "Record of a meeting",
        "kind": "plan",
        "channel": "letter",
        "subject": "Notes of our meeting about {{ pupil.forename }}",
        "body": """Dear {{ parent.salutation }}

Thank you for meeting us{% if meeting.date %} on {{ meeting.date }}{% endif %}. This letter is a record of \
what we talked about.

## Attendance
{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }} \
({{ attendance.hours_missed }} of learning).

## What we talked about
{{ meeting.agenda }}

If anything in this record is not how you remember it, please tell {{ officer.name }} on {{ officer.phone }}.

"""
        + _SIGN_OFF,
    },
    {
        "name": "action_plan",
        "title": "Follow-up action plan",
        "kind": "plan",
        "channel": "letter",
        "subject": "{{ pupil.forename }}'s attendance plan",
        "body": """Dear {{ parent.salutation }}

Here is the plan we agreed to help {{ pupil.forename }} come to school more often.

## Where we are now
{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }} \
({{ attendance.hours_missed }} of learning).

## What we agreed
{{ meeting.agenda }}

## When we will review it
{% if meeting.date %}{{ meeting.date }}{% if meeting.time %} at {{ meeting.time }}{% endif %}.{% else %}\
We will contact you to arrange a review in about 4 weeks.{% endif %}

If something changes, or the plan is not working, please call {{ officer.name }} on {{ officer.phone }} \
straight away. We can change the plan together.

"""
        + _SIGN_OFF,
    },
    {
        "name": "positive_recognition",
        "title": "Positive recognition of improvement",
        "kind": "recognition",
        "channel": "letter",
        "subject": "Well done, {{ pupil.forename }}",
        "body": """Dear {{ parent.salutation }}

We wanted to let you know that {{ pupil.forename }}'s attendance has improved, and we are really pleased.

In the last 4 weeks {{ pupil.forename }} missed {{ attendance.recent_days_missed }}. Every extra day in school \
makes a difference to learning and friendships.

Thank you for the part you have played. Please pass on our congratulations to {{ pupil.forename }}.

"""
        + _SIGN_OFF,
    },
    {
        "name": "home_visit_card",
        "title": "Home visit card (we called today)",
        "kind": "visit",
        "channel": "letter",
        "subject": "Sorry we missed you",
        "body": """Dear {{ parent.salutation }}

{{ officer.name }} from {{ school.name }} called at your home today, {{ letter.date }}, to talk about \
{{ pupil.forename }}. We are sorry we missed you.

Nothing is wrong with this visit by itself: we would simply like to talk. Please call {{ officer.name }} on \
{{ officer.phone }} as soon as you can.""",
    },
    # Home visits (issue 18, attend/visits): the agreement sent to the parent seen, and the written report of a
    # visit cancelled for safety (to the headteacher, or the line manager and the health-and-safety log). The
    # visit itself travels in the `meeting` fields.
    {
        "name": "visit_agreement",
        "title": "What we agreed at the home visit",
        "kind": "visit",
        "channel": "letter",
        "subject": "What we agreed when we visited on {{ meeting.date }}",
        "body": """Dear {{ parent.salutation }}

Thank you for talking with {{ officer.name }} when we visited your home on {{ meeting.date }}.

## What we agreed

{{ meeting.agenda }}

{% if meeting.record %}## What happens next

{{ meeting.record }}

{% endif %}If something changes, or you need help to keep to what we agreed, please call {{ officer.name }} on \
{{ officer.phone }}. We would much rather hear from you early.

"""
        + _SIGN_OFF,
    },
    {
        "name": "visit_safety_report",
        "title": "Home visit cancelled for safety (report to the headteacher or manager)",
        "kind": "visit",
        "channel": "letter",
        "subject": "Home visit cancelled for safety on {{ meeting.date }}",
        "body": """This is the written report of a home visit that was called off because it was not safe to \
go ahead (home visits policy, 4.5 to 4.7).

## The visit

Officer: {{ officer.name }}, {{ officer.role }}
When: {{ meeting.date }} at {{ meeting.time }}
Where: {{ meeting.place }}
Pupil: {{ pupil.full_name }}, {{ school.name }}

## Why the visit was cancelled

{{ meeting.record }}

## What happens next

{{ meeting.agenda }}

A risk marker has been proposed on the person or the address, to be confirmed by the officer, so that the next \
visit is planned with this in mind.""",
    },
    {
        "name": "timetable_la_notice",
        "title": "Part-time timetable notice to the LA",
        "description": "Sent to the LA's address for each new, changed or ended part-time timetable",
        "kind": "plan",
        "channel": "email",
        "immediate": True,
        "subject": "{{ timetable.change }} part-time timetable: {{ timetable.upn }} at {{ school.name }}",
        "body": """To the {{ la.name }} attendance team

{{ timetable.change }} part-time timetable notified to the local authority by {{ school.name }}.

## The timetable
- Pupil: {{ pupil.full_name }}, UPN {{ timetable.upn }}, {{ pupil.year_group }}
- School: {{ school.name }}
- Time in school: {{ timetable.hours_per_week }}, {{ timetable.sessions_per_week }} a week
- Start: {{ timetable.start }}
- Planned end: {{ timetable.end }}
- Next review: {{ timetable.review_date }}
- Status: {{ timetable.status }}

## Reason
{{ timetable.reason }}

## Plan back to full time
{{ timetable.return_plan }}

## LA scrutiny
{{ timetable.scrutiny }}
{% if timetable.justification %}
The school's justification: {{ timetable.justification }}
{% endif %}
## Attendance
{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }} \
({{ attendance.percentage }} attendance).

Sent by {{ officer.name }}, {{ school.name }}, through Attend.""",
    },
    {
        "name": "attendance_contract",
        "title": "Attendance contract (placeholder)",
        "kind": "formal",
        "channel": "letter",
        "formal": True,
        "placeholder": True,
        "subject": "Attendance contract for {{ pupil.full_name }}",
        "body": """Dear {{ parent.salutation }}

[Placeholder: the wording of the attendance contract is supplied by the Enforcement work. Do not send.]

{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }} \
({{ attendance.hours_missed }} of learning).

"""
        + _SIGN_OFF,
    },
    {
        "name": "notice_to_improve",
        "title": "Notice to improve (placeholder)",
        "kind": "formal",
        "channel": "letter",
        "formal": True,
        "placeholder": True,
        "subject": "Notice to improve: {{ pupil.full_name }}",
        "body": """Dear {{ parent.salutation }}

[Placeholder: the wording of the notice to improve is supplied by the Enforcement work. Do not send.]

{{ pupil.forename }} has missed {{ attendance.days_missed }} of school {{ attendance.period }} \
({{ attendance.hours_missed }} of learning).

"""
        + _SIGN_OFF,
    },
    {
        "name": "penalty_notice",
        "title": "Penalty notice",
        "kind": "formal",
        "channel": "letter",
        "formal": True,
        "subject": "Penalty notice {{ notice.number }}: {{ pupil.full_name }}",
        "body": """Dear {{ parent.full_name }}

PENALTY NOTICE under section 444A of the Education Act 1996

Notice number: {{ notice.number }}
Date of issue: {{ notice.issue_date }}
Child: {{ pupil.full_name }}, {{ school.name }}

You are a parent of {{ pupil.forename }} within the meaning of section 576 of the Education Act 1996. \
{{ pupil.forename }} was absent from school without authorisation for {{ notice.sessions }} {{ notice.period }}. \
This is an offence under section 444(1) of the Education Act 1996: failing to secure the regular attendance at \
school of a child of compulsory school age.

This notice gives you the opportunity to discharge your liability to be convicted of that offence by paying a \
penalty. You do not have to pay, but if you do not pay in full within 28 days you may be prosecuted for the \
offence. There is no right of appeal against a penalty notice.

How much to pay
{% if notice.amount_reduced %}{{ notice.amount_reduced }} if paid within 21 days of receiving this notice, or \
{{ notice.amount_full }} if paid within 28 days of receiving this notice.{% else %}{{ notice.amount_full }} if \
paid within 28 days of receiving this notice. This is a second notice to you for {{ pupil.forename }} within \
3 years, so there is no reduced amount.{% endif %} The days are counted from and including the day you receive \
this notice. A notice sent by first-class post is treated as received on the second working day after posting.

{{ notice.la_wording }}

If you do not pay in full by the end of the 28 days, the local authority must either prosecute you for the \
offence or withdraw this notice.

Issued by {{ notice.issuer }}.

"""
        + _SIGN_OFF,
    },
]


def load_defaults(LetterTemplate, TemplateVersion, *, only_missing: bool = False) -> int:
    """Create or bring up to date the default templates (used by the data migration, with historical models).
    `only_missing`: create the templates that do not exist and leave the others as they are."""
    made = 0
    for d in DEFAULTS:
        language = d.get("language", "en")
        template, created = LetterTemplate.objects.get_or_create(
            owner_key="default",
            name=d["name"],
            language=language,
            defaults={
                "title": d["title"],
                "kind": d["kind"],
                "channel": d["channel"],
                "formal": d.get("formal", False),
                "immediate": d.get("immediate", False),
                "placeholder": d.get("placeholder", False),
                "translation_note": d.get("translation_note", ""),
                "description": d.get("description", ""),
            },
        )
        if only_missing and not created:
            continue
        last = TemplateVersion.objects.filter(template=template).order_by("-number").first()
        if last is not None and last.subject == d["subject"] and last.body == d["body"]:
            continue
        version = TemplateVersion.objects.create(
            template=template,
            number=(last.number if last else 0) + 1,
            subject=d["subject"],
            body=d["body"],
            note="Shipped with Attend",
        )
        template.current = version
        template.save(update_fields=["current"])
        made += 1
    return made
