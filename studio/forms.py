from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from studio.models import TARGET_FORMATS, Campaign, CampaignStatus, Membership, Role, Shot


class CampaignForm(forms.ModelForm):
    target_formats = forms.MultipleChoiceField(
        choices=TARGET_FORMATS, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "brief",
            "status",
            "due_date",
            "budget",
            "target_formats",
            "brand_style",
            "brand_palette",
            "brand_sound",
            "brand_must_include",
            "brand_banned_words",
        ]
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 4}),
            "brand_style": forms.Textarea(attrs={"rows": 2}),
            "brand_must_include": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, can_manage_budget: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Archiving and un-archiving are the owner's verbs, behind their own button: the form
        # offers the working statuses, and cannot change an archived campaign's status at all.
        self.fields["status"].choices = [
            c for c in CampaignStatus.choices if c[0] != CampaignStatus.ARCHIVED
        ]
        if self.instance.pk and self.instance.is_archived:
            self.fields["status"].choices = [
                (CampaignStatus.ARCHIVED, CampaignStatus.ARCHIVED.label)
            ]
            self.fields["status"].disabled = True
            self.fields[
                "status"
            ].help_text = "Archived. An owner can bring it back to the dashboard."
        if not can_manage_budget:
            self.fields["budget"].disabled = True
            self.fields["budget"].help_text = "Only an owner can set the budget."

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError("A budget cannot be negative.")
        return budget


class ShotForm(forms.ModelForm):
    scene = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What happens in this shot?"}),
        help_text="A first line for the scene; the prompt builder on the shot page does the rest.",
    )

    class Meta:
        model = Shot
        fields = ["title"]
        widgets = {"title": forms.TextInput(attrs={"placeholder": "e.g. Hero pour, close-up"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["scene"].initial = (self.instance.prompt or {}).get("scene", "")

    def save(self, commit: bool = True) -> Shot:
        shot = super().save(commit=False)
        shot.prompt = {**(shot.prompt or {}), "scene": self.cleaned_data["scene"].strip()}
        if commit:
            shot.save()
        return shot


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if Membership.objects.filter(workspace=self.workspace, user__email__iexact=email).exists():
            raise forms.ValidationError("Someone with that e-mail is already a member.")
        return email


class SignupForm(UserCreationForm):
    """An account for a person who accepts an invitation; the e-mail is the invited one."""

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


# --------------------------------------------------------------------------- shot editor


def _model_choices():
    from generation import catalog

    return [(m.key, m.label) for m in catalog.MODELS.values()]


class SegmentForm(forms.Form):
    start = forms.DecimalField(
        min_value=0, max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.1"})
    )
    end = forms.DecimalField(
        min_value=0, max_digits=5, decimal_places=1, widget=forms.NumberInput(attrs={"step": "0.1"})
    )
    camera = forms.CharField(
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": "Dolly-in, 85mm f/1.8"}),
    )
    action = forms.CharField(
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
    end_state = forms.CharField(required=False, max_length=500, label="End frame")
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


SegmentFormSet = forms.formset_factory(SegmentForm, extra=0, max_num=24, validate_max=True)
SEGMENT_PREFIX = "seg"


class ShotEditorForm(forms.Form):
    title = forms.CharField(max_length=160)
    model_key = forms.ChoiceField(label="Model")
    size = forms.ChoiceField()
    seconds = forms.TypedChoiceField(coerce=int, label="Seconds")
    mode = forms.ChoiceField(
        choices=[("layers", "Layers"), ("timeline", "Timeline")], widget=forms.RadioSelect
    )
    scene = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    subject = forms.CharField(required=False, max_length=500)
    beats = forms.CharField(
        required=False,
        label="Action beats",
        help_text="One beat per line, in order.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    camera_movement = forms.CharField(required=False, max_length=300, label="Movement")
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
    camera_depth_of_field = forms.CharField(required=False, max_length=100, label="Depth of field")
    camera_angle = forms.CharField(required=False, max_length=100, label="Angle")
    lighting_direction = forms.CharField(required=False, max_length=200, label="Direction")
    lighting_quality = forms.CharField(required=False, max_length=200, label="Quality")
    lighting_color_temperature = forms.CharField(
        required=False, max_length=100, label="Colour temperature"
    )
    # Shown only for models whose sound is optional; absent means "with sound".
    audio_generate = forms.ChoiceField(
        required=False,
        initial="on",
        label="Sound",
        choices=[("on", "With sound"), ("off", "Without sound")],
    )
    audio_dialogue = forms.CharField(
        required=False,
        label="Dialogue",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One line each: Speaker (emotion): what they say",
    )
    audio_sfx = forms.CharField(required=False, max_length=500, label="Sound effects")
    audio_ambience = forms.CharField(required=False, max_length=500, label="Ambience")
    audio_music = forms.CharField(required=False, max_length=500, label="Music")
    style_film_reference = forms.CharField(required=False, max_length=300, label="Film reference")
    style_grade = forms.CharField(required=False, max_length=200, label="Grade")
    style_palette = forms.CharField(required=False, max_length=200, label="Palette")
    variations = forms.TypedChoiceField(
        coerce=int, choices=[(i, i) for i in range(1, 5)], initial=1, required=False
    )

    LAYERED = ("camera", "lighting", "audio", "style")

    def __init__(self, *args, shot: Shot, **kwargs):
        from generation import catalog

        self.shot = shot
        if not args and "data" not in kwargs:
            kwargs.setdefault("initial", self.initial_for(shot))
        super().__init__(*args, **kwargs)
        self.fields["model_key"].choices = _model_choices()
        model_key = self.data.get("model_key") if self.is_bound else shot.model_key
        model = catalog.get(model_key) or catalog.get(catalog.DEFAULT_MODEL)
        self.model = model
        size = self.data.get("size") if self.is_bound else shot.size
        self.fields["size"].choices = [(s, catalog.size_label(s)) for s in model.sizes]
        sizes = model.sizes if size not in model.sizes else (size,)
        self.fields["seconds"].choices = [(d, f"{d} s") for d in model.durations_for(sizes[0])]
        self.segments = SegmentFormSet(
            self.data if self.is_bound else None,
            prefix=SEGMENT_PREFIX,
            initial=None if self.is_bound else (shot.prompt or {}).get("timeline", []),
        )

    @staticmethod
    def initial_for(shot: Shot) -> dict:
        from studio.prompting import normalize

        prompt = normalize(shot.prompt)
        initial = {
            "title": shot.title,
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
        data = super().clean()
        dialogue, bad = parse_dialogue(data.get("audio_dialogue", ""))
        if bad:
            self.add_error(
                "audio_dialogue",
                f"Write each line as “Speaker (emotion): line”; this one has no colon: {bad}",
            )
        self.dialogue = dialogue
        return data

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
    lines = []
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
        from studio.images import check_image

        upload = self.cleaned_data["image"]
        self.info = check_image(upload)
        return upload


class FitForm(forms.Form):
    mode = forms.ChoiceField(
        choices=[("crop", "Centre crop"), ("pad", "Pad"), ("original", "Use the original")]
    )


class SaveTemplateForm(forms.Form):
    name = forms.CharField(max_length=120)


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        max_length=120, required=False, help_text="For you: who the link is for."
    )
    shot = forms.ModelChoiceField(
        queryset=Shot.objects.none(), required=False, empty_label="The whole campaign"
    )
    days = forms.IntegerField(min_value=1, max_value=90, initial=7, label="Expires after (days)")
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text="Optional. Share it separately from the link.",
    )
    allow_comments = forms.BooleanField(required=False, initial=True, label="Guests may comment")

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shot"].queryset = campaign.shots.all()
