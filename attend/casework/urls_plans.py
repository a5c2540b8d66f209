"""Pages of casework: the assessment and support plans (views_plans)."""

from django.urls import path

from . import views_plans as v

urlpatterns: list = [
    path("<str:ref>/assessment/", v.assessment, name="assessment"),
    path("<str:ref>/plans/new/", v.plan_new, name="plan-new"),
    path("<str:ref>/plans/<int:plan_id>/", v.plan_detail, name="plan"),
    path("<str:ref>/plans/<int:plan_id>/actions/new/", v.action_edit, name="plan-action-new"),
    path("<str:ref>/plans/<int:plan_id>/actions/<int:action_id>/", v.action_edit, name="plan-action"),
    path("<str:ref>/plans/<int:plan_id>/review/", v.plan_review, name="plan-review"),
    path("<str:ref>/plans/<int:plan_id>/send/", v.plan_send_view, name="plan-send"),
]
