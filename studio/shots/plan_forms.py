"""The plan page's forms: what to plan from (the brief, the running time, the model), and each
row of the draft, edited in place before any shot is made."""

from __future__ import annotations

import json

from django import forms

from generation import catalog, prompts, text
from generation.prompts.beats import beats_of, camera_of, with_beats
from generation.prompts.structure import CURVES, empty_prompt
from studio.shots import planning

MAX_ROWS = 12


class PlanSettingsForm(forms.Form):
    product = text.LineFormField(
        max_length=120,
        help_text="As the ads name it. The plan names it; it is never guessed from the brief.",
    )
    brief = text.BlockFormField(
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

    title = text.LineFormField(max_length=160)
    seconds = forms.IntegerField(min_value=1, max_value=60)
    scene = text.BlockFormField(widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)
    subject = text.LineFormField(max_length=300, required=False)
    beats = text.BlockFormField(
        label="Action",
        max_length=900,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One beat a line, “END:” the frame it ends on; two or more make a timeline.",
    )
    camera = text.LineFormField(label="Camera move", max_length=120, required=False)
    sound = text.LineFormField(max_length=300, required=False)
    voiceover = text.LineFormField(label="Voice-over", max_length=300, required=False)
    on_screen_text = text.LineFormField(
        label="On-screen text", max_length=200, required=False, help_text="Added in the edit."
    )
    connected = forms.BooleanField(label="Continues from the shot before", required=False)
    layers = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_layers(self) -> dict:
        """The layers the page carried, taken only where they have the prompt's shape (the
        field comes back from the browser: anything else is dropped, never trusted)."""
        try:
            value = text.strings(text.loads(self.cleaned_data.get("layers") or "{}"))
        except ValueError:
            value = {}
        return prompts.normalize(safe_layers(value))

    def prompt(self) -> dict:
        """The row's layers with what the person edited."""
        data = self.cleaned_data
        prompt = data["layers"]
        prompt["scene"] = data["scene"]
        prompt["subject"] = data.get("subject", "")
        prompt["audio"]["sfx"] = data.get("sound", "")
        lines = [d for d in prompt["audio"]["dialogue"] if d.get("speaker") != "Voice-over"]
        if data.get("voiceover"):
            lines.append({"speaker": "Voice-over", "line": data["voiceover"], "emotion": "warm"})
        prompt["audio"]["dialogue"] = lines
        beats = (data.get("beats") or "").splitlines()
        return with_beats(prompt, beats, data.get("camera", ""), data["seconds"])

    def draft(self) -> planning.ShotDraft:
        data = self.cleaned_data
        return planning.ShotDraft(
            "",
            data["title"],
            data["seconds"],
            self.prompt(),
            connected=data.get("connected", False),
            on_screen_text=data.get("on_screen_text", ""),
        )

    def timings(self) -> list[str]:
        """The timeline's timings as drafted ("0.0–3.0 s"), shown beside the beats."""
        try:
            layers = safe_layers(text.loads(self["layers"].value() or "{}"))
        except ValueError:
            return []
        return [f"{s['start']:.1f}–{s['end']:.1f} s" for s in layers["timeline"]]


def _text(value, limit: int = 300) -> str:
    return value[:limit] if isinstance(value, str) else ""


def _number(value, low: float, high: float) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if low <= value <= high else None


def _segments(value) -> list[dict]:
    """A timeline's segments from `value`, each of its known type; none if one is not."""
    if not isinstance(value, list):
        return []
    segments = []
    for given in value[:12]:
        if not isinstance(given, dict):
            return []
        start, end = _number(given.get("start"), 0, 60), _number(given.get("end"), 0, 60)
        if start is None or end is None:
            return []
        curve = given.get("curve")
        segments.append(
            {
                "start": start,
                "end": end,
                "camera": _text(given.get("camera"), 120),
                "action": _text(given.get("action")),
                "speed": _number(given.get("speed"), 0.1, 20),
                "curve": curve if curve in CURVES else "LINEAR",
                "end_state": _text(given.get("end_state")),
                "connected": given.get("connected") is True,
            }
        )
    return segments


def safe_layers(value) -> dict:
    """A prompt built from `value` key by key, each of its known type."""
    prompt = empty_prompt()
    if not isinstance(value, dict):
        return prompt
    segments = _segments(value.get("timeline")) if value.get("mode") == "timeline" else []
    if segments:
        prompt.update(mode="timeline", timeline=segments)
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


def row_initial(draft: planning.ShotDraft) -> dict:
    prompt = draft.prompt
    voice = next(
        (d["line"] for d in prompt["audio"]["dialogue"] if d.get("speaker") == "Voice-over"), ""
    )
    return {
        "title": draft.title,
        "seconds": draft.seconds,
        "scene": prompt["scene"],
        "subject": prompt["subject"],
        "beats": "\n".join(beats_of(prompt)),
        "camera": camera_of(prompt),
        "sound": prompt["audio"]["sfx"],
        "voiceover": voice,
        "on_screen_text": draft.on_screen_text,
        "connected": draft.connected,
        "layers": json.dumps(prompt),
    }
