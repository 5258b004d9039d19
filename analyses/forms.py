"""Forms of the analyses admin: the next stage, uploads of the final report and of CSV files."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.forms import DateInput


class StageForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def clean_on(self) -> object:
        value = self.cleaned_data["on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The date cannot lie in the future."))
        return value


class ReportUploadForm(forms.Form):
    upload = forms.FileField(
        label=_("Final report (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class CsvUploadForm(forms.Form):
    upload = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, separated by semicolons or commas, first line the column names."),
        widget=forms.ClearableFileInput(attrs={"accept": "text/csv,.csv,.txt"}),
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=200,
        help_text=_("e.g. “PKS Sachsen 2024, Landeskriminalamt”"),
    )
