"""Casework models, one module per area: support already recorded (part-time timetables, circumstances), cases and
families, the append-only chronology, assessment and plans, meetings, consent and safeguarding."""

from .cases import (  # noqa: F401
    OPEN_CASE_STATUSES,
    STAGE_ORDER,
    Case,
    Family,
    FamilyMember,
    PathwayStep,
    Stage,
    StageChange,
)
from .chronology import (  # noqa: F401
    CONTACT_KINDS,
    Attachment,
    CallOutcome,
    ChronologyEntry,
    EntryKind,
    EntryRemoval,
    Support,
)
from .meetings import Consent, Meeting, SafeguardingRecord  # noqa: F401
from .plans import Assessment, Barrier, PlanAction, PlanReview, SupportPlan  # noqa: F401
from .support import (  # noqa: F401
    LaScrutiny,
    PartTimeTimetable,
    PupilCircumstance,
    TimetableReason,
    TimetableReview,
    TimetableStatus,
)
