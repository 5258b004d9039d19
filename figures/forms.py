"""The filters of the figures: the staff dashboard (cut-off date, Polizeidirektion, Kreis) and the
lists of municipalities (the staff list adds status and search; the public one PD and status)."""

import html
from collections.abc import Iterator
from datetime import date
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from asskomm.memo import Kept
from municipalities.models import District, PoliceDirectorate

from .exports import german_date
from .geo import PUBLIC_STATUSES
from .selectors import LAUNCH, WHOLE, Area, Status

# Options of selects drawn from noted tables (PDs, Kreise), kept per build of the stored figures:
# (build token, form and field, language) -> [(value, "<option value=…", ">label</option>")].
_OPTIONS: Kept[list[tuple[str, str, str]]] = Kept(32)


class QuickSelect(forms.Select):
    """A select that writes its options directly instead of rendering a template for each: the
    Kreis choice of a deployment for all of Germany has about 400 options, which Django's
    per-option templates took some 30 ms to render; this takes well under one. Flat choices
    only (no option groups).

    ``kept_as``: set (by the form) to a key naming the build of the stored figures and the
    field when the choices come from tables whose changes are noted; then the options are
    read and written once per build (a change to the tables makes a new build)."""

    kept_as: tuple[str, ...] | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {str(item) for item in self.format_value(value)}
        if self.kept_as is None:
            options = self._options()
        else:
            options = _OPTIONS.get((*self.kept_as, get_language() or ""), self._options)
        listed = "".join(
            f"{start} selected{end}" if code in chosen else f"{start}{end}"
            for code, start, end in options
        )
        return format_html(
            "<select{}>{}</select>",
            flatatt(final_attrs),
            mark_safe(listed),  # noqa: S308 - escaped in _options
        )

    def _options(self) -> list[tuple[str, str, str]]:
        """Each choice's value and its option in two halves: " selected" goes between them."""
        # The standard library's escape (what Django's calls, without its lazy-string wrapper).
        return [
            (code, f'<option value="{html.escape(code)}"', f">{html.escape(str(label))}</option>")
            for code, label in ((str(key), label) for key, label in self.choices)
        ]


class QuickDateInput(forms.DateInput):
    """A date input written directly, as ``QuickSelect`` writes its select: Django's widget
    templates (input, attrs) cost a quarter of a millisecond for one field."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        # As django/forms/widgets/input.html and attrs.html write it, in their order.
        written = [f'<input type="{html.escape(self.input_type)}" name="{html.escape(name)}"']
        shown = self.format_value(value)
        if shown is not None:
            written.append(f' value="{html.escape(str(shown))}"')
        for key, item in self.build_attrs(self.attrs, attrs).items():
            if item is True:
                written.append(f" {html.escape(key)}")
            elif item is not False and item is not None:
                written.append(f' {html.escape(key)}="{html.escape(str(item))}"')
        return mark_safe("".join(written) + ">")  # noqa: S308 - escaped above


class _ValuesIterator(ModelChoiceIterator):
    """(key, name) pairs straight from the database, without building a model instance each."""

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list(self.field.to_field_name or "pk", "name")


class QuickModelChoiceField(forms.ModelChoiceField):
    """A choice of Kreis or PD by key, labelled by name, drawn by ``QuickSelect``."""

    iterator = _ValuesIterator
    widget = QuickSelect


class FiguresFilterForm(forms.Form):
    """Read from the query string; an empty field means today or all of Saxony."""

    as_of = forms.DateField(
        label=_("Figures as of"),
        required=False,
        widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    directorate = QuickModelChoiceField(
        label=_("Police directorate"),
        queryset=PoliceDirectorate.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All police directorates"),
    )
    district = QuickModelChoiceField(
        label=_("Kreis"),
        queryset=District.objects.order_by("name"),
        to_field_name="key",
        required=False,
        empty_label=_("All Kreise"),
    )

    def __init__(
        self, *args: Any, today: date | None = None, build: str | None = None, **kwargs: Any
    ) -> None:
        """``build``: the token of the current build of the stored figures, if the view has it;
        the PD and Kreis options are then kept for it (their tables' changes are noted)."""
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        if build is not None:
            for name in ("directorate", "district"):
                widget = self.fields[name].widget
                widget.kept_as = (build, type(self).__name__, name)
        widget = self.fields["as_of"].widget
        widget.attrs.update({"min": LAUNCH.isoformat(), "max": self.today.isoformat()})
        self.fields["as_of"].initial = self.today

    def clean_as_of(self) -> date:
        day: date | None = self.cleaned_data.get("as_of")
        if day is None:
            return self.today
        if day < LAUNCH:
            raise forms.ValidationError(
                _("ASSKomm started on %(launch)s; choose that day or a later one."),
                params={"launch": german_date(LAUNCH)},
                code="before_launch",
            )
        if day > self.today:
            raise forms.ValidationError(
                _("The cut-off date cannot lie in the future."), code="future"
            )
        return day

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        directorate, district = cleaned.get("directorate"), cleaned.get("district")
        if directorate and district and district.police_directorate_id != directorate.pk:
            self.add_error(
                "district",
                forms.ValidationError(
                    _("%(district)s does not belong to the %(directorate)s."),
                    params={"district": district.name, "directorate": directorate.name},
                    code="other_directorate",
                ),
            )
        return cleaned

    def choice(self) -> tuple[date, Area]:
        """The cut-off date and area asked for; today and all of Saxony where input is invalid."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data  # without the fields that have errors
        day = data.get("as_of") or self.today
        if "directorate" in self.errors or "district" in self.errors:
            return day, WHOLE
        return day, Area(directorate=data.get("directorate"), district=data.get("district"))


class MunicipalityListForm(FiguresFilterForm):
    """The staff list of municipalities: the dashboard's filter, a status and a search."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All statuses")), *Status.choices],
        required=False,
    )
    q = forms.CharField(
        label=_("Name or AGS"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def list_choice(self) -> tuple[date, Area, Status | None, str]:
        """Cut-off date, area, status and search text; a field with an error filters nothing."""
        day, area = self.choice()
        data = self.cleaned_data if self.is_bound else {}
        status = data.get("status") or None
        return day, area, Status(status) if status else None, data.get("q") or ""


class PublicMunicipalityListForm(forms.Form):
    """The public list of participating municipalities: a Polizeidirektion and a public status."""

    directorate = forms.ModelChoiceField(
        label=_("Police directorate"),
        queryset=PoliceDirectorate.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All police directorates"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All forms of participation"))]
        + [(status.value, status.label) for status in PUBLIC_STATUSES],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def choice(self) -> tuple[PoliceDirectorate | None, Status | None]:
        """The Polizeidirektion and status asked for; none where the input is invalid."""
        if not self.is_bound:
            return None, None
        self.is_valid()
        status = self.cleaned_data.get("status") or None
        return self.cleaned_data.get("directorate"), Status(status) if status else None
