"""The cases API (/api/v1/cases/...): open a case for a pupil on roll, read cases and their chronology, add entries.

Like the rest of the API, bodies carry UPNs and URNs, not names (data minimisation); a case about a child with no
pupil record has `upn: null`. Row scope is `attend.casework.access`: another school's or LA's case is 404, writing
needs `access.may_write`. Entries are never changed or deleted (PUT, PATCH and DELETE answer 405); a correction is
a new entry whose `corrects` names the entry it corrects. Restricted (safeguarding) entries are listed only to
holders of `cases.safeguarding`; others see `restricted_entries_hidden`, the number left out.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db.models import Q
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from attend import audit
from attend.api import serializers as api_s
from attend.api.views import ERRORS, WRITE_ERRORS, ApiView
from attend.core import clock
from attend.core.scoping import schools_visible_to
from attend.people.models import Enrolment

from . import access
from .cases import open_case
from .chronology import EntryRefused, record_entry
from .models import CallOutcome, Case, ChronologyEntry, EntryKind, Stage, Support

EARLIEST_ENTRY = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
UPN = re.compile(r"^[A-Za-z0-9]{13}$")
REF = re.compile(r"^CW-\d{6}$")
# Kinds recorded by their own actions (changing the stage or status, adding a document), not posted directly:
# a "stage change" entry that changed no stage would mislead.
SYSTEM_KINDS = frozenset({EntryKind.STAGE_CHANGE, EntryKind.STATUS_CHANGE, EntryKind.ATTACHMENT})
POSTABLE_KINDS = [(k.value, k.label) for k in EntryKind if k not in SYSTEM_KINDS]


class SupportField(serializers.ChoiceField):
    """One Support value (the schema's SupportEnum: settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"])."""

    def __init__(self, **kwargs):
        super().__init__(choices=Support.choices, **kwargs)


class Refused(APIException):
    """record_entry refused the entry: 400 with its reason as the detail."""

    status_code = 400


# --- shapes -----------------------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    upn = serializers.CharField(source="pupil.upn", allow_null=True, default=None)
    school_urn = serializers.IntegerField(source="school.urn", allow_null=True, default=None)
    la_code = serializers.CharField(source="local_authority.code", allow_null=True, default=None)
    pathway_step = serializers.CharField(source="pathway_step.name", allow_null=True, default=None)
    la_officer = serializers.CharField(source="la_officer.username", allow_null=True, default=None)
    school_lead = serializers.CharField(source="school_lead.username", allow_null=True, default=None)

    class Meta:
        model = Case
        fields = [
            "ref", "upn", "school_urn", "la_code", "stage", "pathway_step", "status", "close_reason",
            "opened_at", "closed_at", "la_officer", "school_lead",
        ]  # fmt: skip


class EntrySerializer(serializers.ModelSerializer):
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username", allow_null=True, default=None)
    support_offered = serializers.ListField(child=SupportField())
    support_declined = serializers.ListField(child=SupportField())

    class Meta:
        model = ChronologyEntry
        fields = [
            "id", "kind", "occurred_at", "recorded_at", "recorded_by", "summary", "participants", "outcome",
            "child_seen", "child_heard", "child_words", "parent_words", "next_step", "next_step_due",
            "interpreter_needed", "interpreter_used", "support_offered", "support_declined", "restricted",
            "corrects", "source",
        ]  # fmt: skip


class CaseOpen(serializers.Serializer):
    upn = serializers.CharField(max_length=13, help_text="A pupil on roll at a school in your scope")
    stage = serializers.ChoiceField(choices=Stage.choices, default=Stage.LISTEN, required=False)
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def validate_upn(self, value: str) -> str:
        if not UPN.match(value):
            raise ValidationError("A UPN is 13 letters and digits.")
        return value.upper()


class EntryCreate(serializers.Serializer):
    kind = serializers.ChoiceField(choices=POSTABLE_KINDS)
    occurred_at = serializers.DateTimeField(help_text="When it happened (not in the future)")
    summary = serializers.CharField(max_length=5000)
    corrects = serializers.IntegerField(
        required=False, min_value=1, max_value=2**31 - 1, help_text="The id of the entry this one corrects"
    )
    participants = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    outcome = serializers.CharField(
        max_length=40, required=False, allow_blank=True, help_text="For a phone_call: a call outcome value"
    )
    child_seen = serializers.BooleanField(required=False, allow_null=True)
    child_heard = serializers.BooleanField(required=False, allow_null=True)
    child_words = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    parent_words = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    next_step = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    next_step_due = serializers.DateField(required=False, allow_null=True)
    interpreter_needed = serializers.BooleanField(required=False, allow_null=True)
    interpreter_used = serializers.BooleanField(required=False, allow_null=True)
    support_offered = serializers.ListField(child=SupportField(), required=False, max_length=20)
    support_declined = serializers.ListField(child=SupportField(), required=False, max_length=20)
    restricted = serializers.BooleanField(required=False, default=False, help_text="Safeguarding roles only")

    def validate_occurred_at(self, value: dt.datetime) -> dt.datetime:
        if value < EARLIEST_ENTRY:
            raise ValidationError("Must be in 2000 or later.")
        return value

    def validate_next_step_due(self, value: dt.date | None) -> dt.date | None:
        if value is not None and not api_s.EARLIEST <= value <= api_s.LATEST:
            raise ValidationError(f"Must be between {api_s.EARLIEST} and {api_s.LATEST}.")
        return value

    def validate(self, data):
        if data["kind"] == EntryKind.PHONE_CALL and data.get("outcome"):
            if data["outcome"] not in CallOutcome.values:
                raise ValidationError({"outcome": [f"One of: {', '.join(CallOutcome.values)}."]})
        if not data["summary"].strip():
            raise ValidationError({"summary": ["Enter what happened."]})
        return data


class EntryListSerializer(serializers.Serializer):
    case = serializers.CharField()
    restricted_entries_hidden = serializers.IntegerField()
    entries = EntrySerializer(many=True)


# --- views ------------------------------------------------------------------------------------------------------


def _case(request, ref: str, *, write: bool = False) -> Case:
    if not REF.match(ref):
        raise Http404("No case with that reference in your scope.")
    return access.get_case_for_user(request.user, ref, write=write)


def _pupil_on_roll(user, upn: str) -> Enrolment:
    """The pupil's current enrolment at a school in the user's scope; 404 otherwise (never saying why)."""
    today = clock.today()
    enrolment = (
        Enrolment.objects.select_related("pupil", "school__local_authority")
        .filter(pupil__upn=upn, school__in=schools_visible_to(user), admission_date__lte=today)
        .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
        .order_by("-admission_date")
        .first()
    )
    if enrolment is None:
        raise Http404("No pupil on roll with that UPN in your scope.")
    return enrolment


class ApiConflict(PermissionDenied):
    status_code = 409


class CaseQuery(serializers.Serializer):
    status = serializers.ChoiceField(choices=Case.Status.choices, required=False)
    school = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="URN")


CASE_FIELDS = ("pupil", "school", "local_authority", "pathway_step", "la_officer", "school_lead")


@extend_schema(tags=["cases"])
class CaseList(ApiView):
    """Cases in your scope, newest first (GET); open a case for a pupil on roll (POST). A pupil who already has an
    open case gets that case back with 200; a new case answers 201."""

    attend_permission = "cases.view"
    token_scope = "cases:read"
    write_permission = "cases.write"
    write_token_scope = "cases:write"
    serializer_class = CaseSerializer
    query_parameters = ("page", "page_size", "status", "school")

    @extend_schema(parameters=[CaseQuery], responses={200: CaseSerializer(many=True), **ERRORS})
    def get(self, request):
        filters = self.query(CaseQuery)
        cases = access.cases_visible_to(request.user).select_related(*CASE_FIELDS)
        if filters.get("status"):
            cases = cases.filter(status=filters["status"])
        if filters.get("school"):
            cases = cases.filter(school__urn=filters["school"])
        page = self.paginate_queryset(cases.order_by("-opened_at", "-id"))
        return self.get_paginated_response(CaseSerializer(page, many=True).data)

    @extend_schema(
        request=CaseOpen,
        responses={200: CaseSerializer, 201: CaseSerializer, 409: api_s.ErrorSerializer, **WRITE_ERRORS},
    )
    def post(self, request):
        serializer = CaseOpen(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        enrolment = _pupil_on_roll(request.user, data["upn"])
        case, created = open_case(
            by=request.user,
            pupil=enrolment.pupil,
            school=enrolment.school,
            stage=data["stage"],
            reason=data["reason"],
            request=request,
        )
        if not access.cases_visible_to(request.user).filter(pk=case.pk).exists():
            raise ApiConflict("This pupil already has an open case held by another school or LA.")
        case = Case.objects.select_related(*CASE_FIELDS).get(pk=case.pk)
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(CaseSerializer(case).data, status=code)


@extend_schema(tags=["cases"], responses={200: CaseSerializer, **ERRORS})
class CaseDetail(ApiView):
    """One case in your scope."""

    attend_permission = "cases.view"
    token_scope = "cases:read"
    serializer_class = CaseSerializer

    def get(self, request, ref: str):
        case = _case(request, ref)
        case = Case.objects.select_related(*CASE_FIELDS).get(pk=case.pk)
        return Response(CaseSerializer(case).data)


@extend_schema(tags=["cases"])
class CaseChronology(ApiView):
    """A case's chronology, oldest first, every entry (corrected ones included: a correction names the entry it
    corrects in `corrects`). POST adds one entry; entries are never changed or deleted."""

    attend_permission = "cases.view"
    token_scope = "cases:read"
    write_permission = "cases.write"
    write_token_scope = "cases:write"
    serializer_class = EntrySerializer

    @extend_schema(responses={200: EntryListSerializer, **ERRORS})
    def get(self, request, ref: str):
        case = _case(request, ref)
        entries = case.entries.select_related("recorded_by").order_by("occurred_at", "id")
        sees = access.sees_restricted(request.user, case)
        hidden = 0 if sees else entries.filter(restricted=True).count()
        if not sees:
            entries = entries.filter(restricted=False)
        entries = list(entries)
        audit.record(
            "casework.chronology.viewed",
            request=request,
            obj=case,
            pupil=case.pupil,
            school=case.school,
            data={
                "case": case.ref,
                "entries": len(entries),
                "restricted": sum(e.restricted for e in entries),
                "token": request.auth.prefix,
            },
        )
        body = {"case": case.ref, "restricted_entries_hidden": hidden, "entries": entries}
        return Response(EntryListSerializer(body).data)

    @extend_schema(request=EntryCreate, responses={201: EntrySerializer, **WRITE_ERRORS})
    def post(self, request, ref: str):
        case = _case(request, ref, write=True)
        serializer = EntryCreate(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        sees = access.sees_restricted(request.user, case)
        if fields.get("restricted") and not sees:
            raise PermissionDenied("Only safeguarding roles may record a restricted entry.")
        corrects = None
        if "corrects" in fields:
            visible = case.entries.all() if sees else case.entries.filter(restricted=False)
            corrects = visible.filter(pk=fields.pop("corrects")).first()
            if corrects is None:
                raise ValidationError({"corrects": ["No entry with that id on this case."]})
        kind, occurred_at, summary = fields.pop("kind"), fields.pop("occurred_at"), fields.pop("summary")
        try:
            entry = record_entry(
                case,
                kind=kind,
                summary=summary,
                by=request.user,
                occurred_at=occurred_at,
                corrects=corrects,
                request=request,
                source="api",
                source_ref=f"api.token:{request.auth.prefix}",
                **fields,
            )
        except EntryRefused as refused:
            raise Refused(str(refused)) from None
        entry = ChronologyEntry.objects.select_related("recorded_by").get(pk=entry.pk)
        return Response(EntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CaseEntry(ApiView):
    """One chronology entry (restricted entries only for safeguarding roles). It cannot be changed or deleted."""

    attend_permission = "cases.view"
    token_scope = "cases:read"
    serializer_class = EntrySerializer

    @extend_schema(
        tags=["cases"],
        operation_id="cases_chronology_entry_retrieve",
        responses={200: EntrySerializer, **ERRORS},
    )
    def get(self, request, ref: str, pk: int):
        case = _case(request, ref)
        entries = case.entries.select_related("recorded_by")
        if not access.sees_restricted(request.user, case):
            entries = entries.filter(restricted=False)
        entry = entries.filter(pk=pk if 0 < pk <= 2**31 - 1 else 0).first()
        if entry is None:
            raise Http404("No entry with that id on this case.")
        audit.record(
            "casework.chronology.viewed",
            request=request,
            obj=case,
            pupil=case.pupil,
            school=case.school,
            data={
                "case": case.ref,
                "entries": 1,
                "restricted": int(entry.restricted),
                "token": request.auth.prefix,
            },
        )
        return Response(EntrySerializer(entry).data)
