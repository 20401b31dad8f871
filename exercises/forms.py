"""Forms: every one shows its errors inline, next to the field that caused them."""

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.urls import reverse

from exercises import numbers
from exercises.lifecycle import MAX_ROUND_MINUTES
from exercises.models import Exercise, Team, normalise_join_code
from exercises.scenarios import ScenarioError
from exercises.studio import library

LIMITS = settings.TABLETOP_LIMITS
PHASES = (1, 10)  # step 1, 2 ... of a phased deal


class WholeNumberField(forms.IntegerField):
    """Django's IntegerField, reading the text with exercises.numbers like every view does."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        low = -numbers.MAX_ID if self.min_value is None else self.min_value
        high = numbers.MAX_ID if self.max_value is None else self.max_value
        try:
            return numbers.parse_int(value, low=low, high=high)
        except numbers.NotANumber as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # templates keep the <form> and its hx-post visible
    return helper


class ExerciseCreateForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="What the class will see, e.g. “IR 210 — second summit”.")
    scenario = forms.ChoiceField()
    teams = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, help_text="At least two teams.")
    num_rounds = WholeNumberField(label="Rounds", min_value=1, max_value=LIMITS["rounds_per_exercise"])
    round_minutes = WholeNumberField(label="Minutes per round", min_value=1, max_value=MAX_ROUND_MINUTES)

    def __init__(self, *args, scenario_key: str, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.user = user
        # the built-in packs and the user's own scenarios (newest version): exercises/studio/library.py
        self.scenario_data, self.scenario_version = library.resolve(user, scenario_key)
        self.fields["scenario"].choices = library.choices(user)
        self.fields["scenario"].initial = scenario_key
        # Another scenario has other teams and defaults: reload the form for it (works without JS
        # too: the POST then answers with the new scenario's teams and says which to pick).
        self.fields["scenario"].widget.attrs.update(
            {"hx-get": reverse("exercise_create"), "hx-trigger": "change", "hx-select": "main", "hx-target": "main", "hx-swap": "outerHTML",
             "hx-push-url": "true"}
        )  # fmt: skip
        self.fields["teams"].choices = [
            (t["key"], f"{t['name']}{' (optional)' if t.get('optional') else ''}") for t in self.scenario_data["teams"]
        ]
        self.fields["teams"].initial = [t["key"] for t in self.scenario_data["teams"] if not t.get("optional")]
        defaults = self.scenario_data.get("defaults", {})
        self.fields["num_rounds"].initial = defaults.get("rounds", 4)
        self.fields["round_minutes"].initial = defaults.get("round_minutes", 15)

    def clean_scenario(self):
        key = self.cleaned_data["scenario"]
        try:
            self.scenario_data, self.scenario_version = library.resolve(self.user, key)
        except ScenarioError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return key

    def clean_teams(self):
        teams = self.cleaned_data["teams"]
        if len(teams) < 2:
            raise forms.ValidationError("Choose at least two teams: a negotiation needs a counterpart.")
        return teams


class ExerciseSettingsForm(forms.Form):
    """What may change after creation: the title, and the plan for rounds not yet started."""

    title = forms.CharField(max_length=200)
    num_rounds = WholeNumberField(label="Rounds", min_value=1, max_value=LIMITS["rounds_per_exercise"])
    round_minutes = WholeNumberField(
        label="Minutes per round",
        min_value=1,
        max_value=MAX_ROUND_MINUTES,
        help_text="For rounds not yet started. A running round keeps its clock: extend it from the console.",
    )

    def __init__(self, *args, exercise: Exercise, **kwargs):
        initial = {"title": exercise.title, "num_rounds": exercise.num_rounds, "round_minutes": exercise.round_minutes}
        super().__init__(*args, initial=initial, **kwargs)
        self.helper = _helper()
        self.started = exercise.rounds.count()
        if exercise.is_ended:  # only the title still means something
            for name in ("num_rounds", "round_minutes"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "The exercise has ended."
        elif self.started:
            self.fields["num_rounds"].help_text = f"At least {self.started}: that many rounds have started."

    def clean_title(self):
        return _one_line(self.cleaned_data["title"])

    def clean_num_rounds(self):
        rounds = self.cleaned_data["num_rounds"]
        if rounds < self.started:
            raise forms.ValidationError(f"{self.started} rounds have started already: plan at least {self.started}.")
        return rounds


class DuplicateForm(forms.Form):
    title = forms.CharField(
        label="Title of the copy", max_length=200, help_text="e.g. the next section's name: “IR 210 — section B”."
    )

    def __init__(self, *args, exercise: Exercise, **kwargs):
        super().__init__(*args, initial={"title": f"{exercise.title} (copy)"[:200]}, **kwargs)
        self.helper = _helper()

    def clean_title(self):
        return _one_line(self.cleaned_data["title"])


class DeleteForm(forms.Form):
    confirmation = forms.CharField(label="Type the exercise's title to confirm", max_length=200)

    def __init__(self, *args, exercise: Exercise, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.title = exercise.title
        self.fields["confirmation"].widget.attrs["autocomplete"] = "off"

    def clean_confirmation(self):
        typed = _one_line(self.cleaned_data["confirmation"])
        if typed != " ".join(self.title.split()):
            raise forms.ValidationError("That is not the exercise's title: type it exactly as shown.")
        return typed


def _one_line(text: str) -> str:
    """Titles: runs of spaces and line breaks become one space; nothing left is an error."""
    text = " ".join(text.split())
    if not text:
        raise forms.ValidationError("Enter a title.")
    return text


class JoinForm(forms.Form):
    code = forms.CharField(label="Team code", max_length=32, help_text="The 8-letter code your facilitator gave you.")
    display_name = forms.CharField(
        label="Your name", max_length=40, help_text="How your teammates and the facilitator will see you."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.team = None
        self.fields["code"].widget.attrs.update({"autocapitalize": "characters", "autocomplete": "off"})

    def clean_code(self):
        code = normalise_join_code(self.cleaned_data["code"])
        team = Team.objects.select_related("exercise").filter(join_code=code).first()
        if team is None:
            raise forms.ValidationError(
                "No team has that code. Check it letter by letter (codes never use 0, O, 1, I, L, 5, S, 2, Z, 8 or B)."
            )
        if team.exercise.is_ended:
            raise forms.ValidationError("That exercise has ended. Ask your facilitator for the debrief.")
        self.team = team
        return code

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        if not name:
            raise forms.ValidationError("Enter a name.")
        return name


class OfferForm(forms.Form):
    """The offer as a whole: to whom, and a note. Commitments come in a formset."""

    recipients = forms.MultipleChoiceField(
        label="Send to", widget=forms.CheckboxSelectMultiple, help_text="It becomes an agreement when all accept."
    )
    message = forms.CharField(
        label="Note to the recipients",
        required=False,
        max_length=LIMITS["text_length"],
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    client_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    parent = WholeNumberField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args, team: Team, teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()
        self.teams = {t.key: t for t in teams if t.pk != team.pk}
        self.fields["recipients"].choices = [(t.key, t.name) for t in self.teams.values()]

    def recipient_teams(self) -> list[Team]:
        return [self.teams[key] for key in self.cleaned_data["recipients"]]


def only_if(raw, *, position: int | None = None, count: int | None = None, strict: bool = True) -> list[int]:
    """The "Only if commitment no." field ("2" or "1, 3"): the commitments this one waits for.

    ``position`` is this commitment's own number and ``count`` how many the offer has.
    Strict (an offer being sent): anything else raises forms.ValidationError with a
    sentence for the team. Not strict (a draft being previewed or countered): what cannot
    be a link is left out.
    """
    most = LIMITS["commitments_per_offer"]
    count = most if count is None else count
    try:
        refs = numbers.int_list(raw, low=1, high=most, max_items=most, strict=strict)
    except numbers.NotANumber:
        raise forms.ValidationError(f"List commitment numbers from 1 to {most}, e.g. “2” or “1, 3”.") from None
    if strict and position in refs:
        raise forms.ValidationError("A commitment cannot be conditional on itself.")
    if strict and (missing := [ref for ref in refs if ref > count]):
        raise forms.ValidationError(f"There is no commitment no. {missing[0]} in this offer.")
    return [ref for ref in refs if ref != position and ref <= count]


def only_if_text(positions) -> str:
    """The field's text for stored links (a counter starts from its parent's)."""
    return ", ".join(str(p) for p in positions)


# Only the exercise's teams can make or receive a commitment (their keys are the choices).
NOT_PLAYING = {
    "invalid_choice": "%(value)s is not a team in this exercise: only its teams can make or receive a commitment."
}


class CommitmentForm(forms.Form):
    kind = forms.ChoiceField(label="From the catalogue", required=False)
    by = forms.ChoiceField(label="Who commits", error_messages=NOT_PLAYING)
    to = forms.MultipleChoiceField(
        label="For whom", required=False, widget=forms.CheckboxSelectMultiple, error_messages=NOT_PLAYING
    )
    action = forms.CharField(max_length=200, required=False, help_text="A concrete verb: freeze, dismantle, allow…")
    object = forms.CharField(max_length=300, required=False, help_text="Exactly what is covered.")
    quantity = forms.CharField(max_length=50, required=False)
    unit = forms.CharField(max_length=50, required=False)
    site = forms.CharField(max_length=200, required=False, help_text="A named facility or place.")
    deadline = forms.CharField(
        max_length=100, required=False, help_text="A date or “within 30 days” beats “at an early date”."
    )
    verification = forms.CharField(max_length=200, required=False, help_text="Who checks, with what access.")
    duration = forms.CharField(max_length=100, required=False, help_text="“permanently”, “for 2 years”…")
    phase = WholeNumberField(
        min_value=PHASES[0], max_value=PHASES[1], required=False, help_text="Step 1, 2… of a phased deal."
    )
    conditional_on = forms.CharField(
        label="Only if commitment no.", max_length=50, required=False, help_text="e.g. “2” or “1, 3”."
    )
    text = forms.CharField(
        label="In your own words",
        max_length=LIMITS["text_length"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The catalogue item whose defaults were last filled in, so a refresh fills a row once.
    filled_kind = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parties: list[dict], catalogue: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["by"].choices = [(p["key"], p["name"]) for p in parties]
        # Short codes keep the row of recipient boxes on one line, even on a phone.
        self.fields["to"].choices = [(p["key"], p["key"]) for p in parties]
        self.fields["kind"].choices = [("", "— free text —")] + [
            (item["key"], f"{item['number']}. {item['title']}") for item in catalogue
        ]

    def clean_conditional_on(self):
        # The numbers alone; the formset checks them against the offer's other commitments.
        return only_if(self.cleaned_data["conditional_on"])

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("kind", "action", "object", "text")):
            raise forms.ValidationError("Describe the commitment: pick a catalogue item, or fill in action or text.")
        if data.get("by") and data.get("by") in (data.get("to") or []):
            self.add_error("to", "A party cannot commit to itself.")
        return data


class BaseCommitmentFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        count = len(self.forms)
        for position, form in enumerate(self.forms, start=1):
            try:
                only_if(form["conditional_on"].value(), position=position, count=count)
            except forms.ValidationError as error:
                form.add_error("conditional_on", error)

    def rows(self) -> list[dict]:
        return [dict(form.cleaned_data) for form in self.forms]


CommitmentFormSet = forms.formset_factory(
    CommitmentForm,
    formset=BaseCommitmentFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=LIMITS["commitments_per_offer"],
    validate_max=True,
    absolute_max=LIMITS["commitments_per_offer"],
)
