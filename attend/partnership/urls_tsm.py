"""/partnership/tsm/...: termly targeting support meetings."""

from django.urls import path

from . import views_tsm

urlpatterns = [
    path("tsm/", views_tsm.overview, name="tsm"),
    path("tsm/schools/<int:urn>/", views_tsm.school_page, name="tsm-school"),
    path("tsm/schools/<int:urn>/record/", views_tsm.meeting_form, name="tsm-record"),
    path("tsm/schools/<int:urn>/actions/new/", views_tsm.action_new, name="tsm-action-new"),
    path("tsm/schools/<int:urn>/pack.pdf", views_tsm.pack, name="tsm-pack"),
    path("tsm/actions/<int:pk>/review/", views_tsm.action_review, name="tsm-action-review"),
]
