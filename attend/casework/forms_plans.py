"""Forms for the assessment, support plans, their actions and reviews: validation with GOV.UK error messages."""

from __future__ import annotations

import datetime as dt

from django import forms

from .assessment import QUESTIONS, SupportInPlace
from .models import Barrier, PlanAction
from .plan_letters import ROUTES

DATE_HINT = "For example, 2025-11-19"


def date_field(label: str, *, required: bool = True, missing: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=DATE_HINT,
        error_messages={
            "required": missing or f"Enter the {label.lower()}",
            "invalid": f"Enter the {label.lower()} as a real date, like 2025-11-19",
        },
    )


class Form(forms.Form):
    """Dates shown as typed (2025-11-19), not in the locale's words, so they post back as they were."""

    def get_initial_for_field(self, field, field_name):
        value = super().get_initial_for_field(field, field_name)
        return value.isoformat() if isinstance(value, dt.date) else value


class AssessmentForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    child_views = forms.CharField(
        label="What the child says, in their own words",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
    )
    parent_views = forms.CharField(
        label="What the parents or carers say, in their own words",
        required=False,
        widget=forms.Textarea,
        max_length=5000,
    )
    strengths = forms.CharField(label="Strengths", required=False, widget=forms.Textarea, max_length=3000)
    support_in_place = forms.MultipleChoiceField(
        label="Support already in place",
        required=False,
        choices=SupportInPlace.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in Barrier.Kind.choices:
            self.fields[f"barrier_{kind}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Not a barrier"), *Barrier.Where.choices],
            )
            self.fields[f"barrier_{kind}_note"] = forms.CharField(
                label=f"Note on {label.lower()}", required=False, max_length=300
            )
        for key, question in QUESTIONS:
            self.fields[f"q_{key}"] = forms.CharField(
                label=question, required=False, widget=forms.Textarea, max_length=2000
            )

    def barrier_rows(self):
        return [
            (label, self[f"barrier_{kind}"], self[f"barrier_{kind}_note"])
            for kind, label in Barrier.Kind.choices
        ]

    def question_fields(self):
        return [self[f"q_{key}"] for key, _ in QUESTIONS]

    def clean(self):
        data = super().clean()
        for kind, label in Barrier.Kind.choices:
            if data.get(f"barrier_{kind}_note") and not data.get(f"barrier_{kind}"):
                self.add_error(
                    f"barrier_{kind}",
                    f"Say whether {label.lower()} is a barrier in school, outside school or both, "
                    "or clear its note",
                )
        return data

    def service_args(self) -> tuple[dict, dict]:
        data = self.cleaned_data
        barriers = {
            kind: (data[f"barrier_{kind}"], data.get(f"barrier_{kind}_note", ""))
            for kind in Barrier.Kind.values
            if data.get(f"barrier_{kind}")
        }
        fields = {
            "child_views": data["child_views"],
            "parent_views": data["parent_views"],
            "strengths": data["strengths"],
            "support_in_place": data["support_in_place"],
            "questions": {key: data.get(f"q_{key}", "") for key, _ in QUESTIONS},
        }
        return fields, barriers

    @staticmethod
    def initial_for(assessment) -> dict:
        if assessment is None:
            return {"version": 0}
        initial = {
            "version": assessment.version,
            "child_views": assessment.child_views,
            "parent_views": assessment.parent_views,
            "strengths": assessment.strengths,
            "support_in_place": assessment.support_in_place,
        }
        for b in assessment.barriers.all():
            initial[f"barrier_{b.kind}"] = b.where
            initial[f"barrier_{b.kind}_note"] = b.note
        for key, answer in (assessment.questions or {}).items():
            initial[f"q_{key}"] = answer
        return initial


class PlanForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    title = forms.CharField(label="Title", max_length=150, initial="Attendance support plan")
    started_on = date_field("Start date", missing="Enter the date the plan starts")
    review_date = date_field("Review date", missing="Enter the date the plan will be reviewed")
    goal_percent = forms.DecimalField(
        label="Attendance goal (%)",
        required=False,
        min_value=1,
        max_value=100,
        decimal_places=1,
        help_text="For example, 90",
        error_messages={
            "invalid": "Enter the attendance goal as a number, like 90",
            "min_value": "The attendance goal must be a percentage between 1 and 100",
            "max_value": "The attendance goal must be a percentage between 1 and 100",
            "max_decimal_places": "Give the attendance goal to one decimal place at most",
        },
    )
    goal_weeks = forms.IntegerField(
        label="Over how many weeks",
        required=False,
        min_value=1,
        max_value=52,
        help_text="For example, 6",
        error_messages={"invalid": "Enter the number of weeks, like 6"},
    )
    status = forms.ChoiceField(
        label="Status", choices=[("active", "Active"), ("ended", "Ended")], required=False
    )

    def clean(self):
        data = super().clean()
        start, review = data.get("started_on"), data.get("review_date")
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the date the plan starts")
        if data.get("goal_weeks") and data.get("goal_percent") is None:
            self.add_error("goal_percent", "Enter the attendance goal for those weeks, like 90")
        return data

    def service_args(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("title", "started_on", "review_date", "goal_percent", "goal_weeks")}


class ActionForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    description = forms.CharField(
        label="What will be done",
        widget=forms.Textarea,
        max_length=2000,
        error_messages={"required": "Enter what will be done"},
    )
    owner = forms.ChoiceField(
        label="Who owns it",
        choices=PlanAction.Owner.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who owns this action: school, parent, pupil, agency or LA"},
    )
    owner_name = forms.CharField(
        label="Name and role (optional)",
        required=False,
        max_length=150,
        help_text="For example, Mrs Khan, head of year 8",
    )
    starts_on = date_field("Start date", missing="Enter the date the action starts")
    due = date_field("Due date", missing="Enter the date the action is due by")
    review_date = date_field("Review date (optional)", required=False)
    success_criteria = forms.CharField(label="How we will know it has worked", required=False, max_length=300)
    status = forms.ChoiceField(label="Status", choices=PlanAction.Status.choices, initial="not_started")

    def clean(self):
        data = super().clean()
        start, due, review = data.get("starts_on"), data.get("due"), data.get("review_date")
        if start and due and due < start:
            self.add_error("due", "The due date must be on or after the start date")
        if start and review and review < start:
            self.add_error("review_date", "The review date must be on or after the start date")
        return data

    def service_args(self) -> dict:
        data = self.cleaned_data
        return {k: data.get(k) for k in ("description", "owner", "owner_name", "starts_on", "due",
                                          "review_date", "success_criteria", "status")}  # fmt: skip


class ReviewForm(Form):
    reviewed_on = date_field("Date of the review")
    progress = forms.CharField(
        label="Progress against the goal",
        widget=forms.Textarea,
        max_length=5000,
        error_messages={"required": "Enter how the plan is going: progress against the goal"},
    )
    next_review = date_field("Next review date", required=False)

    def __init__(self, *args, actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = list(actions)
        for a in self.actions:
            self.fields[f"action_{a.pk}_status"] = forms.ChoiceField(
                label=f"How is it going: {a.description}",
                choices=PlanAction.Status.choices,
                initial=a.status,
                error_messages={"required": "Choose how each action is going"},
            )
            self.fields[f"action_{a.pk}_note"] = forms.CharField(label="Note", required=False, max_length=500)

    def action_rows(self):
        return [(a, self[f"action_{a.pk}_status"], self[f"action_{a.pk}_note"]) for a in self.actions]

    def clean(self):
        data = super().clean()
        reviewed, following = data.get("reviewed_on"), data.get("next_review")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review", "The next review must be after this review")
        return data

    def action_progress(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            a.pk: {"status": data[f"action_{a.pk}_status"], "note": data.get(f"action_{a.pk}_note", "")}
            for a in self.actions
        }


class SendPlanForm(Form):
    route = forms.ChoiceField(
        label="How should the plan go to the parents?",
        choices=ROUTES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the plan goes to the parents"},
    )
