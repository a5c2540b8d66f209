"""/cme/...: children missing education, deletions from the roll, home education, s19 provision. One URL module
per area."""

from django.urls import include, path

from . import views_index

app_name = "cme"

urlpatterns: list = [
    path("", views_index.index, name="index"),
    path("", include("attend.cme.urls_enquiries")),  # CME enquiries, reasonable enquiries, LA referrals
    path("", include("attend.cme.urls_roll")),  # deletions from the roll, deletion returns, off-rolling
    path("", include("attend.cme.urls_ehe")),  # elective home education
    path("", include("attend.cme.urls_s19")),  # s19 provision decisions (health, exclusion), termly returns
]
