from django.contrib import admin

from .models import PartTimeTimetable, PupilCircumstance


@admin.register(PartTimeTimetable)
class PartTimeTimetableAdmin(admin.ModelAdmin):
    list_display = [
        "pupil",
        "school",
        "start",
        "end",
        "review_date",
        "sessions_per_week",
        "agreed_with_parent",
    ]
    list_filter = ["agreed_with_parent"]
    search_fields = ["pupil__upn", "pupil__legal_surname", "school__name"]
    raw_id_fields = ["pupil", "school", "recorded_by"]
    date_hierarchy = "start"

    def save_model(self, request, obj, form, change):
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(PupilCircumstance)
class PupilCircumstanceAdmin(admin.ModelAdmin):
    list_display = ["pupil", "kind", "summary", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["pupil__upn", "pupil__legal_surname"]
    raw_id_fields = ["pupil", "recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
