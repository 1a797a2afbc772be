from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

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
        # Archiving has its own owner-only button; the form offers the working statuses.
        self.fields["status"].choices = [
            c for c in CampaignStatus.choices if c[0] != CampaignStatus.ARCHIVED
        ]
        if self.instance.pk and self.instance.is_archived:
            self.fields["status"].choices.append(
                (CampaignStatus.ARCHIVED, CampaignStatus.ARCHIVED.label)
            )
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


class AddMemberForm(forms.Form):
    identifier = forms.CharField(
        label="Username or e-mail",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)

    def __init__(self, *args, workspace, **kwargs):
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_identifier(self):
        value = self.cleaned_data["identifier"].strip()
        users = list(
            get_user_model().objects.filter(Q(username__iexact=value) | Q(email__iexact=value))[:2]
        )
        if not users:
            raise forms.ValidationError(
                "No account has that username or e-mail. Ask them to get an account first."
            )
        if len(users) > 1:
            raise forms.ValidationError(
                "More than one account matches that e-mail; use the username instead."
            )
        if Membership.objects.filter(workspace=self.workspace, user=users[0]).exists():
            raise forms.ValidationError(f"{users[0].username} is already a member.")
        self.user = users[0]
        return value


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
