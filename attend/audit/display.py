"""Audit action codes as sentences for people (after pretix's logdisplay). Add a line for every new code."""

from __future__ import annotations

from collections import defaultdict

SENTENCES: dict[str, str] = {
    "accounts.sign_in.succeeded": "{actor} signed in.",
    "accounts.sign_in.failed": "A sign-in as {username} failed (wrong username or password).",
    "accounts.sign_in.locked": "Sign-in as {username} was locked for {minutes} minutes after repeated failures.",
    "accounts.sign_in.refused": "A sign-in as {username} was refused because it is locked.",
    "accounts.sign_out.succeeded": "{actor} signed out.",
    "accounts.two_factor.enrolled": "{actor} set up two-factor authentication.",
    "accounts.two_factor.failed": "{actor} entered a wrong two-factor code.",
    "accounts.two_factor.verified": "{actor} confirmed their identity with a two-factor code.",
    "audit.pupil_trail.viewed": "{actor} viewed the audit trail of {pupil}.",
    "audit.pupil_trail.exported": "{actor} exported the audit trail of {pupil} as CSV.",
    "people.pupil.viewed": "{actor} viewed {pupil}'s {page}.",
    "core.database.backed_up": "The database was backed up to {file} by {os_user}.",
    "core.database.restored": "The database was restored from {file} by {os_user}.",
    "accounts.recovery_codes.made": "{actor} made a new set of two-factor recovery codes.",
    "accounts.two_factor.recovery_code_used": "{actor} signed in with a recovery code ({left} left).",
    "privacy.retention.applied": "The retention schedule was applied as of {as_of} (register cutoff {register_cutoff}).",
    "privacy.subject_access.exported": "{actor} exported everything held about {pupil} (subject access).",
}


def describe(event) -> str:
    """One sentence for an event; unknown codes fall back to the code itself."""
    template = SENTENCES.get(event.action)
    if template is None:
        return f"{event.action} by {event.actor_username or 'the system'}."
    values: dict[str, str] = defaultdict(lambda: "?")
    values.update({k: str(v) for k, v in (event.data or {}).items() if not isinstance(v, dict | list)})
    values["actor"] = event.actor_username or "Someone"
    if event.actor_id and event.actor is not None:
        values["actor"] = event.actor.get_full_name() or event.actor.get_username()
    values["pupil"] = event.pupil.display_name if event.pupil_id else "a pupil"
    return template.format_map(values)
