"""/cme/ pages for the roll area: deletions from the roll (deletion returns to the LA)."""

from django.urls import path

from . import views_roll

urlpatterns: list = [
    path("deletions/", views_roll.deletion_list, name="deletions"),
    path("deletions/new/<str:upn>/", views_roll.deletion_new, name="deletion-new"),
    path("deletions/<int:pk>/", views_roll.deletion_detail, name="deletion"),
]
