"""/cme/ pages for the s19 area: decisions due and recorded, the decision page, and the termly returns."""

from django.urls import path

from . import views_s19

urlpatterns: list = [
    path("s19/", views_s19.s19_list, name="s19-list"),
    path("s19/<str:upn>/decide/", views_s19.s19_decide, name="s19-decide"),
    path("returns/", views_s19.returns, name="returns"),
]
