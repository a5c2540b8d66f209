"""Home visits with lone-worker safety (issue 18). One module per area; each is imported here.

- models_people.py: the officer's profile (mobile, vehicle, description, training and DBS dates) and the named
  contacts who are told when an officer misses a check-in.
- models_risks.py: known risks against a person or an address, each with its reason and review date.
- models_rounds.py: a day's round of visits, the risk check before each visit, check-ins, and the escalation
  steps (each a row with its due time, so a missed step cannot be lost silently).
"""

from .models_outcomes import SafetyReport, SafetyReportRecipient, VisitOutcome  # noqa: F401
from .models_people import EscalationContact, OfficerProfile  # noqa: F401
from .models_risks import RiskKind, RiskMarker  # noqa: F401
from .models_rounds import (  # noqa: F401
    CheckIn,
    Escalation,
    EscalationMessage,
    EscalationStep,
    Round,
    Visit,
)
