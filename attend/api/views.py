"""The REST API (v1). Each view declares the permission of the one table (accounts/permissions.py) and the token
scope it needs; rows come only through attend.core.scoping, as on the web pages."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from attend import audit
from attend.accounts.permissions import PERMISSIONS, public
from attend.alerts.models import OPEN_STATUSES, Alert
from attend.alerts.worklist import alerts_in_scope
from attend.core import clock
from attend.core.scoping import get_pupil_access, schools_visible_to
from attend.jobs.uploads import UploadRefused, store_upload, upload_refusal
from attend.registers.imports import ImportFailed, import_file
from attend.registers.models import ImportRun
from attend.schools.models import School
from attend.stats.queries import DEFAULT_COHORT
from attend.web import selectors

from . import serializers as s
from . import statistics
from .errors import ImportRefused
from .import_scope import sees_every_import_run
from .models import SCOPES

MAX_ID = 2**31 - 1
UPN = re.compile(r"^[A-Za-z0-9]{13}$")
ERRORS = {code: s.ErrorSerializer for code in (400, 401, 403, 404, 429)}
# A request body may also be refused for its content type (DRF's parsers answer 415).
WRITE_ERRORS = {**ERRORS, 415: s.ErrorSerializer}


class ApiView(GenericAPIView):
    """Base of every API view: declares `attend_permission` (the table) and `token_scope` (the token)."""

    attend_permission = ""
    token_scope = ""
    # For a view that also writes (POST on the same URL): the permission and scope its writes need.
    write_permission = ""
    write_token_scope = ""
    throttle_kind = "read"
    # Query parameters the view reads; any other is refused (400), so a misspelt filter is not silently ignored.
    query_parameters: tuple[str, ...] = ()

    @classmethod
    def as_view(cls, **initkwargs):
        if cls.attend_permission not in PERMISSIONS:
            raise ImproperlyConfigured(
                f"{cls.__name__} declares unknown permission {cls.attend_permission!r}"
            )
        if cls.token_scope not in SCOPES:
            raise ImproperlyConfigured(f"{cls.__name__} declares unknown token scope {cls.token_scope!r}")
        if cls.write_token_scope and (
            cls.write_token_scope not in SCOPES or cls.write_permission not in PERMISSIONS
        ):
            raise ImproperlyConfigured(f"{cls.__name__} declares an unknown write scope or permission")
        view = super().as_view(**initkwargs)
        # PermissionMiddleware and the URL walk read these; the view checks them against the token's user.
        view.attend_permission = cls.attend_permission
        view.attend_api = True
        return view

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # authentication, permission, throttling
        unknown = sorted(set(request.query_params) - set(self.query_parameters))
        if unknown:
            raise ValidationError({name: ["Unknown query parameter."] for name in unknown})

    def query(self, serializer_class):
        # A plain dict, not the QueryDict: DRF reads an empty form value as "not given", but `?from=` is no date.
        serializer = serializer_class(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _in_range(value: int) -> int:
    if not 0 < value <= MAX_ID:
        raise Http404("Not found.")
    return value


def _period(data: dict) -> tuple[dt.date, dt.date]:
    end = data.get("to") or clock.today()
    start = data.get("from") or selectors.year_start(end)
    if start > end:
        raise ValidationError({"from": ["Must not be after 'to' (today when not given)."]})
    return start, end


PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from", OpenApiTypes.DATE, description="First day (default: 1 August of the academic year)"
    ),
    OpenApiParameter("to", OpenApiTypes.DATE, description="Last day (default: today)"),
]


@extend_schema(tags=["statistics"], responses={200: s.SchoolSerializer(many=True), **ERRORS})
class SchoolList(ApiView):
    """Schools in your scope, by URN."""

    attend_permission = "school.dashboard"
    token_scope = "statistics:read"
    serializer_class = s.SchoolSerializer
    query_parameters = ("page", "page_size")

    def get_queryset(self):
        return (
            schools_visible_to(self.request.user).select_related("local_authority", "trust").order_by("urn")
        )

    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(
    tags=["statistics"], parameters=PERIOD_PARAMETERS, responses={200: s.SchoolStatisticsSerializer, **ERRORS}
)
class SchoolStatistics(ApiView):
    """One school's DfE attendance measures over a period (default: this academic year to date)."""

    attend_permission = "school.dashboard"
    token_scope = "statistics:read"
    serializer_class = s.SchoolStatisticsSerializer
    query_parameters = ("from", "to")

    def get(self, request, urn: int):
        try:
            school = schools_visible_to(request.user).get(urn=_in_range(urn))
        except School.DoesNotExist:
            raise Http404("No school with that URN in your scope.") from None
        start, end = _period(self.query(s.PeriodQuery))
        body = {
            "urn": school.urn,
            "name": school.name,
            "cohort": DEFAULT_COHORT,
            "period_from": start,
            "period_to": end,
            "measures": statistics.school_measures(school, start, end),
        }
        return Response(s.SchoolStatisticsSerializer(body).data)


@extend_schema(
    tags=["statistics"], parameters=PERIOD_PARAMETERS, responses={200: s.LaStatisticsSerializer, **ERRORS}
)
class LaStatistics(ApiView):
    """Local authority totals over the schools in your scope (LA staff)."""

    attend_permission = "la.dashboard"
    token_scope = "statistics:read"
    serializer_class = s.LaStatisticsSerializer
    query_parameters = ("from", "to")

    def get(self, request):
        start, end = _period(self.query(s.PeriodQuery))
        schools = list(schools_visible_to(request.user).select_related("local_authority").order_by("pk"))
        body = {
            "cohort": DEFAULT_COHORT,
            "period_from": start,
            "period_to": end,
            "local_authorities": statistics.la_rows(schools, start, end),
        }
        return Response(s.LaStatisticsSerializer(body).data)


@extend_schema(
    tags=["alerts"], parameters=[s.AlertQuery], responses={200: s.AlertSerializer(many=True), **ERRORS}
)
class AlertList(ApiView):
    """Alerts in your scope, highest priority first; open ones unless `status` says otherwise."""

    attend_permission = "pupil.view"
    token_scope = "alerts:read"
    serializer_class = s.AlertSerializer
    query_parameters = ("page", "page_size", "rule", "school", "status")

    def get(self, request):
        filters = self.query(s.AlertQuery)
        alerts = alerts_in_scope(request.user)
        if filters.get("rule"):
            alerts = alerts.filter(rule=filters["rule"])
        if filters.get("school"):
            alerts = alerts.filter(school__urn=filters["school"])
        wanted = filters.get("status", "open")
        if wanted == "open":
            alerts = alerts.filter(status__in=OPEN_STATUSES)
        elif wanted != "all":
            alerts = alerts.filter(status=wanted)
        alerts = alerts.order_by("priority", "-raised_on", "school__urn", "id")
        page = self.paginate_queryset(alerts)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(tags=["alerts"], responses={200: s.AlertSerializer, **ERRORS})
class AlertDetail(ApiView):
    """One alert in your scope."""

    attend_permission = "pupil.view"
    token_scope = "alerts:read"
    serializer_class = s.AlertSerializer

    def get(self, request, pk: int):
        try:
            alert = alerts_in_scope(request.user).get(pk=_in_range(pk))
        except Alert.DoesNotExist:
            raise Http404("No alert with that id in your scope.") from None
        return Response(self.get_serializer(alert).data)


@extend_schema(tags=["pupils"], responses={200: s.PupilAttendanceSerializer, **ERRORS})
class PupilAttendance(ApiView):
    """One pupil's attendance this academic year to date. Each read is recorded in the audit trail."""

    attend_permission = "pupil.view"
    token_scope = "pupils:read"
    serializer_class = s.PupilAttendanceSerializer

    def get(self, request, upn: str):
        if not UPN.match(upn):
            raise Http404("No pupil with that UPN in your scope.")
        today = clock.today()
        # A school the pupil has left gets its own period only (the figures of its last enrolment).
        access = get_pupil_access(request.user, upn.upper(), today=today)
        pupil = access.pupil
        audit.record(
            "people.pupil.viewed",
            request=request,
            obj=pupil,
            data={"page": "attendance (API)", "token": request.auth.prefix},
        )
        enrolment = selectors.visible_enrolment(access, today)
        body = {
            "upn": pupil.upn,
            "school_urn": None,
            "period_from": selectors.year_start(today),
            "period_to": today,
        }
        if enrolment is None:
            body.update(possible=0, attended=0, absent=0, authorised=0, unauthorised=0)
            body.update(attendance_perc=None, absence_perc=None, reasons=[])
        else:
            year = selectors.pupil_year(enrolment, today)
            body.update(
                year, school_urn=enrolment.school.urn, period_from=year["start"], period_to=year["end"]
            )
        absence = body["absence_perc"]
        body.update(
            possible_sessions=body["possible"],
            authorised_absence=body["authorised"],
            unauthorised_absence=body["unauthorised"],
            # DfE: persistently absent at 10% or more of possible sessions missed, severely at 50% or more.
            persistent_absence=absence is not None and absence >= 10,
            severe_absence=absence is not None and absence >= 50,
        )
        return Response(s.PupilAttendanceSerializer(body).data)


def _store(upload, folder: Path, kind: str) -> Path:
    """The uploaded file, decompressed and within the upload limits, under its own (safe) name: problems cite it."""
    try:
        return store_upload(upload, folder, default_name=f"{kind}.{'xml' if kind == 'ctf' else 'csv'}")
    except UploadRefused as refused:
        raise ImportRefused(str(refused), [], 0, status_code=413 if refused.too_large else 400) from None


@extend_schema(
    tags=["imports"],
    request=s.ImportRequest,
    responses={201: s.ImportResultSerializer, 413: s.ErrorSerializer, **WRITE_ERRORS},
)
class ImportCreate(ApiView):
    """Import one file (multipart: `kind`, `file`, and for marks optionally `profile`, the name of an import
    profile that reads an MIS report; 400 for a profile unknown to you). All or nothing: 400 lists every problem as
    `file:line: field: reason` and nothing is written. The file may only name schools and pupils in your scope.
    It may be compressed once (.gz, .bz2, .lz4, .zst); 413 if it is larger than the upload limit as sent or once
    decompressed (docs/api.md)."""

    attend_permission = "import.run"
    token_scope = "imports:write"
    throttle_kind = "import"
    parser_classes = [MultiPartParser]
    serializer_class = s.ImportRequest

    def post(self, request):
        data = request.data  # parsed here; UploadLimitHandler stops reading a file over the limit
        if refusal := upload_refusal(request):
            raise ImportRefused(refusal, [], 0, status_code=413)
        serializer = s.ImportRequest(data=data)
        serializer.is_valid(raise_exception=True)
        kind, upload = serializer.validated_data["kind"], serializer.validated_data["file"]
        profile = serializer.validated_data.get("profile") or None
        with tempfile.TemporaryDirectory(prefix="attend-api-") as tmp:
            path = _store(upload, Path(tmp), kind)
            try:  # every row is checked against the caller's scope by the importer that reads it
                result = import_file(kind, path, user=request.user, source="api", profile=profile)
            except ImportFailed as failed:
                if failed.out_of_scope:
                    raise ImportRefused(
                        f"{failed.out_of_scope} row(s) name schools or pupils outside your scope; "
                        "nothing was imported.",
                        failed.messages[:100],
                        failed.total,
                        status_code=403,
                    ) from None
                raise ImportRefused(str(failed), failed.messages, failed.total) from None
        body = {
            "import_run": result.import_run_id,
            "kind": result.kind,
            "file_name": result.file_name,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "seconds": result.seconds,
            "summary": result.summary(),
        }
        return Response(s.ImportResultSerializer(body).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["imports"], responses={200: s.ImportRunSerializer, **ERRORS})
class ImportRunDetail(ApiView):
    """An import run: your own (system administrators see every run)."""

    attend_permission = "import.run"
    token_scope = "imports:write"
    serializer_class = s.ImportRunSerializer

    def get(self, request, pk: int):
        runs = ImportRun.objects.select_related("imported_by")
        if not sees_every_import_run(request.user):
            runs = runs.filter(imported_by=request.user)
        try:
            run = runs.get(pk=_in_range(pk))
        except ImportRun.DoesNotExist:
            raise Http404("No import run with that id of yours.") from None
        return Response(self.get_serializer(run).data)


@public
def not_found(request: HttpRequest, rest: str) -> JsonResponse:
    """Unknown URLs under /api/ (and path values the URL patterns refuse, such as a non-numeric id)."""
    return JsonResponse({"detail": "No such API endpoint.", "status": 404}, status=404)
