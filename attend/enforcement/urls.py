"""/enforcement/...: one URL module per area."""

from django.urls import include, path

app_name = "enforcement"

urlpatterns: list = [
    path("", include("attend.enforcement.urls_bundle")),
    path("", include("attend.enforcement.urls_notices")),  # penalty notices, payments
    path("", include("attend.enforcement.urls_ladder")),  # code of conduct, checks, requests, contracts, NTI
    path("", include("attend.enforcement.urls_court")),  # orders, prosecutions, register
]
