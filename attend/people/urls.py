from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("", views.transfer_list, name="transfers"),
    path("<int:pk>/", views.transfer_decide, name="transfer-decide"),
]
