"""The work list's rule tables: each rule's title, weight in the priority, side (LA or school), next step, and which
rules belong on today's list. Data only; attend.alerts.worklist builds the lists from it."""

from __future__ import annotations

from .models import OfficerAssignment

LA, SCHOOL = OfficerAssignment.Side.LA, OfficerAssignment.Side.SCHOOL

RULE_TITLES = {
    "first_day": "First-day absence call",
    "missing_register": "Register not taken",
    "cme_20_days": "20 days' continuous absence: possible child missing education",
    "part_time_timetable": "Part-time timetable (C2) not recorded or past review",
    "severe_absence": "Severe absence",
    "penalty_threshold": "Penalty notice threshold reached",
    "la_notification_10_days": "10 days' unauthorised absence: notify the LA",
    "cohort": "Group attendance worsening against comparators",
    "persistent_absence": "Persistent absence",
    "n_not_resolved": "Reason for absence not established (N)",
    "at_risk_persistent": "At risk of persistent absence",
    "sharp_drop": "Sharp drop in attendance",
    "repeated_late_u": "Repeatedly late after the register closed (U)",
    "monday_friday_pattern": "Monday and Friday pattern",
    "holiday_adjacent": "Absence next to school holidays",
    "short_spells": "Repeated short spells",
    "returned_post": "Letter returned by the post: check the address (possible child missing education)",
    "translation_needed": "Interpreter or translation needed",
    "safeguarding_concern": "Safeguarding concern raised to the designated safeguarding lead",
    "case_next_step": "Case: next step due",
    "case_review": "Case: plan review due",
    "case_meeting": "Case: meeting today",
    "case_consent": "Case: consent expiring",
    "referral_no_reply": "Referral: no reply from the service",
    "timetable_review_due": "Part-time timetable past its review date or planned end",
    "nti_in_force": "Notice to improve in force: watch the improvement period",
    "notice_decision": "Penalty notice unpaid after 28 days: decision required",
    "prosecution_time_limit": "Prosecution: the last day to lay the information is near",
    "off_rolling_concern": "Deletion from the roll that looks like off-rolling",
    "deletion_ground_missing": "Deletion from the roll with no ground given",
    "s19_health": "15 school days missed through ill health: decide on s19 education",
    "s19_exclusion": "Sixth day of a suspension or exclusion: provision from today",
    "ehe_contact_due": "Home education: the LA's contact is due",
    "cme_enquiry_due": "Children missing education enquiry: next enquiry due",
    "registers_not_received": "No registers received from the school",
}

# How much each rule weighs when ordering the list: what cannot wait first (domain.md §4, §5; issue 5).
RULE_WEIGHT = {
    "cme_20_days": 100,
    "returned_post": 65,
    "missing_register": 90,
    "first_day": 80,
    "severe_absence": 70,
    "part_time_timetable": 60,
    "penalty_threshold": 60,
    "la_notification_10_days": 55,
    "cohort": 40,
    "persistent_absence": 30,
    "n_not_resolved": 25,
    "at_risk_persistent": 20,
    "sharp_drop": 15,
    "repeated_late_u": 15,
    "monday_friday_pattern": 10,
    "holiday_adjacent": 10,
    "short_spells": 10,
    "translation_needed": 20,
    "safeguarding_concern": 95,
    "case_meeting": 75,
    "case_next_step": 45,
    "case_review": 35,
    "case_consent": 30,
    "referral_no_reply": 40,
    "timetable_review_due": 58,
    "nti_in_force": 50,
    "notice_decision": 85,
    "prosecution_time_limit": 85,
    "off_rolling_concern": 62,
    "deletion_ground_missing": 56,
    "s19_health": 64,
    "s19_exclusion": 88,
    "ehe_contact_due": 42,
    "cme_enquiry_due": 92,
    "registers_not_received": 58,
}

# Whose work each rule is: the LA's named officer (statutory and enforcement work, CME, LA notifications, part-time
# timetables the LA must be told of, cohort trends for targeting-support meetings) or the school's (first-day
# calls, registers, N codes, pupils to support before the statutory thresholds).
RULE_SIDE = {
    "cme_20_days": LA,
    "severe_absence": LA,
    "part_time_timetable": LA,
    "penalty_threshold": LA,
    "la_notification_10_days": LA,
    "cohort": LA,
    "returned_post": LA,
    "timetable_review_due": LA,
    "nti_in_force": LA,
    "notice_decision": LA,
    "prosecution_time_limit": LA,
    "off_rolling_concern": LA,
    "s19_health": LA,
    "s19_exclusion": LA,
    "ehe_contact_due": LA,
    "cme_enquiry_due": LA,
    "registers_not_received": LA,
}  # everything else: SCHOOL

# On today's list whenever new (not yet acknowledged): a child possibly missing education cannot wait, and a
# letter returned "gone away" may be the first sign of one.
URGENT_RULES = frozenset({"cme_20_days", "returned_post", "safeguarding_concern"})
DAILY_RULES = frozenset({"first_day", "missing_register"})
# On today's list when newly crossed (within NEW_DAYS) or back after a dismissal because they got worse; older
# ones stay on the LA list until someone acts.
THRESHOLD_RULES = frozenset(
    {"severe_absence", "penalty_threshold", "la_notification_10_days", "part_time_timetable"}
)
# Casework items (attend.casework.prompts) exist only while due: on today's list while nobody has acknowledged them,
# routed to the case's LA officer and school lead (or, for a case with neither, as the school's other work).
# A referral with no reply (attend.partnership.referrals) is routed and listed the same way.
CASE_RULES = frozenset({"case_next_step", "case_review", "case_meeting", "case_consent", "referral_no_reply"})
# A part-time timetable past its review or planned end (attend.partnership.timetables) stays on today's list until
# someone reviews it: a time-limited timetable drifting on is what the guidance warns against. So do the enforcement
# deadlines (an unpaid notice's 28-day decision, a prosecution's time limit), and the LA's duties to children out of
# school (attend.cme): a deletion that looks like off-rolling, an s19 decision due, a home education contact due.
TIMETABLE_RULES = frozenset(
    {
        "timetable_review_due",
        "notice_decision",
        "prosecution_time_limit",
        "off_rolling_concern",
        "deletion_ground_missing",
        "s19_health",
        "s19_exclusion",
        "ehe_contact_due",
        "cme_enquiry_due",
        "registers_not_received",
    }
)
# A notice to improve in force (attend.enforcement.ntis) is on the list for its improvement period, then cleared.
LADDER_RULES = frozenset({"nti_in_force"})
TODAY_RULES = URGENT_RULES | DAILY_RULES | THRESHOLD_RULES | CASE_RULES | TIMETABLE_RULES | LADDER_RULES
NEW_DAYS = 7
TOP_N = 25

NEXT_STEP = {
    "first_day": "Call the contacts in priority order today",
    "missing_register": "Ask the school to take or send the register now",
    "cme_20_days": "Make a children missing education enquiry",
    "part_time_timetable": "Record the agreed timetable, or review it now",
    "severe_absence": "Agree a support plan; consider formal support",
    "penalty_threshold": "Consider a penalty notice (support first where appropriate)",
    "la_notification_10_days": "Check the school has told the LA; agree next steps",
    "cohort": "Raise at the school's targeting support meeting",
    "persistent_absence": "Review at the targeting support meeting; meet the family",
    "n_not_resolved": "Ask the school to replace each N with the correct code",
    "at_risk_persistent": "Talk to the family before it reaches 10%",
    "sharp_drop": "Find out what changed",
    "repeated_late_u": "Talk to the family about getting in on time",
    "monday_friday_pattern": "Talk to the family about the pattern",
    "holiday_adjacent": "Remind the family about term-time leave",
    "short_spells": "Look for a cause behind the repeated short absences",
    "returned_post": "Check the family's address with the school and the family; if they cannot be found, "
    "consider a children missing education enquiry",
    "translation_needed": "Arrange an interpreter or a translated letter; record the contact's language",
    "safeguarding_concern": "DSL: read the concern on the case's safeguarding page today and record what you did",
    "case_next_step": "Open the case: do the next step and record it, or record a new one",
    "case_review": "Open the case and review the plan with the family",
    "case_meeting": "Open the case: hold the meeting and record it",
    "case_consent": "Renew the parent's consent before the next direct-work session",
    "referral_no_reply": "Chase the service for a reply, and record it on the referral",
    "timetable_review_due": "Review the timetable with the family: extend it with a new date, or end it",
    "nti_in_force": "Follow the improvement period on the notice to improve's page; record the outcome after it ends",
    "notice_decision": "Decide: prosecute for the original offence, or withdraw the notice on one of the grounds",
    "prosecution_time_limit": "Lay the information at the magistrates' court before the last day, or discontinue",
    "off_rolling_concern": "Ask the school for the ground's evidence; challenge a deletion made without it",
    "deletion_ground_missing": "Record which ground of regulation 9 applies (a correction of the deletion return)",
    "s19_health": "Decide whether the LA arranges education (s19) and record the decision",
    "s19_exclusion": "Check full-time provision is in place from the sixth day; record the decision",
    "ehe_contact_due": "Contact the family about the child's education and record what you found",
    "cme_enquiry_due": "Make the next reasonable enquiry, or close the enquiry with its outcome",
    "registers_not_received": "Ask the school to send its registers (check its MIS export or API key)",
}

# Next steps done on a panel of the pupil page: the work list links there (web/pupil_detail.html ids).
NEXT_STEP_ANCHOR = {
    "part_time_timetable": "part-time-timetable",
    "timetable_review_due": "part-time-timetable",
}

LISTS = {
    "mine": "My list today",
    "team": "Team list today (no named officer)",
    "school": "School list",
    "la": "Local authority list",
    "all": "All open alerts",
}
