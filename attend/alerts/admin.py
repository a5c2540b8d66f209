from django.contrib import admin

from .models import Alert, NoticeSessionUse, OfficerAssignment, RuleSetting


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["rule", "pupil", "school", "raised_on", "status", "measure", "review_context_first"]
    list_filter = ["rule", "status", "review_context_first"]
    search_fields = ["pupil__upn", "pupil__legal_surname", "school__name"]
    raw_id_fields = ["pupil", "enrolment", "school", "status_changed_by"]
    date_hierarchy = "raised_on"


@admin.register(RuleSetting)
class RuleSettingAdmin(admin.ModelAdmin):
    list_display = ["rule", "name", "value", "local_authority", "school"]
    list_filter = ["rule"]


@admin.register(NoticeSessionUse)
class NoticeSessionUseAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "date", "session", "kind", "notice_ref"]
    raw_id_fields = ["enrolment"]


@admin.register(OfficerAssignment)
class OfficerAssignmentAdmin(admin.ModelAdmin):
    """Who each school's named LA officer and school attendance officer is: the work lists route by this."""

    list_display = ["school", "side", "officer"]
    list_filter = ["side"]
    search_fields = ["school__name", "school__urn", "officer__username", "officer__last_name"]
    raw_id_fields = ["school", "officer"]
