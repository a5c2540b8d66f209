"""Working with partners (issue 17): referrals, part-time timetables, targeting support meetings, the
professional network and what works. One module per area; each is imported here."""

from .models_network import NetworkMember, NetworkNotice, NetworkRole  # noqa: F401
from .models_referrals import LawfulBasis, Referral, ReferralUpdate  # noqa: F401
from .models_tsm import AgreedAction, SupportMeeting  # noqa: F401  (tsm)
