"""The penalty notices API (/api/v1/penalty-notices/...): list and issue notices, read one, record a payment.

Penalty notices are criminal-offence data (UK GDPR Art. 10): reading needs `enforcement.view` and the token scope
`enforcement:read`, and every read is audited; issuing and payments need `enforcement.issue` and
`enforcement:write`. Rows are those of schools in the user's scope (another LA's notice is 404). Bodies carry
UPNs and contact references, not names. A refused notice or payment answers 422 with a machine-readable `reason`
(not_eligible, sessions_already_used, limit_reached_in_3_years, not_a_parent, order_in_force, not_authorised,
notice_to_improve_first; payment_refused) and a sentence in `detail`. Notices are never changed (PUT, PATCH and
DELETE answer 405).
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from attend import audit
from attend.alerts.models import NoticeSessionUse
from attend.api import serializers as api_s
from attend.api.views import ERRORS, WRITE_ERRORS, ApiView
from attend.core import clock
from attend.core.scoping import contact_links_visible, schools_visible_to
from attend.people.models import Enrolment, PupilContact
from attend.registers.models import Mark

from . import notices
from .models import PenaltyNotice
from .notice_events import EventRefused
from .payments import record_payment

UPN = re.compile(r"^[A-Za-z0-9]{13}$")
NUMBER = re.compile(r"^PN-\d{4}-\d{6}$")


# --- shapes -----------------------------------------------------------------------------------------------------


class SessionSerializer(serializers.Serializer):
    date = serializers.DateField()
    session = serializers.CharField()
    code = serializers.CharField()


class AmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    pay_by = serializers.DateField(allow_null=True, help_text="Unknown until the notice is served")


class AmountsSerializer(serializers.Serializer):
    reduced = AmountSerializer(help_text="Within 21 days of receipt (none for a second notice)")
    full = AmountSerializer(help_text="Within 28 days of receipt")


class NoticeSerializer(serializers.Serializer):
    number = serializers.CharField()
    upn = serializers.CharField(source="pupil.upn")
    school_urn = serializers.IntegerField(source="school.urn")
    parent_contact_ref = serializers.CharField(source="parent.contact_ref")
    parent_basis = serializers.CharField()
    case = serializers.CharField(source="case.ref", allow_null=True, default=None)
    reason = serializers.CharField()
    issue_date = serializers.DateField()
    sequence = serializers.IntegerField(help_text="1 or 2: the notice's place in the rolling 3 years")
    issuer_capacity = serializers.CharField()
    code_version = serializers.IntegerField(source="code.version")
    status = serializers.CharField()
    outstanding = serializers.DecimalField(max_digits=7, decimal_places=2)
    received_on = serializers.DateField(allow_null=True)
    amounts = AmountsSerializer()
    sessions = SessionSerializer(many=True, help_text="The sessions relied on")


class NoticeCreate(serializers.Serializer):
    upn = serializers.CharField(max_length=13, help_text="A pupil on roll at a school in your scope")
    parent_contact_ref = serializers.CharField(
        max_length=40, help_text="The contact's reference (the MIS's id)"
    )
    issue_date = serializers.DateField()
    reason = serializers.ChoiceField(choices=PenaltyNotice.Reason.choices, default="other", required=False)

    def validate_upn(self, value: str) -> str:
        if not UPN.match(value):
            raise ValidationError("A UPN is 13 letters and digits.")
        return value.upper()

    def validate_issue_date(self, value):
        if not api_s.EARLIEST <= value <= clock.today():
            raise ValidationError("Must not be in the future.")
        return value


class PaymentCreate(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=7, decimal_places=2, min_value=Decimal("0.01"))
    paid_on = serializers.DateField()
    payment_reference = serializers.CharField(max_length=60)


class PaymentAnswer(serializers.Serializer):
    notice = NoticeSerializer()
    notes = serializers.ListField(child=serializers.CharField(), help_text="Part-, over- or late payment")


class RefusalSerializer(serializers.Serializer):
    reason = serializers.CharField()
    detail = serializers.CharField()
    status = serializers.IntegerField()


# --- helpers ----------------------------------------------------------------------------------------------------


def visible_notices(user):
    return PenaltyNotice.objects.filter(school__in=schools_visible_to(user)).select_related(
        "pupil", "school", "parent", "case", "code"
    )


def body(notice: PenaltyNotice, sessions=None) -> dict:
    """The notice as the API shows it, its status and amounts from its events."""
    if sessions is None:
        sessions = relied_on([notice])[notice.number]
    return {
        "number": notice.number,
        "pupil": notice.pupil,
        "school": notice.school,
        "parent": notice.parent,
        "parent_basis": notice.parent_basis,
        "case": notice.case,
        "reason": notice.reason,
        "issue_date": notice.issue_date,
        "sequence": notice.sequence,
        "issuer_capacity": notice.issuer_capacity,
        "code": notice.code,
        "status": notices.notice_status(notice),
        "outstanding": notices.outstanding(notice),
        "received_on": notices.received_on(notice),
        "amounts": notices.due_dates(notice),
        "sessions": sessions,
    }


def relied_on(notice_list) -> dict[str, list[dict]]:
    """The sessions each notice relies on, with their codes: two queries for the whole list."""
    found: dict[str, list[dict]] = {n.number: [] for n in notice_list}
    uses = list(
        NoticeSessionUse.objects.filter(notice_ref__in=list(found), kind="penalty_notice")
        .order_by("date", "session")
        .values_list("notice_ref", "enrolment_id", "date", "session")
    )
    codes = {}
    if uses:
        wanted = Q(pk__in=[])
        for enrolment_id in {u[1] for u in uses}:
            days = [u[2] for u in uses if u[1] == enrolment_id]
            wanted |= Q(enrolment_id=enrolment_id, date__range=(min(days), max(days)))
        codes = {(e, d, s): c for e, d, s, c in Mark.objects.filter(wanted).values_list(
            "enrolment_id", "date", "session", "code"
        )}  # fmt: skip
    for ref, enrolment_id, day, session in uses:
        found[ref].append(
            {"date": day, "session": session, "code": codes.get((enrolment_id, day, session), "")}
        )
    return found


def refusal(reason: str, detail: str) -> Response:
    return Response({"reason": reason, "detail": detail, "status": 422}, status=422)


def _pupil_in_scope(user, upn: str):
    today = clock.today()
    enrolment = (
        Enrolment.objects.select_related("pupil")
        .filter(pupil__upn=upn, school__in=schools_visible_to(user), admission_date__lte=today)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .first()
    )
    if enrolment is None:
        raise Http404("No pupil on roll with that UPN in your scope.")
    return enrolment.pupil


def _notice(request, number: str) -> PenaltyNotice:
    notice = visible_notices(request.user).filter(number=number).first() if NUMBER.match(number) else None
    if notice is None:
        raise Http404("No penalty notice with that number in your scope.")
    return notice


def _viewed(request, notice_list, what: str) -> None:
    for notice in notice_list[:100]:
        audit.record(
            "enforcement.notice.viewed",
            request=request,
            obj=notice,
            pupil=notice.pupil,
            school=notice.school,
            data={"notice": notice.number, "via": what, "token": request.auth.prefix},
        )


# --- views ------------------------------------------------------------------------------------------------------


@extend_schema(tags=["penalty notices"])
class NoticeList(ApiView):
    """Penalty notices at schools in your scope, newest first (GET); issue one (POST): 201 with the notice, or 422
    with the reason it was refused. Every notice listed is audited as viewed."""

    attend_permission = "enforcement.view"
    token_scope = "enforcement:read"
    write_permission = "enforcement.issue"
    write_token_scope = "enforcement:write"
    serializer_class = NoticeSerializer
    query_parameters = ("page", "page_size", "upn")

    @extend_schema(responses={200: NoticeSerializer(many=True), **ERRORS})
    def get(self, request):
        rows = visible_notices(request.user).prefetch_related("events")
        upn = request.query_params.get("upn")
        if upn:
            rows = rows.filter(pupil__upn=upn.upper())
        page = list(self.paginate_queryset(rows.order_by("-issue_date", "-number")))
        sessions = relied_on(page)
        _viewed(request, page, "list")
        return self.get_paginated_response(
            NoticeSerializer([body(n, sessions[n.number]) for n in page], many=True).data
        )

    @extend_schema(
        request=NoticeCreate, responses={201: NoticeSerializer, 422: RefusalSerializer, **WRITE_ERRORS}
    )
    def post(self, request):
        serializer = NoticeCreate(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        pupil = _pupil_in_scope(request.user, data["upn"])
        link = (
            PupilContact.objects.filter(pupil=pupil, contact__contact_ref=data["parent_contact_ref"])
            .filter(contact_links_visible(request.user))
            .select_related("contact")
            .first()
        )
        if link is None:
            return refusal("not_a_parent", "No contact with that reference is linked to this child.")
        try:
            notice = notices.issue_notice(
                pupil=pupil,
                parent=link.contact,
                issue_date=data["issue_date"],
                by=request.user,
                reason=data["reason"],
                request=request,
            )
        except notices.NoticeRefused as refused:
            return refusal(refused.reason, refused.detail)
        notice = visible_notices(request.user).get(pk=notice.pk)
        return Response(NoticeSerializer(body(notice)).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["penalty notices"], responses={200: NoticeSerializer, **ERRORS})
class NoticeDetail(ApiView):
    """One penalty notice in your scope (audited as viewed)."""

    attend_permission = "enforcement.view"
    token_scope = "enforcement:read"
    serializer_class = NoticeSerializer

    def get(self, request, number: str):
        notice = _notice(request, number)
        _viewed(request, [notice], "detail")
        return Response(NoticeSerializer(body(notice)).data)


@extend_schema(tags=["penalty notices"])
class NoticePayments(ApiView):
    """Record one payment on a notice (201 with the notice and what the payment did), or 422 if refused (a
    reference already recorded, a withdrawn notice, a date before issue or in the future)."""

    attend_permission = "enforcement.issue"
    token_scope = "enforcement:write"
    write_permission = "enforcement.issue"
    write_token_scope = "enforcement:write"
    serializer_class = PaymentCreate
    http_method_names = ["post", "options"]

    @extend_schema(
        request=PaymentCreate, responses={201: PaymentAnswer, 422: RefusalSerializer, **WRITE_ERRORS}
    )
    def post(self, request, number: str):
        notice = _notice(request, number)
        serializer = PaymentCreate(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            _, notes = record_payment(
                notice,
                amount=data["amount"],
                on=data["paid_on"],
                reference=data["payment_reference"],
                by=request.user,
                source=f"api.token:{request.auth.prefix}",
                request=request,
            )
        except EventRefused as refused:
            return refusal("payment_refused", str(refused))
        notice = visible_notices(request.user).get(pk=notice.pk)
        answer = {"notice": body(notice), "notes": notes}
        return Response(PaymentAnswer(answer).data, status=status.HTTP_201_CREATED)
