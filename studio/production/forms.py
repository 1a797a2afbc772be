"""The campaign form: its brief, budget, brand kit and formats."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from generation import channels
from studio.form_fields import choice_field
from studio.models import (
    TARGET_FORMATS,
    Asset,
    Campaign,
    CampaignSpend,
    CampaignStatus,
    Role,
)


class MemberChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_full_name() or obj.get_username()


class CampaignForm(forms.ModelForm):
    approvers = MemberChoices(
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Required approvers",
        help_text="Members who must all approve a take. Nobody ticked: any reviewer's approval.",
    )
    channels = forms.MultipleChoiceField(
        choices=[(c.key, c.label) for c in channels.CHANNELS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Channels",
        help_text="Each ticked channel is a format whose spot is made to its published spec "
        "(size, length, safe zone, loudness, captions).",
    )
    target_formats = forms.MultipleChoiceField(
        choices=TARGET_FORMATS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Custom formats",
        help_text="An aspect with no channel's rules. Name them (Reels, YouTube…) and add more "
        "on the Deliverables page.",
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "brief",
            "product",
            "tagline",
            "call_to_action",
            "status",
            "status_follows_work",
            "due_date",
            "budget",
            "brand_style",
            "brand_palette",
            "brand_sound",
            "brand_must_include",
            "brand_banned_words",
            "approvers",
            "client_must_approve",
            "depicts_people",
            "depicts_places",
            "depicts_events",
        ]
        labels = {"status_follows_work": "Status follows the work"}
        help_texts = {
            "status_follows_work": "Planning → in production at the first take → in review "
            "when every shot has a finished take → approved when every cell of the deliverables "
            "grid has an approved take. "
            "Untick to set the status by hand."
        }
        widgets = {
            "brief": forms.Textarea(attrs={"rows": 4}),
            "brand_style": forms.Textarea(attrs={"rows": 2}),
            "brand_must_include": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}),
        }

    def save(self, commit: bool = True) -> Campaign:
        self.instance.approvers_note = ""  # the owner has seen what changed in the sign-off
        return super().save(commit)

    def _save_m2m(self) -> None:
        super()._save_m2m()  # type: ignore[misc]
        # The required approvers decide which takes are approved: spend per approved take too.
        CampaignSpend.changed(pk=self.instance.pk)

    def __init__(self, *args, workspace_id: int, can_manage_budget: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # Who may sign takes off: the workspace's members who may decide.
        approvers = self.fields["approvers"]
        assert isinstance(approvers, forms.ModelMultipleChoiceField)
        approvers.queryset = (
            get_user_model()
            .objects.filter(
                memberships__workspace_id=workspace_id,
                memberships__role__in=[Role.OWNER, Role.EDITOR, Role.REVIEWER],
            )
            .order_by("username")
        )
        if not self.instance.pk:  # the brand kit's product, where the workspace has one
            self.fields["product"].initial = Asset.product_name(workspace_id)
        if self.instance.pk:
            formats = list(self.instance.formats.all())
            self.fields["target_formats"].initial = [
                f.aspect for f in formats if f.channel_key == channels.CUSTOM
            ]
            self.fields["channels"].initial = [
                f.channel_key for f in formats if f.channel_key != channels.CUSTOM
            ]
        # Archiving and un-archiving are the owner's verbs, behind their own button: the form
        # offers the working statuses, and cannot change an archived campaign's status at all.
        choice_field(self.fields["status"]).choices = [
            c for c in CampaignStatus.choices if c[0] != CampaignStatus.ARCHIVED
        ]
        if self.instance.pk and self.instance.is_archived:
            choice_field(self.fields["status"]).choices = [
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
