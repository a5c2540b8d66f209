"""Audit action codes as sentences for people (after pretix's logdisplay). Add a line for every new code."""

from __future__ import annotations

from collections import defaultdict

SENTENCES: dict[str, str] = {
    "accounts.sign_in.succeeded": "{actor} signed in.",
    "accounts.sign_in.failed": "A sign-in as {username} failed (wrong username or password).",
    "accounts.sign_in.locked": "Sign-in as {username} was locked for {minutes} minutes after repeated failures.",
    "accounts.sign_in.address_locked": "Sign-in from {ip} was locked for {minutes} minutes after {failures} "
    "failures over several usernames.",
    "accounts.sign_in.refused": "A sign-in as {username} was refused because it is locked.",
    "accounts.sign_out.succeeded": "{actor} signed out.",
    "accounts.two_factor.enrolled": "{actor} set up two-factor authentication.",
    "accounts.two_factor.failed": "{actor} entered a wrong two-factor code.",
    "accounts.two_factor.verified": "{actor} confirmed their identity with a two-factor code.",
    "audit.pupil_trail.viewed": "{actor} viewed the audit trail of {pupil}.",
    "audit.pupil_trail.exported": "{actor} exported the audit trail of {pupil} as CSV.",
    "people.pupil.viewed": "{actor} viewed {pupil}'s {page}.",
    # Children missing education enquiries (attend/cme/enquiries.py, referrals.py).
    "cme.enquiry.opened": "{actor} opened children missing education enquiry {enquiry} ({source}; {la} responsible).",
    "cme.enquiry.viewed": "{actor} viewed children missing education enquiry {enquiry}.",
    "cme.check.recorded": "{actor} recorded a reasonable enquiry ({kind}, by the {party}) on enquiry {enquiry}.",
    "cme.enquiry.closed": "{actor} closed children missing education enquiry {enquiry} with the outcome {outcome}.",
    "cme.referral.recorded": "{actor} recorded a referral to {to_la} ({reason}).",
    "cme.referral.emailed": "A referral to another local authority was emailed to {to}.",
    "cme.referral.email_failed": "Emailing a referral to another local authority ({to}) failed: {reason}.",
    "core.database.backed_up": "The database was backed up to {file} by {os_user}.",
    "core.database.restored": "The database was restored from {file} by {os_user}.",
    "accounts.password.changed": "{actor} changed their own password.",
    "accounts.recovery_codes.made": "{actor} made a new set of two-factor recovery codes.",
    "accounts.two_factor.recovery_code_used": "{actor} signed in with a recovery code ({left} left).",
    "privacy.retention.applied": "The retention schedule was applied as of {as_of} (register cutoff {register_cutoff}).",
    "privacy.subject_access.exported": "{actor} exported everything held about {pupil} (subject access).",
    "accounts.user.created": "{actor} created a user account with the role {role} ({scope}).",
    "accounts.user.deactivated": "{actor} deactivated a user account.",
    "accounts.user.reactivated": "{actor} reactivated a user account.",
    "accounts.membership.added": "{actor} gave {user} the role {role}.",
    "accounts.membership.changed": "{actor} changed {user}'s role from {old} to {new}.",
    "alerts.alert.raised": "An alert, “{rule}”, was raised about {pupil}: {reason}",
    "alerts.alert.acknowledged": "{actor} acknowledged the alert “{rule}” about {pupil}.",
    "alerts.alert.dismissed": "{actor} dismissed the alert “{rule}” about {pupil}: {reason}",
    "alerts.alert.linked": "{actor} linked the alert “{rule}” about {pupil} to case {case}.",
    "alerts.alert.reopened": "{actor} reopened the alert “{rule}” about {pupil} (dismissed before: {dismissed_reason}).",
    "alerts.rule_setting.changed": "{actor} changed the alert setting {setting} from {old} to {new}.",
    "alerts.rule_setting.removed": "{actor} removed the alert setting {setting} (it was {old}).",
    "alerts.work_list.exported": "{actor} exported the {list} work list as CSV ({rows} rows).",
    "web.pupil_list.exported": "{actor} exported the {list} pupil list as CSV ({rows} rows).",
    "api.token.created": "{actor} issued API token {prefix} for {user}.",
    "api.token.revoked": "{actor} revoked API token {prefix} of {user}.",
    "directory.service.created": "{actor} added {name} to the services directory.",
    "directory.service.changed": "{actor} changed {name} in the services directory.",
    "audit.admin_object.added": "{actor} added {model} {object} in the administration site ({summary}).",
    "audit.admin_object.changed": "{actor} changed {model} {object} in the administration site ({summary}).",
    "audit.admin_object.deleted": "{actor} deleted {model} {object} in the administration site.",
    "jobs.import.started": "{actor} started a {kind} import of {file}.",
    "jobs.report.started": "{actor} started building the {report} report.",
    "jobs.report.downloaded": "{actor} downloaded the report {file}.",
    "registers.import.completed": (
        "{actor} imported {kind} from {file} (sha256 {sha256}): {rows} rows, {created} created, {updated} changed, "
        "{unchanged} unchanged; {protected_changes} pupils' protected details changed."
    ),
    "registers.pupil_details.changed": "A {kind} import of {file} by {actor} changed protected details of {pupil}.",
    "registers.transfer.confirmed": "{actor} confirmed {pupil}'s move to school {to_school} from {admission_date}.",
    "registers.profile.saved": "{actor} saved version {version} of the import profile {name} ({owner}, {layout} layout).",
    "registers.transfer.undone": "{actor} undid the enrolment at school {to_school} from {admission_date} made by an import.",
    "letters.template.saved": "{actor} saved version {version} of the {name} template ({owner}).",
    "letters.message.created": "{actor} prepared a {template} message (version {version}, {route}) for {pupil}.",
    "letters.message.sent": "{actor} sent a {route} message about {pupil}.",
    "letters.message.failed": "A {route} message about {pupil} could not be sent: {reason}",
    "letters.message.status_changed": "A message about {pupil} changed from {old} to {new}.",
    "letters.message.returned": "{actor} marked a letter about {pupil} as returned by the post ({reason}).",
    "letters.message.viewed": "{actor} viewed a message about {pupil}.",
    "letters.message.approved": "{actor} approved a held letter about {pupil} ({hold_reason}).",
    "letters.message.skipped": "{actor} skipped a letter about {pupil}: {reason}",
    "letters.batch.created": "{actor} started a batch of {template} letters.",
    "letters.batch.prepared": "The letters of a batch were composed: {letters} {template} letters, {problems} left out.",
    "letters.message.callback": "GOV.UK Notify reported a message about {pupil} as {notify_status} ({old} to {new}).",
    "letters.batch.approved": "{actor} approved a batch of {letters} letters for sending.",
    "letters.batch.viewed": "{actor} viewed a batch of {letters} letters.",
    "letters.batch.printed": "{actor} downloaded the print file of a batch ({letters} letters sent).",
    # Part-time timetables (issue 17; attend/partnership/timetables.py).
    "partnership.timetable.recorded": "{actor} recorded a part-time timetable for {pupil} from {start} to {end}.",
    "partnership.timetable.reviewed": "{actor} reviewed a part-time timetable for {pupil} ({outcome}).",
    "partnership.timetable.scrutinised": "{actor} recorded the LA's scrutiny of a part-time timetable for {pupil}: {decision}.",
    "partnership.timetable.la_notified": "The LA was told of a {what} part-time timetable for {pupil} ({to}).",
    # Casework (issue 16; attend/casework).
    "casework.entry.recorded": "{actor} added a {kind} entry to case {case}.",
    "casework.case.opened": "{actor} opened case {case} at the {stage} stage.",
    # Referrals to the services directory (issue 17; attend/partnership/referrals.py).
    "casework.referral.made": "{actor} referred case {case} to {service}.",
    "casework.referral.updated": "{actor} recorded the referral of case {case} to {service} as {new}.",
    # Assessment and support plans (attend/casework/plans.py, plan_letters.py).
    "casework.assessment.saved": "{actor} saved the assessment on case {case} (version {version}).",
    "casework.plan.created": "{actor} started a support plan ({title}) on case {case}.",
    "casework.plan.updated": "{actor} changed a support plan on case {case}.",
    "casework.plan_action.added": "{actor} added an action to a support plan on case {case}.",
    "casework.plan_action.updated": "{actor} changed an action of a support plan on case {case}.",
    "casework.plan.reviewed": "{actor} recorded a review of a support plan on case {case}.",
    "casework.plan.sent": "{actor} sent a support plan on case {case} to the parents ({route}).",
    "casework.consent.recorded": "{actor} recorded consent to direct work on case {case}, given by {given_by}.",
    "casework.consent.withdrawn": "{actor} recorded that {given_by} withdrew consent on case {case}.",
    "casework.meeting.booked": "{actor} booked a {method} meeting ({purpose}) on case {case}.",
    "casework.meeting.recorded": "{actor} recorded a meeting on case {case} ({actions} agreed actions).",
    "casework.contact_safety.changed": "{actor} changed a contact's confidentiality or barriers ({changed}).",
    "casework.safeguarding.raised": "{actor} recorded a safeguarding step ({kind}) on case {case}.",
    "casework.safeguarding.outcome_added": "{actor} added an outcome to a safeguarding step on case {case}.",
    "casework.restricted.viewed": "{actor} read {entries} restricted safeguarding entries on case {case}.",
    "casework.case.stage_changed": "{actor} moved case {case} from the {from} to the {to} stage: {reason}",
    "casework.case.closed": "{actor} closed case {case} ({reason}).",
    "casework.case.reopened": "{actor} reopened case {case}: {reason}",
    "casework.case.assigned": "{actor} changed who holds case {case}.",
    "casework.case.linked_to_pupil": "{actor} linked case {case} to the pupil record {upn}.",
    "casework.case.viewed": "{actor} viewed case {case}.",
    "casework.removal.requested": "{actor} asked for entry {entry} on case {case} to be removed: {reason}",
    "casework.removal.refused": "{actor} refused the removal of entry {entry} on case {case}.",
    "casework.entry.removed": "{actor} approved the removal of {entries} entries ({kind}, entry {entry}) filed on "
    "the wrong child from case {case}, asked for by {requested_by}: {reason}",
    "casework.attachment.added": "{actor} added the document {filename} to case {case}.",
    "casework.attachment.downloaded": "{actor} downloaded the document {filename} from case {case}.",
    "casework.attachment.damaged": "{actor} tried to open {filename} on case {case}, refused: {reason}.",
    "casework.family.member_added": "{actor} confirmed {pupil} as a member of family {family}: {reason}",
    "casework.family.member_removed": "{actor} removed {pupil} from family {family}.",
    "casework.chronology.viewed": "{actor} read the chronology of case {case} through the API ({entries} entries).",
    # Formal support and enforcement (issue 19; attend/enforcement).
    "enforcement.bundle.built": "{actor} built the {pages}-page evidence bundle for case {case}.",
    # Home visits and lone-worker safety (issue 18; attend/visits).
    "visits.round.started": "{actor} started a round of {visits} home visits, expected back at {back}.",
    "visits.check_in.recorded": "{actor} recorded a check-in ({kind}, {channel}) at {location}; the round is "
    "now {round_status}.",
    "visits.help.raised": "{actor} asked for help on a round of home visits, last known at {location}.",
    "visits.escalation.opened": "An escalation opened for {officer} ({reason}, {when}), last known at {location}.",
    "visits.escalation_step.sent": "Escalation step {number} for {officer} went to the {level}: {to}.",
    "visits.escalation.acknowledged": "{actor} acknowledged the escalation for {officer} at {at}: dealing with it.",
    "visits.escalation.ended": "The escalation for {officer} ended: {reason}; {told} people already alerted are told.",
    "visits.profile.changed": "{actor} changed the visit profile of {officer}: {fields}.",
    "visits.escalation_contact.added": "{actor} added {name} as an escalation contact ({level}).",
    "visits.escalation_contact.ended": "{actor} ended {name} as an escalation contact ({level}).",
    # Partnership: the professional network (issue 17; attend/partnership/network.py).
    "partnership.network_member.added": "{actor} added {pupil}'s {role} to their professional network.",
    "partnership.network_member.changed": "{actor} changed {pupil}'s {role} in their professional network.",
    "partnership.network_member.removed": "{actor} removed {pupil}'s {role} from their professional network.",
    "partnership.network_notice.sent": "An unexplained absence of {pupil} ({sessions}) was emailed to {to}: "
    "{trigger}.",
    "partnership.network_notice.failed": "An unexplained absence of {pupil} ({sessions}) could not be emailed to "
    "all of the network: {reason}",
    # Targeting support meetings (issue 17; attend/partnership/tsm.py).
    "partnership.tsm.recorded": "{actor} recorded the {term} targeting support meeting with {school_name} as {status}.",
    "partnership.tsm_action.agreed": "{actor} recorded an action agreed at a targeting support meeting for {pupil}.",
    "partnership.tsm_action.reviewed": "{actor} reviewed a targeting support meeting action for {pupil}: {status}.",
    "partnership.tsm_action.carried": "An unfinished targeting support meeting action for {pupil} carried over to {term}.",
    "partnership.tsm_pack.downloaded": "{actor} downloaded the targeting support meeting pack for {school_name}.",
    # Home visits: outcomes, visit cards, safety reports (issue 18; attend/visits/outcomes.py, safety_reports.py).
    "visits.outcome.recorded": "{actor} recorded the outcome of home visit {visit} on case {case}: {outcome}.",
    "visits.card.printed": "{actor} printed the visit card for home visit {visit}.",
    "visits.safety_report.sent": "The report of home visit {visit}, cancelled for safety, went to: {to}.",
    "visits.safety_report.resent": "{actor} sent the report of home visit {visit} again: {to}.",
    # Home visits: lists, rounds, risk markers and risk checks (issue 18; attend/visits/lists.py, risks.py).
    "visits.visit.planned": "{actor} listed a home visit to {pupil} for {day} ({source}).",
    "visits.round.created": "{actor} started planning a round of home visits for {day}.",
    "visits.visit.added_to_round": "{actor} added the visit to {pupil} to their round for {day}.",
    "visits.visit.moved": "{actor} moved the visit to {pupil} {direction} their round.",
    "visits.visit.removed_from_round": "{actor} took the visit to {pupil} off their round.",
    "visits.risk_marker.recorded": "{actor} recorded a risk marker ({kind}) about {about}.",
    "visits.risk_marker.reviewed": "{actor} reviewed a risk marker ({kind}) about {about}.",
    "visits.risk_marker.ended": "{actor} ended a risk marker ({kind}) about {about}.",
    "visits.risk_check.confirmed": "{actor} confirmed the risk check before a visit to {pupil}: {mode}, "
    "{markers} risk markers shown.",
    # Enforcement, the ladder (issue 19; attend/enforcement/codes.py, checks.py, requests.py, contracts.py, ntis.py).
    "enforcement.code.changed": "{actor} saved version {version} of {la}'s code of conduct (from {effective_from}).",
    "enforcement.check.recorded": "{actor} recorded a {kind} check before a formal step ({purpose}) for {pupil}.",
    "enforcement.request.submitted": "{actor} asked the LA for a penalty notice for {pupil} (case {case}).",
    "enforcement.request.decided": "{actor} decided a penalty notice request for {pupil}: {status} (case {case}).",
    "enforcement.request.viewed": "{actor} viewed a penalty notice request for {pupil} (case {case}).",
    "enforcement.contract.created": "{actor} drafted an attendance contract for {pupil} (case {case}).",
    "enforcement.contract.signed": "{actor} recorded that {pupil}'s attendance contract was signed (case {case}).",
    "enforcement.contract.declined": "{actor} recorded that {pupil}'s attendance contract was declined (case {case}).",
    "enforcement.contract.reviewed": "{actor} reviewed {pupil}'s attendance contract (case {case}).",
    "enforcement.contract.ended": "{actor} ended {pupil}'s attendance contract: {outcome} (case {case}).",
    "enforcement.nti.issued": "{actor} issued a notice to improve about {pupil} (case {case}).",
    "enforcement.nti.concluded": "{actor} recorded the outcome of a notice to improve about {pupil}: {outcome}.",
    # Penalty notices (issue 19; attend/enforcement/notices.py, notice_events.py, payments.py).
    "enforcement.notice.issued": "{actor} issued penalty notice {notice} for {pupil} (case {case}).",
    "enforcement.notice.served": "{actor} recorded service of penalty notice {notice} ({method}).",
    "enforcement.notice.withdrawn": "{actor} withdrew penalty notice {notice} ({ground}).",
    "enforcement.notice.prosecution_decided": "{actor} decided to prosecute after penalty notice {notice} was unpaid.",
    "enforcement.notice.payment_recorded": "{actor} recorded a payment of £{amount} on penalty notice {notice}.",
    "enforcement.notice.refund_recorded": "{actor} recorded a refund of £{amount} on penalty notice {notice}.",
    "enforcement.payments.reconciled": "{actor} reconciled penalty notice payments from {file} ({applied} applied).",
    "enforcement.notices.viewed": "{actor} viewed the penalty notices of {pupil}.",
    "enforcement.notice.viewed": "{actor} viewed penalty notice {notice}.",
    # Supervision orders, prosecutions and the enforcement register (issue 19; attend/enforcement, area "court").
    "enforcement.supervision_order.considered": "{actor} recorded the consideration of an education supervision "
    "order on case {case}.",
    "enforcement.supervision_order.consulted": "{actor} recorded children's social care consulted about an "
    "education supervision order on case {case}.",
    "enforcement.supervision_order.applied": "{actor} recorded an application for an education supervision order "
    "on case {case}.",
    "enforcement.supervision_order.hearing_recorded": "{actor} recorded a hearing about an education supervision "
    "order on case {case}.",
    "enforcement.supervision_order.made": "{actor} recorded an education supervision order made on case {case}.",
    "enforcement.supervision_order.refused": "{actor} recorded the court refusing an education supervision order "
    "on case {case}.",
    "enforcement.supervision_order.extension_applied": "{actor} recorded an application to extend the education "
    "supervision order on case {case}.",
    "enforcement.supervision_order.extended": "{actor} recorded the education supervision order on case {case} "
    "extended to {expires_on}.",
    "enforcement.supervision_order.reviewed": "{actor} reviewed the education supervision order on case {case}.",
    "enforcement.supervision_order.direction_given": "{actor} recorded a direction under the education supervision "
    "order on case {case}.",
    "enforcement.supervision_order.parent_breach_recorded": "{actor} recorded a parent's persistent breach of the "
    "education supervision order on case {case}.",
    "enforcement.supervision_order.child_breach_recorded": "{actor} recorded the child's persistent breach of the "
    "education supervision order on case {case} (social care told).",
    "enforcement.supervision_order.ended": "{actor} recorded the end of the education supervision order on case "
    "{case}.",
    "enforcement.prosecution.decided": "{actor} recorded a decision to prosecute on case {case} (to be laid by "
    "{lay_by}).",
    "enforcement.prosecution.laid": "{actor} recorded the information laid on case {case}.",
    "enforcement.prosecution.interviewed": "{actor} recorded an interview under caution on case {case}.",
    "enforcement.prosecution.hearing_recorded": "{actor} recorded a court hearing on case {case}.",
    "enforcement.prosecution.concluded": "{actor} recorded the outcome of a prosecution on case {case}: {outcome}.",
    "enforcement.prosecution.discontinued": "{actor} recorded a prosecution discontinued on case {case}.",
    "enforcement.prosecution.viewed": "{actor} viewed a prosecution on case {case}.",
    "enforcement.court.viewed": "{actor} viewed the supervision orders and prosecutions on case {case}.",
    "enforcement.register.viewed": "{actor} viewed the enforcement register ({year}).",
    "enforcement.register.exported": "{actor} exported the enforcement register as CSV ({what}, {year}).",
    # s19 provision decisions and the termly returns (attend/cme, issue 20).
    "cme.s19_decision.recorded": "{actor} recorded the LA's s19 decision for {pupil} ({trigger}, {days} school "
    "days counted): {decision}.",
    "cme.returns.exported": "{actor} exported the LA's termly children missing education return ({term}).",
    # Children missing education: elective home education (attend/cme/ehe.py).
    "cme.home_education.recorded": "{actor} recorded a parent's notice of home education ({ref}): {status}.",
    "cme.home_education.consent_decided": "{actor} recorded the LA's consent decision on home education {ref}: "
    "{consent}.",
    "cme.ehe_contact.recorded": "{actor} recorded a home education contact on {ref} ({kind}; {suitability}).",
    "cme.home_education.ended": "{actor} recorded the end of home education {ref}: {note}.",
    "cme.home_education.viewed": "{actor} viewed home education record {ref}.",
    "cme.ehe_register.viewed": "{actor} viewed the home education register ({children} children).",
    # Deletions from the roll (attend/cme/roll.py, roll_prompts.py, views_roll.py)
    "cme.deletion.recorded": "{actor} recorded {pupil}'s deletion from the roll under ground ({ground}) (a deletion "
    "return to the LA; source {source}).",
    "cme.deletion.imported": "A leaving date for {pupil} on {deleted_on} arrived in an import with no ground: a deletion "
    "return was made with the ground not given.",
    "cme.deletion.viewed": "{actor} viewed the deletion return for {pupil}.",
    "cme.deletion_returns.exported": "{actor} exported the deletion returns as CSV ({rows} rows).",
}


# Pages a pupil was viewed on (audit.pupil_viewed's `page`), in people's words (issue 23).
PAGES: dict[str, str] = {
    "web.pupil": "attendance record",
    "web.work_pupil": "alerts",
    "letters.template_preview": "letter preview",
    "letters.send": "letter sending page",
    "letters.messages": "letters and messages",
    "casework.safeguarding": "safeguarding page",
    "casework.meetings": "case meetings",
    "casework.consent": "consent record",
    "casework.meeting_new": "new meeting form",
    "casework.meeting": "meeting record",
    "casework.meeting_record": "meeting notes form",
    "casework.contact_safety": "contact safety record",
}


def page_words(page: str) -> str:
    """A page name in words: the table above, else an internal name's last part with spaces."""
    if page in PAGES:
        return PAGES[page]
    return page.rsplit(".", 1)[-1].replace("_", " ") if "." in page else page


def rule_words(rule: str) -> str:
    """A work-list rule id as its title ("severe_absence" -> "Severe absence")."""
    from attend.alerts.worklist import rule_title  # alerts builds on audit: imported when needed

    return rule_title(rule)


def describe(event) -> str:
    """One sentence for an event; unknown codes fall back to the code itself."""
    template = SENTENCES.get(event.action)
    if template is None:
        return f"{event.action} by {event.actor_username or 'the system'}."
    values: dict[str, str] = defaultdict(lambda: "?")
    values.update({k: str(v) for k, v in (event.data or {}).items() if not isinstance(v, dict | list)})
    values["ip"] = event.ip or "an unknown address"
    values["actor"] = event.actor_username or "Someone"
    if event.actor_id and event.actor is not None:
        values["actor"] = event.actor.get_full_name() or event.actor.get_username()
    values["pupil"] = event.pupil.display_name if event.pupil_id else "a pupil"
    if "page" in values:
        values["page"] = page_words(values["page"])
    if "rule" in values:
        values["rule"] = rule_words(values["rule"])
    return template.format_map(values)
