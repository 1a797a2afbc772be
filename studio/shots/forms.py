"""The board's shot form (the editor's forms are in editor_forms)."""

from __future__ import annotations

from django import forms

from generation import text
from studio.models import Shot


class ShotForm(forms.ModelForm):
    scene = text.BlockFormField(
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
