from django.urls import path

from . import views_arrivals

app_name = "registers"

urlpatterns = [
    path("received/", views_arrivals.arrivals_page, name="arrivals"),
]
