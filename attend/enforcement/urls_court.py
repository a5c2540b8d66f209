"""/enforcement/register/... (the enforcement register and the PRM return) and /enforcement/cases/<ref>/...
(supervision orders and prosecutions on a case): area "court"."""

from django.urls import path

from . import views_court, views_court_steps, views_register

urlpatterns = [
    path("register/", views_register.register_page, name="register"),
    path("register/notices.csv", views_register.register_csv, name="register-csv"),
    path("register/prm.csv", views_register.prm_csv, name="register-prm-csv"),
    path("cases/<str:ref>/supervision-order/consider/", views_court.consider, name="court-consider"),
    path("cases/<str:ref>/prosecutions/new/", views_court.prosecution_new, name="court-prosecution-new"),
    path("cases/<str:ref>/prosecutions/<int:pk>/", views_court.prosecution_detail, name="court-prosecution"),
    path(
        "cases/<str:ref>/prosecutions/<int:pk>/step/",
        views_court_steps.prosecution_step,
        name="court-prosecution-step",
    ),
    path(
        "cases/<str:ref>/supervision-orders/<int:pk>/step/",
        views_court_steps.order_step,
        name="court-order-step",
    ),
]
