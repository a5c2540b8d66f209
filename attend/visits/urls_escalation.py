"""/visits/escalations/<id>/: an escalation, and "I am dealing with this"."""

from django.urls import path

from . import views_escalation as views

urlpatterns = [
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation"),
]
