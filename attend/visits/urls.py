"""/visits/...: one URL module per area."""

from django.urls import include, path  # noqa: F401

app_name = "visits"

urlpatterns: list = [
    path("", include("attend.visits.urls_lists")),  # lists, rounds, risk checks
    path("", include("attend.visits.urls_lone")),  # profile, check-out, check-in, help, office dashboard
    path("", include("attend.visits.urls_escalation")),  # acknowledge an escalation
    path("", include("attend.visits.urls_outcomes")),  # visit outcomes, cancelled-for-safety reports
]
