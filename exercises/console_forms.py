"""Forms of the facilitator's console and the observer view; errors show inline."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings

from exercises.models import Round, Team

LIMITS = settings.TABLETOP_LIMITS


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    return helper


class InjectForm(forms.Form):
    """News written live by the facilitator."""

    title = forms.CharField(max_length=200, help_text="The headline teams see first.")
    text = forms.CharField(max_length=LIMITS["text_length"], widget=forms.Textarea(attrs={"rows": 3}))
    tension = forms.FloatField(
        label="Tension effect",
        required=False,
        min_value=-50,
        max_value=50,
        help_text="Optional: points added to regional tension (negative calms it).",
    )
    audience = forms.ModelMultipleChoiceField(
        label="Only for",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to send it to every team (and the projector).",
    )

    def __init__(self, *args, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["audience"].queryset = exercise.teams.all()

    def inject_data(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "text": data["text"], "tension": data.get("tension") or 0}


class ObserverForm(forms.Form):
    name = forms.CharField(label="Observer's name", max_length=80, help_text="e.g. “Dr Lee, evaluator”.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class ObservationForm(forms.Form):
    round = forms.ModelChoiceField(queryset=Round.objects.none(), required=False, empty_label="— any round —")
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="— the whole room —")
    text = forms.CharField(
        label="Observation", max_length=LIMITS["text_length"], widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.fields["round"].queryset = exercise.rounds.all()
        self.fields["team"].queryset = exercise.teams.all()
