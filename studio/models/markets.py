"""Versions of the spot (issue 38): the campaign's markets (a language and region each, with
its own banned words, legal line and voice), each market's texts of the spot (supers, the end
card's words, the voice-over's lines), approved per market; and the hooks, other openings of
the spot. A version is a `Spot` of a format for a market and a hook (studio/models/spot.py)."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from generation import text
from studio.models.campaign import Campaign
from studio.models.spot import BrandFile, VoiceSource

# BCP 47 as markets are named: a language and a region ("de-DE", "pt-BR", "ar-EG").
CODE = re.compile(r"^[a-z]{2,3}-[A-Z]{2}$")
# Languages written right to left (their supers and captions are laid out so).
RIGHT_TO_LEFT = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}


def check_code(value: str) -> None:
    if not CODE.match(value or ""):
        raise ValidationError(
            "Name the market by its language and region, as “de-DE”, “fr-FR” or “en-GB”."
        )


class Market(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="markets")
    code = models.CharField(max_length=16, validators=[check_code])
    position = models.PositiveSmallIntegerField(default=1)
    # The market's own: words its texts must not use (one per line or comma-separated) and the
    # legal line of its end card.
    banned_words = text.BlockField(blank=True)
    legal_line = text.LineField(max_length=200, blank=True)
    voice = models.CharField(max_length=10, choices=VoiceSource, default=VoiceSource.SCRATCH)
    voice_recording = models.ForeignKey(
        BrandFile, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="one_market_per_code")
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def language(self) -> str:
        return self.code.split("-")[0]

    @property
    def right_to_left(self) -> bool:
        return self.language in RIGHT_TO_LEFT

    @property
    def approved(self) -> bool:
        return self.approved_at is not None

    def banned(self) -> list[str]:
        return [w.strip() for w in re.split(r"[,\n]", self.banned_words or "") if w.strip()]


class MarketText(models.Model):
    """One text of the spot in one market: `item` is "super:<shot id>", "voice:<shot id>",
    "call" (the end card's call to action) or "legal" (its legal line)."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, related_name="texts")
    item = models.CharField(max_length=40)
    text = text.LineField(max_length=300, blank=True)
    to_translate = models.BooleanField(default=False)  # copied from the master, not yet its own
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["market", "item"]
        constraints = [
            models.UniqueConstraint(fields=["market", "item"], name="one_text_per_market_item")
        ]

    def __str__(self) -> str:
        return f"{self.market.code} {self.item}"


class Hook(models.Model):
    """Another opening of the spot: `shot` (a shot of the campaign, made in every format like
    any) replaces the master's first shot. The master's own opening is hook A; these are B, C…
    A shot made only to open (`only_opening`) is left out of the master; a shot of the body
    (the product shot, opening the spot too) stays in it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="hooks")
    shot = models.ForeignKey("Shot", on_delete=models.CASCADE, related_name="hook_of")
    name = models.CharField(max_length=2)
    only_opening = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="one_hook_per_name"),
            models.UniqueConstraint(fields=["campaign", "shot"], name="one_hook_per_shot"),
        ]

    def __str__(self) -> str:
        return f"Hook {self.name}"
