"""The LA's duties that no school system carries (issue 20; domain.md §4-5). One module per area:

- models_enquiries.py: children missing education enquiries (EA 1996 s436A; CME statutory guidance, August 2024),
  their reasonable enquiries (append-only: evidence for a ground (i) deletion) and referrals to another LA.
- models_roll.py: deletions from the admission register, each a deletion return to the LA (2024 Regs reg 9, 13),
  append-only.
- models_ehe.py: elective home education: the parent's notice, the LA's record of the child, its contacts and
  enquiries about suitability, and a return to school.
- models_s19.py: the LA's decision on arranging education under EA 1996 s19 (health, exclusion).
"""

from .models_ehe import EheContact, HomeEducation  # noqa: F401
from .models_enquiries import CmeEnquiry, EnquiryCheck, LaReferral  # noqa: F401
from .models_roll import RollDeletion  # noqa: F401
from .models_s19 import ProvisionDecision  # noqa: F401
