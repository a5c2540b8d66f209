"""Writing audit events. Call `record` explicitly from services and views; there are no model signals."""

from __future__ import annotations

import re
from typing import Any

from .models import AuditEvent

ACTION_FORMAT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){2,}$")


def record(
    action: str,
    *,
    by=None,
    obj=None,
    school=None,
    pupil=None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    data: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Append one event. `action` is `<app>.<entity>.<past tense>`, e.g. `people.pupil.viewed`.

    `obj` fills object_type/object_id (and pupil or school if the object is one, or has one); `request` gives the
    actor (if signed in) and the client address.
    """
    if not ACTION_FORMAT.match(action):
        raise ValueError(f"Audit action {action!r} is not of the form app.entity.past_tense")
    if by is None and request is not None and request.user.is_authenticated:
        by = request.user
    if by is not None and not by.is_authenticated:
        by = None
    details: dict[str, Any] = dict(data or {})
    if before is not None:
        details["before"] = before
    if after is not None:
        details["after"] = after
    object_type = object_id = ""
    if obj is not None:
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
        if pupil is None and object_type == "people.pupil":
            pupil = obj
        if school is None and object_type == "schools.school":
            school = obj
        if pupil is None and getattr(obj, "pupil_id", None):
            pupil = obj.pupil
        if school is None and getattr(obj, "school_id", None):
            school = obj.school
    return AuditEvent.objects.create(
        action=action,
        actor=by,
        actor_username=by.get_username() if by is not None else "",
        object_type=object_type,
        object_id=object_id,
        school=school,
        pupil=pupil,
        ip=(request.META.get("REMOTE_ADDR", "") if request is not None else "")[:45],
        data=details,
    )


def pupil_viewed(request, pupil, *, page: str) -> AuditEvent:
    """Record that the signed-in user opened a page showing this pupil (safeguarding: who looked, and when)."""
    return record("people.pupil.viewed", request=request, obj=pupil, data={"page": page})
