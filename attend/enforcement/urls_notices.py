"""/enforcement/...: penalty notices (views_notices)."""

from django.urls import path

from . import views_notices as v

urlpatterns: list = [
    path("pupils/<str:upn>/notices/", v.pupil_notices, name="pupil-notices"),
    path("pupils/<str:upn>/notices/new/", v.notice_new, name="notice-new"),
    path("notices/payments/upload/", v.payments_upload, name="notice-payments-upload"),
    path("notices/<str:number>/", v.notice_detail, name="notice"),
    path("notices/<str:number>/notice.pdf", v.notice_document, name="notice-document"),
    path("notices/<str:number>/serve/", v.notice_serve, name="notice-serve"),
    path("notices/<str:number>/payments/", v.notice_payment, name="notice-payment"),
    path("notices/<str:number>/decide/", v.notice_decide, name="notice-decide"),
]
