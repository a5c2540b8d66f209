from django.contrib import admin

from .models import AcademicYear, LocalAuthority, NonSchoolDay, School, Term, Trust


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region_name"]
    search_fields = ["code", "name"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "group_uid"]
    search_fields = ["name"]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ["urn", "name", "phase", "local_authority", "trust", "independent"]
    list_filter = ["phase", "independent", "local_authority"]
    search_fields = ["urn", "laestab", "name"]


@admin.register(AcademicYear)
class AcademicYearAdmin(admin.ModelAdmin):
    list_display = ["start_year", "label"]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["school", "academic_year", "name", "start_date", "end_date"]
    list_filter = ["academic_year"]
    search_fields = ["school__name", "school__urn"]


@admin.register(NonSchoolDay)
class NonSchoolDayAdmin(admin.ModelAdmin):
    list_display = ["school", "date", "session", "kind", "reason"]
    list_filter = ["kind"]
    search_fields = ["school__name", "school__urn"]
