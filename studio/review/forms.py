"""Guest links: what a share link shows and for how long."""

from __future__ import annotations

from django import forms

from studio.models import Shot


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
        shots = self.fields["shot"]
        assert isinstance(shots, forms.ModelChoiceField)
        shots.queryset = campaign.shots.all()
