"""Forms of the project's own pages: the public verification of documents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .pdf import normalise_fingerprint


class FingerprintForm(forms.Form):
    fingerprint = forms.CharField(
        label=_("Fingerprint"),
        max_length=100,
        help_text=_("The 16 characters from the footer (e.g. “1A2B 3C4D 5E6F 7A8B”) or all 64."),
    )

    def clean_fingerprint(self) -> str:
        value = normalise_fingerprint(self.cleaned_data["fingerprint"])
        if len(value) < 16:
            raise forms.ValidationError(
                _("Please enter at least the 16 characters of the fingerprint.")
            )
        return value[:64]


class DocumentCheckForm(forms.Form):
    document = forms.FileField(
        label=_("Document (PDF)"),
        help_text=_("The file is only compared, not stored."),
    )
