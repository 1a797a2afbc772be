from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from studio.models import TARGET_FORMATS, Campaign, CampaignStatus, Membership, Role, Shot


class CampaignForm(forms.ModelForm):
    target_formats = forms.MultipleChoiceField(
        choices=TARGET_FORMATS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Name them (Reels, YouTube…) and add more on the Deliverables page.",
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "brief",
            "status",
            "status_follows_work",
            "due_date",
            "budget",
            "brand_style",
            "brand_palette",
            "brand_sound",
            "brand_must_include",
            "brand_banned_words",
        ]
        labels = {"status_follows_work": "Status follows the work"}
        help_texts = {
            "status_follows_work": "Planning → in production at the first take → in review "
            "when every shot has a finished take → approved when every hero take is approved. "
            "Untick to set the status by hand."
        }
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 4}),
            "brand_style": forms.Textarea(attrs={"rows": 2}),
            "brand_must_include": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, can_manage_budget: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["target_formats"].initial = self.instance.target_formats
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
            # The status follows the work; only an owner may override it.
            self.fields["status"].disabled = True
            self.fields["status_follows_work"].disabled = True

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
    allow_download = forms.BooleanField(
        required=False,
        label="Guests may download the delivery package",
        help_text="The approved takes and their manifest (links to the whole campaign only).",
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shot"].queryset = campaign.shots.all()
