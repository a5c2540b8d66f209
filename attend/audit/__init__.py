"""The audit trail. Services call `audit.record("app.entity.past_tense", by=user, obj=thing, data={...})`."""


def record(action: str, **kwargs):
    from .services import record as _record

    return _record(action, **kwargs)


def pupil_viewed(request, pupil, *, page: str):
    from .services import pupil_viewed as _pupil_viewed

    return _pupil_viewed(request, pupil, page=page)
