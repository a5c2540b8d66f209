from django.contrib import admin

from .models import AttendanceCode, ImportRun, Mark, MarkChange


@admin.register(AttendanceCode)
class AttendanceCodeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "meaning",
        "statistical_category",
        "is_possible_session",
        "counts_as_attendance",
        "is_legacy",
    ]
    list_filter = ["statistical_category", "is_legacy"]


@admin.register(Mark)
class MarkAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "date", "session", "code"]
    search_fields = ["enrolment__pupil__upn"]
    raw_id_fields = ["enrolment"]
    show_full_result_count = False  # counting 20 million rows on every page load is too slow


@admin.register(MarkChange)
class MarkChangeAdmin(admin.ModelAdmin):
    list_display = ["enrolment", "date", "session", "old_code", "new_code", "changed_at", "changed_by"]
    raw_id_fields = ["enrolment"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "file_name", "started_at", "rows", "created", "updated", "unchanged"]
    list_filter = ["kind"]
