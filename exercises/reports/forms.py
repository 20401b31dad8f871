"""Forms for the report's editable parts; errors show inline, next to the field."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings

from exercises.models import ImprovementItem

NARRATIVE_MAX = 20_000


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class NarrativeForm(forms.Form):
    text = forms.CharField(
        label="Facilitator narrative",
        required=False,
        max_length=NARRATIVE_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="Markdown: **bold**, *italic*, lists, links, tables. No images or HTML scripts. "
        "Players see this in the shared debrief.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ImprovementItemForm(forms.ModelForm):
    recommendation = forms.CharField(
        max_length=settings.TABLETOP_LIMITS["text_length"], widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = ImprovementItem
        fields = ["issue", "recommendation", "owner", "due_date"]
        widgets = {
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }
        help_texts = {"owner": "A person or a role, e.g. “course instructor”.", "due_date": "Optional."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_issue(self):
        issue = " ".join(self.cleaned_data["issue"].split())
        if not issue:
            raise forms.ValidationError("Say what the issue is.")
        return issue

    def clean_recommendation(self):
        text = self.cleaned_data["recommendation"].strip()
        if not text:
            raise forms.ValidationError("Say what should change.")
        return text
