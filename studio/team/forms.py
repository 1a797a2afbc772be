"""Inviting members, signing up from an invitation, changing a role, adding a chat channel,
making an API token or a webhook endpoint."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from studio.models import (
    ChannelEvent,
    ChannelKind,
    MailChoice,
    Membership,
    Role,
    Scope,
    TokenKind,
    WebhookEvent,
)
from studio.models.channels import all_events
from studio.team import channel_urls


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

    class Meta(UserCreationForm.Meta):  # type: ignore[name-defined]  # django-stubs lacks it
        model = get_user_model()
        fields = ["username"]


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)


class ChannelForm(forms.Form):
    """A Slack or Teams channel that hears about review (studio.team.channel_urls)."""

    kind = forms.ChoiceField(label="Service", choices=ChannelKind.choices)
    name = forms.CharField(
        label="Channel",
        max_length=80,
        help_text="How you know it, e.g. #summer-launch-review.",
    )
    url = forms.CharField(
        label="Webhook URL",
        max_length=1000,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}, render_value=True),
        help_text="Slack: an incoming webhook (hooks.slack.com). Teams: the workflow “Post to a "
        "channel when a webhook request is received”. Kept sealed; never shown again.",
    )
    events = forms.MultipleChoiceField(
        label="Tell it about",
        choices=[(e, ChannelEvent(e).label) for e in all_events()],
        initial=all_events,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self):
        data = super().clean() or {}
        if data.get("kind") and data.get("url"):
            try:
                data["url"] = channel_urls.check(data["kind"], data["url"])
            except forms.ValidationError as error:
                self.add_error("url", error)
        return data


class MailChoiceForm(forms.ModelForm):
    class Meta:
        model = MailChoice
        fields = ["mentions", "decisions", "digest"]


class TokenForm(forms.Form):
    """A new API token (studio.team.tokens): shown once when made."""

    name = forms.CharField(
        max_length=80, help_text="What uses it, e.g. “Planning tool sync”. Shown in the audit log."
    )
    kind = forms.ChoiceField(
        choices=TokenKind.choices,
        initial=TokenKind.PERSONAL,
        required=False,
        help_text="Personal: acts as you, never beyond your role. Service account: the "
        "workspace's own, outlives whoever made it (owners only).",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple,
        help_text="Read: everything a viewer sees. Generate: campaigns, shots, plans, takes. "
        "Review: decisions. Deliver: spots, versions, the package. Admin: budgets.",
    )
    days = forms.IntegerField(label="Expires after (days)", min_value=1, max_value=366, initial=90)

    def __init__(self, *args, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        if role != "owner":
            del self.fields["kind"]


class WebhookForm(forms.Form):
    url = forms.URLField(
        label="Endpoint URL",
        max_length=500,
        assume_scheme="https",
        help_text="https only, on a public address. Each message is signed (Standard Webhooks).",
    )
    description = forms.CharField(max_length=120, required=False)
    events = forms.MultipleChoiceField(
        choices=[(e, e) for e in WebhookEvent.values],
        initial=list(WebhookEvent.values),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_url(self) -> str:
        return channel_urls.check_endpoint(self.cleaned_data["url"])
