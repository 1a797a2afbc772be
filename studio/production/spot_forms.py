"""The spots page's forms: how the campaign's spots are finished, a piece's in and out points,
and a brand file to upload."""

from __future__ import annotations

import re
from decimal import Decimal

from django import forms

from generation import speech
from studio.models import Asset, AssetKind, BrandFile, BrandFileKind, Finish, VoiceSource

COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


class FileChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class FinishForm(forms.ModelForm):
    font = FileChoice(
        queryset=BrandFile.objects.none(),
        required=False,
        empty_label="Bundled font (DejaVu Sans Bold)",
    )
    music = FileChoice(queryset=BrandFile.objects.none(), required=False, empty_label="No music")
    voice_recording = FileChoice(
        queryset=BrandFile.objects.none(), required=False, empty_label="None uploaded",
        label="Voice-over recording",
    )  # fmt: skip
    logo = FileChoice(queryset=Asset.objects.none(), required=False, empty_label="No logo")
    end_card_seconds = forms.DecimalField(
        min_value=Decimal(0), max_value=Decimal(10), decimal_places=1, label="End card (seconds)",
        help_text="0: no end card.",
    )  # fmt: skip

    class Meta:
        model = Finish
        fields = [
            "super_position", "font", "text_colour", "call_to_action", "legal_line", "logo",
            "end_card_seconds", "end_card_background", "brand_colour", "keep_take_sound",
            "music", "voice", "voice_recording",
        ]  # fmt: skip
        labels = {"brand_colour": "End card colour", "call_to_action": "Call to action"}
        widgets = {
            "text_colour": forms.TextInput(attrs={"type": "color"}),
            "brand_colour": forms.TextInput(attrs={"type": "color"}),
        }

    def __init__(self, *args, workspace_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        files = BrandFile.objects.filter(workspace_id=workspace_id)
        self.fields["font"].queryset = files.filter(kind=BrandFileKind.FONT)  # type: ignore[attr-defined]
        self.fields["music"].queryset = files.filter(kind=BrandFileKind.MUSIC)  # type: ignore[attr-defined]
        self.fields["voice_recording"].queryset = files.filter(kind=BrandFileKind.VOICE)  # type: ignore[attr-defined]
        self.fields["logo"].queryset = Asset.objects.filter(  # type: ignore[attr-defined]
            workspace_id=workspace_id, kind=AssetKind.LOGO
        )
        voice = self.fields["voice"]
        assert isinstance(voice, forms.ChoiceField)
        if not speech.configured():
            voice.choices = [c for c in VoiceSource.choices if c[0] != VoiceSource.SPEECH]
        voice.help_text = "The scratch voice is for judging timing, never for publishing."

    def _colour(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        if not COLOUR.match(value or ""):
            raise forms.ValidationError("Give a colour as #RRGGBB.")
        return value.upper()

    def clean_text_colour(self) -> str:
        return self._colour("text_colour")

    def clean_brand_colour(self) -> str:
        return self._colour("brand_colour")

    def clean(self):
        data = super().clean() or {}
        if data.get("voice") == VoiceSource.RECORDING and not data.get("voice_recording"):
            self.add_error("voice_recording", "Choose the recording (upload it below first).")
        return data


class TrimForm(forms.Form):
    """A piece's in and out points, in seconds into its take."""

    start = forms.DecimalField(
        min_value=Decimal(0), max_value=Decimal(600), decimal_places=2, label="In"
    )
    end = forms.DecimalField(
        min_value=Decimal(0), max_value=Decimal(600), decimal_places=2, label="Out"
    )

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end - start < Decimal("0.2"):
            raise forms.ValidationError("The out point must be at least 0.2 s after the in point.")
        return data


class BrandFileForm(forms.Form):
    kind = forms.ChoiceField(choices=BrandFileKind.choices)
    name = forms.CharField(max_length=120, required=False)
    file = forms.FileField()
