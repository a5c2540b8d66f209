"""/partnership/network/<upn>/... and /partnership/my-pupils/ (attend/partnership/views_network.py)."""

from django.urls import path

from . import views_network as views

urlpatterns = [
    path("network/<str:upn>/", views.network, name="network"),
    path("network/<str:upn>/<str:role>/", views.member_edit, name="network-member"),
    path("network/<str:upn>/<str:role>/remove/", views.member_remove, name="network-member-remove"),
    path("my-pupils/", views.my_pupils, name="my-pupils"),
]
