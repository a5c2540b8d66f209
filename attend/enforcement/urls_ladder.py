"""/enforcement/: the code of conduct, the check before a formal step, school requests, contracts, notices to
improve (the ladder helper's pages)."""

from django.urls import path

from . import views_ladder as v
from . import views_ladder_steps as s

urlpatterns = [
    path("code/", v.code_home, name="code-home"),
    path("code/<int:la>/", v.code, name="code"),
    path("check/new/", v.check_new, name="check-new"),
    path("requests/", v.request_list, name="requests"),
    path("requests/new/", v.request_new, name="request-new"),
    path("requests/<int:pk>/", v.request_detail, name="request"),
    path("contracts/new/", s.contract_new, name="contract-new"),
    path("contracts/<int:pk>/", s.contract, name="contract"),
    path("contracts/<int:pk>/document.pdf", s.contract_document, name="contract-document"),
    path("ntis/new/", s.nti_new, name="nti-new"),
    path("ntis/<int:pk>/", s.nti, name="nti"),
    path("ntis/<int:pk>/document.pdf", s.nti_document, name="nti-document"),
]
