"""Formal support and enforcement (issue 19). One module per area; each is imported here.

- models_code.py: the LA's code of conduct (versioned; the version used is stored on every decision) and the
  recorded check before any formal step.
- models_ladder.py: school requests and LA vetting, attendance contracts, notices to improve.
- models_notices.py: penalty notices and what happens to them (service, payments, withdrawal, decisions), as
  append-only events: a notice is never edited.
- models_court.py: education supervision orders, prosecutions, interviews under caution, hearings.

Statutory values (amounts, windows, who may issue) are code, not settings: attend/enforcement/statute.py.
"""

from .models_code import CodeOfConduct, FormalCheck  # noqa: F401
from .models_court import CautionInterview, Hearing, Prosecution, SupervisionOrder, SupervisionOrderEvent  # noqa: F401
from .models_ladder import AttendanceContract, ContractReview, NoticeRequest, NoticeToImprove  # noqa: F401
from .models_notices import IssuerAuthorisation, NoticeEvent, PenaltyNotice  # noqa: F401
