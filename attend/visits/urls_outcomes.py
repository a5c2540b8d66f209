"""/visits/visit/<id>/...: a visit's outcome, its visit card, the safety report and the proposed risk marker."""

from django.urls import path

from . import views_outcomes as views

urlpatterns = [
    path("visit/<int:pk>/outcome/", views.visit_outcome, name="visit-outcome"),
    path("visit/<int:pk>/card.pdf", views.visit_card, name="visit-card"),
    path("visit/<int:pk>/safety-report.pdf", views.safety_report_pdf, name="visit-safety-report"),
    path(
        "visit/<int:pk>/safety-report/resend/", views.safety_report_resend, name="visit-safety-report-resend"
    ),
    path("visit/<int:pk>/risk-marker/", views.visit_risk_marker, name="visit-risk-marker"),
]
