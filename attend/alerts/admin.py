from django.contrib import admin

from .models import Alert, NoticeSessionUse, RuleSetting


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
