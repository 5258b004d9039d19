"""Forms of the funding application (coordinators) and of the staff decisions."""

from decimal import Decimal, InvalidOperation
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import inlineformset_factory
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from municipalities.forms import DateInput

from .models import CostLine, FundingApplication, FundingYear, Payment


class EuroField(forms.DecimalField):
    """An amount in EUR as people type it: "21.150,00", "21150,00", "21150.00" or "21.150,00 €"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        # Shown the German way ("21.150,00"); parsed below, not by Django's separator rules.
        super().__init__(localize=True, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        text = str(value).strip()
        for noise in ("€", "EUR", " ", "\u00a0"):
            text = text.replace(noise, "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif text.count(".") > 1:
            text = text.replace(".", "")
        try:
            result = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not result.is_finite():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return result


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class NewApplicationForm(forms.Form):
    funding_year = forms.ModelChoiceField(
        label=_("Funding year"), queryset=FundingYear.objects.none()
    )
    title = forms.CharField(label=_("Project title"), max_length=200)

    def __init__(self, *args: Any, years: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funding_year"].queryset = years  # type: ignore[attr-defined]
        self.helper = _helper()


class ProjectForm(forms.ModelForm):
    class Meta:
        model = FundingApplication
        fields = ("title", "field_of_action", "starts_on", "ends_on", "consultation", "recipient")
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args: Any, consultations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["consultation"]
        field.queryset = consultations  # type: ignore[attr-defined]
        field.label_from_instance = lambda c: f"{c.get_kind_display()} am {c.date:%d.%m.%Y}"  # type: ignore[attr-defined]
        field.help_text = _(
            "The guideline requires a consultation by the LPR office before applying."
        )
        self.helper = _helper()


class DescriptionForm(forms.ModelForm):
    class Meta:
        model = FundingApplication
        fields = ("problem", "causes", "goals", "measures", "implementation", "evaluation")
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}
        help_texts = {
            "problem": _("Which problem does the project address, where and for whom?"),
            "causes": _("What are its causes, as far as known (e.g. from a security analysis)?"),
            "goals": _("What should be different afterwards? Measurable goals where possible."),
            "measures": _("What will be done to reach the goals?"),
            "implementation": _("Who does what, when, with which partners?"),
            "evaluation": _("How will you find out whether the goals were reached?"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CostLineForm(forms.ModelForm):
    class Meta:
        model = CostLine
        fields = (
            "kind",
            "description",
            "amount",
            "is_capital_expenditure",
            "pay_group",
            "fte",
            "months",
        )
        widgets = {
            "amount": forms.NumberInput(
                attrs={"step": "0.01", "min": "0.01", "inputmode": "decimal"}
            ),
            "fte": forms.NumberInput(
                attrs={"step": "0.05", "min": "0.05", "max": "1", "inputmode": "decimal"}
            ),
            "months": forms.NumberInput(attrs={"min": "1", "max": "12"}),
        }


# A cost plan has a few dozen lines; the cap keeps a forged TOTAL_FORMS from making the page
# build and render thousands of forms (Django's own ceiling would be 2,000).
MAX_COST_LINES = 100
CostLineFormSet = inlineformset_factory(
    FundingApplication,
    CostLine,
    form=CostLineForm,
    extra=2,
    can_delete=True,
    max_num=MAX_COST_LINES,
    absolute_max=MAX_COST_LINES,
    validate_max=True,
)


class FinancingForm(forms.ModelForm):
    class Meta:
        model = FundingApplication
        fields = ("own_funds", "own_contribution_in_kind", "third_party_funds")
        widgets = {
            name: forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"})
            for name in fields
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class AttachmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File (PDF)"),
        help_text=_("PDF only, at most 20 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ProofForm(forms.Form):
    report = forms.CharField(
        label=_("Narrative report (Sachbericht)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What was done, with whom, and what came of it, measured against the goals."),
    )

    def __init__(self, *args: Any, lines: list[CostLine], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"actual_{line.pk}"] = EuroField(
                label=f"{line.description} ({line.get_kind_display()})",
                min_value=Decimal("0"),
                help_text=_("Planned: %(amount)s EUR")
                % {"amount": number_format(line.amount, decimal_pos=2, force_grouping=True)},
            )
        self.helper = _helper()

    def actuals(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data[f"actual_{line.pk}"] for line in self.lines}


# --- Staff decisions in the admin


def _not_in_future(value: Any) -> Any:
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(_("The date cannot lie in the future."))
    return value


class ApproveForm(forms.Form):
    amount = EuroField(label=_("Amount (EUR)"), min_value=Decimal("0.01"))
    decided_on = forms.DateField(
        label=_("Decided on"), widget=DateInput(), validators=[_not_in_future]
    )
    conditions = forms.CharField(
        label=_("Conditions (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(
        label=_("Decided on"), widget=DateInput(), validators=[_not_in_future]
    )


class AmendForm(ApproveForm):
    reason = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}))


class LateForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it accepted late?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class PaymentForm(forms.Form):
    amount = EuroField(label=_("Amount (EUR)"), min_value=Decimal("0.01"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput(), validators=[_not_in_future])
    kind = forms.ChoiceField(label=_("Kind"), choices=Payment.Kind.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False)


class BulkApproveForm(forms.Form):
    """Approve several applications at the amounts they requested (an admin action)."""

    decided_on = forms.DateField(
        label=_("Decided on"), widget=DateInput(), validators=[_not_in_future]
    )
    conditions = forms.CharField(
        label=_("Conditions (one per line)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class BulkRejectForm(RejectForm):
    """Reject several applications with the same reasons (an admin action)."""
