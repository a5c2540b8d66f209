"""Forms for penalty notices: GOV.UK error messages. The rules themselves are in notices.py, notice_events.py and
payments.py; a refusal there is shown as the form's error."""

from __future__ import annotations

from django import forms

from attend.casework.forms_plans import Form, date_field

from .models import NoticeEvent, PenaltyNotice


class IssueForm(Form):
    parent = forms.TypedChoiceField(
        label="To which parent",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="A parent has parental responsibility or care of the child (EA 1996 s576); each parent their own",
        error_messages={"required": "Choose the parent the notice is to"},
    )
    issue_date = date_field("Issue date", missing="Enter the date the notice is issued")
    reason = forms.ChoiceField(
        label="Reason",
        choices=PenaltyNotice.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the reason for the notice"},
    )

    def __init__(self, *args, links=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [
            (link.contact_id, f"{link.contact} ({link.relationship}"
             f"{', parental responsibility' if link.parental_responsibility else ''}"
             f"{', lives with the child' if link.lives_with_pupil else ''})")
            for link in links
        ]  # fmt: skip


class ServeForm(Form):
    method = forms.ChoiceField(
        label="How was it served",
        choices=NoticeEvent.Method.choices,
        widget=forms.RadioSelect,
        help_text="Never by email or text message, never second-class post",
        error_messages={"required": "Choose how the notice was served"},
    )
    on = date_field("Date served or posted", missing="Enter the date the notice was served or posted")
    served_by = forms.CharField(
        label="Served by", max_length=150, error_messages={"required": "Enter who served the notice"}
    )
    address = forms.CharField(
        label="Where (the address)",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": "Enter where the notice was served"},
    )


class PaymentForm(Form):
    amount = forms.DecimalField(
        label="Amount paid (£)",
        min_value=0.01,
        max_digits=7,
        decimal_places=2,
        error_messages={
            "required": "Enter the amount paid",
            "invalid": "Enter the amount in pounds and pence, like 80.00",
            "min_value": "Enter an amount above £0",
        },
    )
    on = date_field("Date paid", missing="Enter the date the payment was made")
    reference = forms.CharField(
        label="Payment reference", max_length=60, error_messages={"required": "Enter the payment reference"}
    )


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("prosecute", "Prosecute for the original offence (EA 1996 s444)"),
            ("withdraw", "Withdraw"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose to prosecute or withdraw"},
    )
    ground = forms.ChoiceField(
        label="Ground for withdrawal",
        choices=[("", "Choose a ground"), *NoticeEvent.WithdrawalGround.choices],
        required=False,
    )
    on = date_field("Date of the decision", missing="Enter the date of the decision")
    note = forms.CharField(
        label="Reasons", widget=forms.Textarea(attrs={"rows": 4}), max_length=3000, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "withdraw" and not data.get("ground"):
            self.add_error("ground", "Choose the ground for withdrawing the notice")
        if data.get("decision") == "prosecute" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter the reasons for the decision to prosecute")
        return data


class UploadForm(Form):
    file = forms.FileField(
        label="Payments file (CSV)",
        help_text="Columns: notice_number, amount, paid_on, payment_reference",
        error_messages={"required": "Choose the payments file to upload"},
    )
