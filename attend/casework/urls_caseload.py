"""Pages of casework: caseloads, documents and families. Included before urls_cases, whose `<ref>/` would
otherwise take `caseload/`."""

from django.urls import path

from . import views_attachments, views_caseload, views_families

urlpatterns = [
    path("caseload/", views_caseload.caseload, name="caseload"),
    path("caseload/team/", views_caseload.team, name="caseload-team"),
    path("<str:ref>/attach/", views_attachments.attach, name="attach"),
    path("<str:ref>/attachments/<int:pk>/", views_attachments.download, name="attachment"),
    path("<str:ref>/family/", views_families.family, name="family"),
]
