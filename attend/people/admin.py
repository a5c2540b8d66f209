from django.contrib import admin

from .models import Contact, Enrolment, Pupil, PupilContact


class PupilContactInline(admin.TabularInline):
    model = PupilContact
    extra = 0
    raw_id_fields = ["contact"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0


@admin.register(Pupil)
class PupilAdmin(admin.ModelAdmin):
    list_display = ["upn", "legal_surname", "legal_forename", "date_of_birth", "sex"]
    list_filter = ["sex", "sen_status", "fsm", "looked_after", "child_in_need", "child_protection_plan"]
    search_fields = ["upn", "legal_surname", "legal_forename", "preferred_forename"]
    inlines = [EnrolmentInline, PupilContactInline]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["contact_ref", "surname", "forename", "phone_mobile", "email"]
    search_fields = ["contact_ref", "surname", "forename", "postcode"]


@admin.register(PupilContact)
class PupilContactAdmin(admin.ModelAdmin):
    list_display = [
        "pupil",
        "contact",
        "relationship",
        "priority",
        "parental_responsibility",
        "lives_with_pupil",
    ]
    raw_id_fields = ["pupil", "contact"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    list_display = ["pupil", "school", "admission_date", "leaving_date", "nc_year", "registration"]
    list_filter = ["registration", "school__phase"]
    search_fields = ["pupil__upn", "pupil__legal_surname", "school__name"]
    raw_id_fields = ["pupil"]
