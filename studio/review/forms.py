"""Guest links: what a share link shows, what its guest may do, and for how long."""

from __future__ import annotations

from django import forms

from generation import text
from studio.models import Market, Shot

# What a link lets its guest do, chosen when it is made.
PRESETS: dict[str, tuple[str, str, dict[str, bool]]] = {
    "review": (
        "Review",
        "Watch the spots and takes and leave comments.",
        {"allow_comments": True, "allow_decisions": False, "allow_download": False},
    ),
    "approve": (
        "Review and approve",
        "Watch, comment, and approve or ask for changes: the client's sign-off.",
        {"allow_comments": True, "allow_decisions": True, "allow_download": False},
    ),
    "download": (
        "Download only",
        "Watch the spots and takes and download the delivery package; no comments.",
        {"allow_comments": False, "allow_decisions": False, "allow_download": True},
    ),
}


class ShareLinkForm(forms.Form):
    preset = forms.ChoiceField(
        label="The guest may",
        choices=[(key, label) for key, (label, _, _) in PRESETS.items()],
        initial="review",
        required=False,
        widget=forms.RadioSelect,
    )
    label = text.LineFormField(
        max_length=120, required=False, help_text="For you: who the link is for."
    )
    shot = forms.ModelChoiceField(
        queryset=Shot.objects.none(), required=False, empty_label="The whole campaign"
    )
    market = forms.ModelChoiceField(
        queryset=Market.objects.none(),
        required=False,
        empty_label="Every market",
        help_text="A market's link shows only that market's versions of the spot.",
    )
    group_by = forms.ChoiceField(
        label="Show the takes",
        choices=[("format", "By format"), ("shot", "By shot")],
        initial="format",
        required=False,
    )
    days = forms.IntegerField(min_value=1, max_value=90, initial=7, label="Expires after (days)")
    password = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=True),
        help_text="Optional. Share it separately from the link.",
    )
    also_download = forms.BooleanField(
        required=False,
        label="Also let them download the delivery package",
        help_text="The approved takes and their manifest (links to the whole campaign only).",
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        shots = self.fields["shot"]
        assert isinstance(shots, forms.ModelChoiceField)
        shots.queryset = campaign.shots.all()
        markets = self.fields["market"]
        assert isinstance(markets, forms.ModelChoiceField)
        markets.queryset = campaign.markets.all()
        if not campaign.markets.exists():
            del self.fields["market"]

    def clean(self):
        data = super().clean() or {}
        preset = data.get("preset") or "review"
        data["preset"] = preset
        if preset == "download" and data.get("shot"):
            self.add_error(
                "shot",
                "The delivery package is the whole campaign's: a download link cannot "
                "be for one shot.",
            )
        if data.get("also_download") and data.get("shot"):
            self.add_error("also_download", "Only a link to the whole campaign can download.")
        return data

    @property
    def permissions(self) -> dict[str, bool]:
        """The link's switches, from the preset (and the download box)."""
        data = self.cleaned_data
        allowed = dict(PRESETS[data["preset"]][2])
        allowed["allow_download"] = allowed["allow_download"] or bool(data.get("also_download"))
        return allowed

    def preset_choices(self) -> list[tuple[str, str, str]]:
        return [(key, label, said) for key, (label, said, _) in PRESETS.items()]
