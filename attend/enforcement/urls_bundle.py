from django.urls import path

from . import views_bundle

urlpatterns = [
    path("prosecutions/<int:pk>/bundle.pdf", views_bundle.bundle_pdf, name="bundle"),
]
