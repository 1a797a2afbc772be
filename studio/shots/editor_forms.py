"""The shot editor's forms: the structured prompt (layers or timeline segments), the model and
format, the reference image, templates."""

from __future__ import annotations

import math
from decimal import Decimal

from django import forms

from generation import catalog, prompts, text
from studio.form_fields import choice_field
from studio.images import check_image
from studio.models import Shot


def _modelchoice_field():
    return [(m.key, m.label) for m in catalog.all_models()]


class SegmentForm(forms.Form):
    start = forms.DecimalField(
        min_value=0, max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.1"})
    )
    end = forms.DecimalField(
        min_value=0, max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.1"})
    )
    camera = text.LineFormField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Dolly-in, 85mm f/1.8"}),
    )
    action = text.BlockFormField(
        required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    speed = forms.DecimalField(
        required=False,
        min_value=Decimal("0.1"),
        max_digits=5,
        decimal_places=2,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "0.1"}),
    )
    curve = forms.ChoiceField(
        choices=[("LINEAR", "Linear"), ("EASE_IN", "Ease in"), ("EASE_OUT", "Ease out")],
        initial="LINEAR",
    )
    end_state = text.LineFormField(required=False, max_length=500, label="End frame")
    connected = forms.BooleanField(required=False, label="Connected to the previous shot")

    def to_segment(self) -> dict:
        data = self.cleaned_data
        return {
            "start": float(data["start"]),
            "end": float(data["end"]),
            "camera": data["camera"].strip(),
            "action": data["action"].strip(),
            "speed": float(data["speed"]) if data.get("speed") is not None else 1,
            "curve": data["curve"],
            "end_state": data["end_state"].strip(),
            "connected": data["connected"],
        }


class DepictsSelect(forms.NullBooleanSelect):
    """Yes, no, or what the campaign says (None)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "As the campaign says"), ("true", "Yes"), ("false", "No")]


SegmentFormSet = forms.formset_factory(SegmentForm, extra=0, max_num=24, validate_max=True)
SEGMENT_PREFIX = "seg"


class ShotEditorForm(forms.Form):
    title = text.LineFormField(max_length=160)
    on_screen_text = text.LineFormField(
        required=False,
        max_length=200,
        label="On-screen text",
        help_text="A super or the call to action, added in the edit (never drawn by the model).",
    )
    depicts_people = forms.NullBooleanField(
        required=False, label="Realistic people", widget=DepictsSelect
    )
    depicts_places = forms.NullBooleanField(
        required=False, label="Realistic places", widget=DepictsSelect
    )
    depicts_events = forms.NullBooleanField(
        required=False, label="Realistic events", widget=DepictsSelect
    )
    model_key = forms.ChoiceField(label="Model")
    size = forms.ChoiceField()
    seconds = forms.TypedChoiceField(coerce=int, label="Seconds")
    mode = forms.ChoiceField(
        choices=[("layers", "Layers"), ("timeline", "Timeline")], widget=forms.RadioSelect
    )
    scene = text.BlockFormField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    subject = text.LineFormField(required=False, max_length=500)
    beats = text.BlockFormField(
        required=False,
        label="Action beats",
        help_text="One beat per line, in order.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    camera_movement = text.LineFormField(required=False, max_length=300, label="Movement")
    camera_lens_mm = forms.IntegerField(
        required=False, min_value=8, max_value=800, label="Lens (mm)"
    )
    camera_framing = forms.ChoiceField(
        required=False,
        label="Framing",
        choices=[
            ("", "—"),
            ("ECU", "Extreme close-up"),
            ("CU", "Close-up"),
            ("MCU", "Medium close-up"),
            ("MED", "Medium"),
            ("WIDE", "Wide"),
        ],
    )
    camera_depth_of_field = text.LineFormField(
        required=False, max_length=100, label="Depth of field"
    )
    camera_angle = text.LineFormField(required=False, max_length=100, label="Angle")
    lighting_direction = text.LineFormField(required=False, max_length=200, label="Direction")
    lighting_quality = text.LineFormField(required=False, max_length=200, label="Quality")
    lighting_color_temperature = text.LineFormField(
        required=False, max_length=100, label="Colour temperature"
    )
    # Shown only for models whose sound is optional; absent means "with sound".
    audio_generate = forms.ChoiceField(
        required=False,
        initial="on",
        label="Sound",
        choices=[("on", "With sound"), ("off", "Without sound")],
    )
    audio_dialogue = text.BlockFormField(
        required=False,
        label="Dialogue",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One line each: Speaker (emotion): what they say",
    )
    audio_sfx = text.LineFormField(required=False, max_length=500, label="Sound effects")
    audio_ambience = text.LineFormField(required=False, max_length=500, label="Ambience")
    audio_music = text.LineFormField(required=False, max_length=500, label="Music")
    style_film_reference = text.LineFormField(
        required=False, max_length=300, label="Film reference"
    )
    style_grade = text.LineFormField(required=False, max_length=200, label="Grade")
    style_palette = text.LineFormField(required=False, max_length=200, label="Palette")
    variations = forms.TypedChoiceField(
        coerce=int, choices=[(i, i) for i in range(1, 5)], initial=1, required=False
    )

    LAYERED = ("camera", "lighting", "audio", "style")

    def __init__(self, *args, shot: Shot, **kwargs):
        self.shot = shot
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_for(shot))
        super().__init__(*args, **kwargs)
        choice_field(self.fields["model_key"]).choices = _modelchoice_field()
        model_key = self.data.get("model_key") if self.is_bound else shot.model_key
        model = catalog.get(model_key or "") or catalog.require(catalog.DEFAULT_MODEL)
        self.model = model
        size = self.data.get("size") if self.is_bound else shot.size
        choice_field(self.fields["size"]).choices = [
            (s, catalog.size_label(s)) for s in model.sizes
        ]
        sizes = model.sizes if size not in model.sizes else (size,)
        choice_field(self.fields["seconds"]).choices = [
            (d, f"{d} s") for d in model.durations_for(sizes[0])
        ]
        self.segments = SegmentFormSet(
            self.data if self.is_bound else None,
            prefix=SEGMENT_PREFIX,
            initial=None if self.is_bound else (shot.prompt or {}).get("timeline", []),
        )

    @classmethod
    def for_model(cls, shot: Shot, model_key: str, size: str, seconds: str) -> ShotEditorForm:
        """The editor's model-and-format fields for another model: its sizes and lengths, the
        size and length kept where the model has them, else the nearest."""
        model = catalog.get(model_key) or catalog.require(shot.model_key)
        if size not in model.sizes:
            size = shot.size if shot.size in model.sizes else model.sizes[0]
        durations = model.durations_for(size)
        wanted = whole_seconds(seconds, shot.seconds)
        form = cls(
            shot=shot,
            initial={
                **cls.initial_for(shot),
                "model_key": model.key,
                "size": size,
                "seconds": min(durations, key=lambda d: abs(d - wanted)),
            },
        )
        form.model = model
        choice_field(form.fields["size"]).choices = [
            (s, catalog.size_label(s)) for s in model.sizes
        ]
        choice_field(form.fields["seconds"]).choices = [(d, f"{d} s") for d in durations]
        return form

    @staticmethod
    def initial_for(shot: Shot) -> dict:
        prompt = prompts.normalize(shot.prompt)
        initial = {
            "title": shot.title,
            "on_screen_text": shot.on_screen_text,
            "depicts_people": shot.depicts_people,
            "depicts_places": shot.depicts_places,
            "depicts_events": shot.depicts_events,
            "model_key": shot.model_key,
            "size": shot.size,
            "seconds": shot.seconds,
            "mode": prompt["mode"],
            "scene": prompt["scene"],
            "subject": prompt["subject"],
            "beats": "\n".join(prompt["beats"]),
            "audio_dialogue": "\n".join(
                f"{d.get('speaker', '')}"
                + (f" ({d['emotion']})" if d.get("emotion") else "")
                + f": {d.get('line', '')}"
                for d in prompt["audio"]["dialogue"]
            ),
            "variations": 1,
        }
        for layer in ShotEditorForm.LAYERED:
            for key, value in prompt[layer].items():
                if key != "dialogue":
                    initial[f"{layer}_{key}"] = value
        initial["audio_generate"] = "on" if prompt["audio"].get("generate", True) else "off"
        return initial

    def is_valid(self) -> bool:
        valid = super().is_valid()
        segments_valid = self.cleaned_data.get("mode") != "timeline" or self.segments.is_valid()
        return valid and segments_valid

    def clean(self):
        data = super().clean() or {}
        dialogue, bad = parse_dialogue(data.get("audio_dialogue", ""))
        if bad:
            self.add_error(
                "audio_dialogue",
                f"Write each line as “Speaker (emotion): line”; this one has no colon: {bad}",
            )
        self.dialogue = dialogue
        return data

    def values(self) -> dict:
        """What the editor holds, as the shot stores it (call once the form is valid)."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "on_screen_text": data["on_screen_text"].strip(),
            **{f"depicts_{k}": data.get(f"depicts_{k}") for k in ("people", "places", "events")},
            "prompt": self.to_prompt(),
            "model_key": data["model_key"],
            "size": data["size"],
            "seconds": data["seconds"],
        }

    def to_prompt(self) -> dict:
        data = self.cleaned_data
        prompt = {
            "mode": data["mode"],
            "scene": data["scene"].strip(),
            "subject": data["subject"].strip(),
            "beats": [b.strip() for b in data["beats"].splitlines() if b.strip()],
            "camera": {
                "movement": data["camera_movement"].strip(),
                "lens_mm": data["camera_lens_mm"],
                "framing": data["camera_framing"],
                "depth_of_field": data["camera_depth_of_field"].strip(),
                "angle": data["camera_angle"].strip(),
            },
            "lighting": {
                "direction": data["lighting_direction"].strip(),
                "quality": data["lighting_quality"].strip(),
                "color_temperature": data["lighting_color_temperature"].strip(),
            },
            "audio": {
                "dialogue": getattr(self, "dialogue", []),
                "sfx": data["audio_sfx"].strip(),
                "ambience": data["audio_ambience"].strip(),
                "music": data["audio_music"].strip(),
                "generate": data["audio_generate"] != "off",
            },
            "style": {
                "film_reference": data["style_film_reference"].strip(),
                "grade": data["style_grade"].strip(),
                "palette": data["style_palette"].strip(),
            },
            "timeline": [],
        }
        if data["mode"] == "timeline" and self.segments.is_valid():
            prompt["timeline"] = [f.to_segment() for f in self.segments.forms]
        return prompt


def parse_dialogue(text: str) -> tuple[list[dict], str]:
    """ "Mia (excited): It's here!" lines -> [{speaker, emotion, line}]; returns a bad line."""
    lines: list[dict] = []
    for raw in (text or "").splitlines():
        raw = raw.strip()
        if not raw:
            continue
        who, sep, line = raw.partition(":")
        if not sep or not line.strip():
            return lines, raw
        speaker, _, emotion = who.partition("(")
        lines.append(
            {
                "speaker": speaker.strip(),
                "emotion": emotion.rstrip(") ").strip(),
                "line": line.strip(),
            }
        )
    return lines, ""


class ReferenceImageForm(forms.Form):
    image = forms.FileField(
        help_text="JPEG, PNG or WebP, up to 20 MB, each side 300–2048 px.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        self.info = check_image(upload)
        return upload


class FitForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("crop", "Centre crop"), ("pad", "Pad"), ("original", "Use the original")]
    )


class SaveTemplateForm(forms.Form):
    name = text.LineFormField(max_length=120)


def whole_seconds(raw, default: int) -> int:
    """A length typed or posted as text, or `default` when it is not a sane whole number."""
    raw = str(raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else default


def read_segments(data) -> list[dict]:
    """The timeline as typed, read leniently: a half-typed number must not lose the row."""
    count = min(whole_seconds(data.get(f"{SEGMENT_PREFIX}-TOTAL_FORMS"), 0), 24)

    def number(raw, default):
        try:
            value = float(raw)
        except (TypeError, ValueError):
            return default
        return value if math.isfinite(value) else default

    segments = []
    for i in range(count):
        row = {
            name: data.get(f"{SEGMENT_PREFIX}-{i}-{name}", "")
            for name in ("start", "end", "camera", "action", "speed", "curve", "end_state")
        }
        segments.append(
            {
                **row,
                "start": number(row["start"], 0.0),
                "end": number(row["end"], 0.0),
                "speed": number(row["speed"], 1.0),
                "curve": row["curve"] or "LINEAR",
                "connected": data.get(f"{SEGMENT_PREFIX}-{i}-connected", "") in ("on", "true"),
            }
        )
    return segments
