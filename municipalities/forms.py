"""Forms of the coordinators' portal (crispy, Bootstrap 5; validated on the server)."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from .models import (
    Contact,
    CouncilMeeting,
    CouncilMember,
    PreventionCouncil,
    ServiceRequest,
    WorkingGroup,
)


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as ISO date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _helper(*, form_tag: bool = False) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = True
    return helper


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("title", "first_name", "last_name", "function", "organisation", "email", "phone")
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CouncilCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the council"),
        max_length=160,
        help_text=_("As the council calls itself, e.g. “Kommunaler Präventionsrat Meißen”."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class CouncilForm(forms.ModelForm):
    class Meta:
        model = PreventionCouncil
        fields = (
            "name",
            "status",
            "constituted_on",
            "reactivated_on",
            "resolution_on",
            "resolution_reference",
            "dissolved_on",
            "notes",
        )
        widgets = {
            "constituted_on": DateInput(),
            "reactivated_on": DateInput(),
            "resolution_on": DateInput(),
            "dissolved_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = ("name", "topic", "is_standing", "established_on", "dissolved_on")
        widgets = {"established_on": DateInput(), "dissolved_on": DateInput()}


class CouncilMemberForm(forms.ModelForm):
    class Meta:
        model = CouncilMember
        fields = (
            "organisation",
            "person_name",
            "function",
            "role",
            "working_group",
            "joined_on",
            "left_on",
        )
        widgets = {"joined_on": DateInput(), "left_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        council = self.instance.council if self.instance.council_id else None
        groups = (
            WorkingGroup.objects.filter(council=council) if council else WorkingGroup.objects.none()
        )
        self.fields["working_group"].queryset = groups  # type: ignore[attr-defined]


# Caps well above any real council keep a forged TOTAL_FORMS from making the page build and
# render thousands of forms (Django's own ceiling would be 2,000 per formset).
MAX_WORKING_GROUPS = 50
MAX_COUNCIL_MEMBERS = 150
WorkingGroupFormSet = inlineformset_factory(
    PreventionCouncil,
    WorkingGroup,
    form=WorkingGroupForm,
    extra=1,
    can_delete=True,
    max_num=MAX_WORKING_GROUPS,
    absolute_max=MAX_WORKING_GROUPS,
    validate_max=True,
)
CouncilMemberFormSet = inlineformset_factory(
    PreventionCouncil,
    CouncilMember,
    form=CouncilMemberForm,
    extra=2,
    can_delete=True,
    max_num=MAX_COUNCIL_MEMBERS,
    absolute_max=MAX_COUNCIL_MEMBERS,
    validate_max=True,
)


class CouncilMeetingForm(forms.ModelForm):
    minutes_upload = forms.FileField(
        label=_("Minutes (PDF)"),
        required=False,
        help_text=_("PDF only, at most 20 MB. A new file replaces the stored minutes."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    class Meta:
        model = CouncilMeeting
        fields = ("date", "body", "working_group", "topic")
        widgets = {"date": DateInput()}

    def __init__(self, *args: Any, council: PreventionCouncil, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["working_group"].queryset = council.working_groups.all()  # type: ignore[attr-defined]
        self.helper = _helper()


class ServiceRequestForm(forms.ModelForm):
    class Meta:
        model = ServiceRequest
        fields = ("message", "preferred_dates")
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "message": _("What should it achieve, who takes part, what has happened so far?"),
            "preferred_dates": _("e.g. “Tuesdays and Thursdays, from March”"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()
