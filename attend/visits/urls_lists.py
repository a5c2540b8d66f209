"""/visits/: visit lists, planning, rounds (phone page, printed sheet), risk markers and risk checks."""

from django.urls import path

from . import views_lists, views_risks

urlpatterns = [
    path("", views_lists.visit_lists, name="lists"),
    path("plan/", views_lists.plan, name="plan"),
    path("reactive/add/", views_lists.reactive_add, name="reactive-add"),
    path("rounds/today/add/", views_lists.round_add, name="round-add"),
    path("rounds/<int:pk>/", views_lists.round_detail, name="round"),
    path("rounds/<int:pk>/print/", views_lists.round_print, name="round-print"),
    path("rounds/<int:pk>/move/", views_lists.round_move, name="round-move"),
    path("visits/<int:pk>/risk-check/", views_risks.risk_check, name="risk-check"),
    path("risks/<str:upn>/", views_risks.pupil_risks, name="risks"),
    path("risks/<str:upn>/new/", views_risks.marker_new, name="risk-new"),
    path("risks/markers/<int:pk>/review/", views_risks.marker_review, name="risk-review"),
    path("risks/markers/<int:pk>/end/", views_risks.marker_end, name="risk-end"),
]
