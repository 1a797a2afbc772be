"""The plan page's forms: what to plan from (the brief, the running time, the model), and each
row of the draft, edited in place before any shot is made."""

from __future__ import annotations

import json

from django import forms

from generation import catalog, prompts
from generation.prompts.structure import empty_prompt

MAX_ROWS = 12


class PlanSettingsForm(forms.Form):
    brief = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text="What the campaign sells, to whom, where and in what mood.",
    )
    target = forms.IntegerField(
        label="Running time (seconds)", min_value=4, max_value=180, initial=20
    )
    model_key = forms.ChoiceField(label="Model")
    planner = forms.ChoiceField(
        label="Drafted by",
        choices=[("llm", "The language model"), ("builtin", "The built-in planner (offline)")],
        initial="llm",
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, llm: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not llm:  # no language model configured: the built-in planner, said as such
            del self.fields["planner"]
        field = self.fields["model_key"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(m.key, m.label) for m in catalog.offered_models()]
        field.initial = catalog.DEFAULT_MODEL


class PlanRowForm(forms.Form):
    """One planned shot: the fields a person adjusts most; the rest of its layers ride along
    in `layers` (JSON the planner wrote) and are checked again when the shot is made."""

    title = forms.CharField(max_length=160)
    seconds = forms.IntegerField(min_value=1, max_value=60)
    scene = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    subject = forms.CharField(max_length=300, required=False)
    beat = forms.CharField(label="Action", max_length=300, required=False)
    camera = forms.CharField(label="Camera move", max_length=120, required=False)
    sound = forms.CharField(max_length=300, required=False)
    voiceover = forms.CharField(label="Voice-over", max_length=300, required=False)
    layers = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_layers(self) -> dict:
        """The layers the page carried, taken only where they have the prompt's shape (the
        field comes back from the browser: anything else is dropped, never trusted)."""
        try:
            value = json.loads(self.cleaned_data.get("layers") or "{}")
        except ValueError:
            value = {}
        return prompts.normalize(safe_layers(value))

    def prompt(self) -> dict:
        """The row's layers with what the person edited."""
        data = self.cleaned_data
        prompt = data["layers"]
        prompt["scene"] = data["scene"]
        prompt["subject"] = data.get("subject", "")
        prompt["beats"] = [data["beat"]] if data.get("beat") else []
        prompt["camera"]["movement"] = data.get("camera", "")
        prompt["audio"]["sfx"] = data.get("sound", "")
        lines = [d for d in prompt["audio"]["dialogue"] if d.get("speaker") != "Voice-over"]
        if data.get("voiceover"):
            lines.append({"speaker": "Voice-over", "line": data["voiceover"], "emotion": "warm"})
        prompt["audio"]["dialogue"] = lines
        return prompt


def _text(value, limit: int = 300) -> str:
    return value[:limit] if isinstance(value, str) else ""


def safe_layers(value) -> dict:
    """A layers-mode prompt built from `value` key by key, each of its known type."""
    prompt = empty_prompt()
    if not isinstance(value, dict):
        return prompt
    for section in ("camera", "lighting", "style"):
        given = value.get(section)
        if isinstance(given, dict):
            for key in prompt[section]:
                if key == "lens_mm":
                    lens = given.get(key)
                    prompt[section][key] = (
                        lens if isinstance(lens, int) and 1 <= lens <= 2000 else None
                    )
                else:
                    prompt[section][key] = _text(given.get(key))
    audio = value.get("audio")
    if isinstance(audio, dict):
        for key in ("sfx", "ambience", "music"):
            prompt["audio"][key] = _text(audio.get(key))
        prompt["audio"]["generate"] = audio.get("generate") is not False
        lines = audio.get("dialogue")
        if isinstance(lines, list):
            prompt["audio"]["dialogue"] = [
                {k: _text(line.get(k)) for k in ("speaker", "line", "emotion")}
                for line in lines[:8]
                if isinstance(line, dict)
            ]
    return prompt


PlanRows = forms.formset_factory(
    PlanRowForm, extra=0, can_delete=True, can_order=True, max_num=MAX_ROWS, absolute_max=MAX_ROWS
)


def row_initial(draft) -> dict:
    prompt = draft.prompt
    voice = next(
        (d["line"] for d in prompt["audio"]["dialogue"] if d.get("speaker") == "Voice-over"), ""
    )
    return {
        "title": draft.title,
        "seconds": draft.seconds,
        "scene": prompt["scene"],
        "subject": prompt["subject"],
        "beat": prompt["beats"][0] if prompt["beats"] else "",
        "camera": prompt["camera"]["movement"],
        "sound": prompt["audio"]["sfx"],
        "voiceover": voice,
        "layers": json.dumps(prompt),
    }
