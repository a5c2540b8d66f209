"""Pages of casework: cases and their chronology. There is no URL to edit or delete an entry: a correction is a
new entry, and removal of an entry filed on the wrong child is asked for and approved by a manager."""

from django.urls import path

from . import views_cases as views

urlpatterns = [
    path("open/", views.case_open, name="case-open"),
    path("open/child/", views.case_open_child, name="case-open-child"),
    path("removals/", views.removals, name="removals"),
    path("<str:ref>/", views.case_detail, name="case"),
    path("<str:ref>/log/", views.case_log, name="case-log"),
    path("<str:ref>/entries/<int:pk>/correct/", views.entry_correct, name="entry-correct"),
    path("<str:ref>/entries/<int:pk>/remove/", views.entry_remove, name="entry-remove"),
    path("<str:ref>/stage/", views.case_stage, name="case-stage"),
    path("<str:ref>/close/", views.case_close, name="case-close"),
    path("<str:ref>/reopen/", views.case_reopen, name="case-reopen"),
    path("<str:ref>/assign/", views.case_assign, name="case-assign"),
    path("<str:ref>/link-pupil/", views.case_link_pupil, name="case-link-pupil"),
]
