"""/enforcement/register/...: the enforcement register and the PRM return (area "court")."""

from django.urls import path

from . import views_register

urlpatterns = [
    path("register/", views_register.register_page, name="register"),
    path("register/notices.csv", views_register.register_csv, name="register-csv"),
    path("register/prm.csv", views_register.prm_csv, name="register-prm-csv"),
]
