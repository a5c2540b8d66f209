"""/cases/...: one URL module per area of casework, so each area owns its pages."""

from django.urls import include, path

app_name = "casework"

urlpatterns = [
    # First: the cases module's `<ref>/` would otherwise match `caseload/`.
    path("", include("attend.casework.urls_caseload")),
    path("", include("attend.casework.urls_cases")),
    path("", include("attend.casework.urls_plans")),
    path("", include("attend.casework.urls_meetings")),
    path("", include("attend.casework.urls_safeguarding")),
]
