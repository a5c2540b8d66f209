"""Request and response shapes. Responses carry UPNs and URNs, never pupil names (data minimisation)."""

from __future__ import annotations

import datetime as dt

from rest_framework import serializers

from attend.alerts.models import Alert
from attend.alerts.rules import RULE_IDS
from attend.registers.imports import KINDS
from attend.registers.models import ImportRun
from attend.schools.models import School

EARLIEST = dt.date(2000, 8, 1)
LATEST = dt.date(2099, 12, 31)


# --- requests ---------------------------------------------------------------------------------------------------


class PeriodQuery(serializers.Serializer):
    """`from` and `to` (ISO dates). `to` defaults to today, `from` to 1 August of `to`'s academic year."""

    def get_fields(self):
        return {"from": serializers.DateField(required=False), "to": serializers.DateField(required=False)}

    def validate(self, data):
        for name, value in data.items():
            if not EARLIEST <= value <= LATEST:
                raise serializers.ValidationError({name: f"must be between {EARLIEST} and {LATEST}"})
        if "from" in data and "to" in data and data["from"] > data["to"]:
            raise serializers.ValidationError({"from": "must not be after 'to'"})
        return data


ALERT_STATUSES = ["open", "all", *Alert.Status.values]


class AlertQuery(serializers.Serializer):
    rule = serializers.ChoiceField(choices=RULE_IDS, required=False)
    school = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1, help_text="URN")
    status = serializers.ChoiceField(
        choices=ALERT_STATUSES, required=False, default="open", help_text="open (default), all, or one status"
    )


class ImportRequest(serializers.Serializer):
    kind = serializers.ChoiceField(choices=KINDS)
    file = serializers.FileField(allow_empty_file=True, max_length=200)
    profile = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=100,
        help_text="marks only: the name of an import profile to read an MIS report through (docs/import-profiles.md)",
    )

    def validate(self, attrs):
        if attrs.get("profile") and attrs["kind"] != "marks":
            raise serializers.ValidationError({"profile": ["An import profile reads marks files only."]})
        return attrs


# --- responses --------------------------------------------------------------------------------------------------


class SchoolSerializer(serializers.ModelSerializer):
    la_code = serializers.CharField(source="local_authority.code")
    la_name = serializers.CharField(source="local_authority.name")
    trust_name = serializers.CharField(source="trust.name", allow_null=True, default=None)

    class Meta:
        model = School
        fields = ["urn", "laestab", "name", "phase", "la_code", "la_name", "trust_name"]


class MeasuresSerializer(serializers.Serializer):
    """DfE definitions (docs/statistics.md): rates are sessions over possible sessions x 100; persistent
    absence is 10% or more of possible sessions missed, severe absence 50% or more, as shares of enrolments."""

    enrolments = serializers.IntegerField()
    pupils = serializers.IntegerField()
    possible_sessions = serializers.IntegerField()
    overall_attendance = serializers.IntegerField()
    overall_absence = serializers.IntegerField()
    authorised_absence = serializers.IntegerField()
    unauthorised_absence = serializers.IntegerField()
    attendance_perc = serializers.FloatField(allow_null=True)
    overall_absence_perc = serializers.FloatField(allow_null=True)
    authorised_absence_perc = serializers.FloatField(allow_null=True)
    unauthorised_absence_perc = serializers.FloatField(allow_null=True)
    persistent_absence_enrolments = serializers.IntegerField()
    pa_perc = serializers.FloatField(allow_null=True)
    severe_absence_enrolments = serializers.IntegerField()
    sa_perc = serializers.FloatField(allow_null=True)


class SchoolStatisticsSerializer(serializers.Serializer):
    urn = serializers.IntegerField()
    name = serializers.CharField()
    cohort = serializers.CharField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    measures = MeasuresSerializer()


class LaRowSerializer(serializers.Serializer):
    la_code = serializers.CharField()
    la_name = serializers.CharField()
    schools = serializers.IntegerField()
    measures = MeasuresSerializer()


class LaStatisticsSerializer(serializers.Serializer):
    cohort = serializers.CharField()
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    local_authorities = LaRowSerializer(many=True)


class AlertSerializer(serializers.ModelSerializer):
    school_urn = serializers.IntegerField(source="school.urn")
    upn = serializers.CharField(source="pupil.upn", allow_null=True, default=None)
    evidence = serializers.JSONField(help_text="[[date, session, code], ...]")
    flags = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule",
            "key",
            "status",
            "school_urn",
            "upn",
            "raised_on",
            "last_evaluated_on",
            "reason",
            "evidence",
            "measure",
            "peak_measure",
            "priority",
            "flags",
            "review_context_first",
            "status_changed_at",
            "cleared_on",
        ]


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    meaning = serializers.CharField()
    category = serializers.CharField()
    sessions = serializers.IntegerField()


class PupilAttendanceSerializer(serializers.Serializer):
    upn = serializers.CharField()
    school_urn = serializers.IntegerField(allow_null=True)
    period_from = serializers.DateField()
    period_to = serializers.DateField()
    possible_sessions = serializers.IntegerField()
    attended = serializers.IntegerField()
    absent = serializers.IntegerField()
    authorised_absence = serializers.IntegerField()
    unauthorised_absence = serializers.IntegerField()
    attendance_perc = serializers.FloatField(allow_null=True)
    absence_perc = serializers.FloatField(allow_null=True)
    persistent_absence = serializers.BooleanField()
    severe_absence = serializers.BooleanField()
    reasons = ReasonSerializer(many=True)


class ImportResultSerializer(serializers.Serializer):
    import_run = serializers.IntegerField(allow_null=True)
    kind = serializers.CharField()
    file_name = serializers.CharField()
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    seconds = serializers.FloatField()
    summary = serializers.CharField()


class ImportRunSerializer(serializers.ModelSerializer):
    imported_by = serializers.CharField(source="imported_by.username", allow_null=True, default=None)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "kind",
            "file_name",
            "sha256",
            "started_at",
            "finished_at",
            "imported_by",
            "rows",
            "created",
            "updated",
            "unchanged",
        ]


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    status = serializers.IntegerField()
    errors = serializers.DictField(required=False)
    problems = serializers.ListField(child=serializers.CharField(), required=False)
    total_problems = serializers.IntegerField(required=False)
