"""A campaign's spend figures as last computed, for the workspace's spend page.

The workspace page adds up every campaign's figures. Reading every take of the workspace for
that costs seconds at a hundred thousand takes, so each campaign keeps its figures here with
two counters: `version` goes up (one UPDATE, in the same transaction as the change) whenever
anything that moves the campaign's money or approvals changes (a take made, deleted or moving
money: studio/signals.py; a decision given or taken back, a shot deleted, the campaign or its
required approvers saved: their models and form), and `seen` is the version the
stored figures were computed at. The page recomputes only the campaigns whose two differ, from
the takes themselves (studio/production/spend.py), so a figure is never older than the page.
The hard budget never reads this table: generation.budget sums the takes at every request."""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class CampaignSpend(models.Model):
    campaign = models.OneToOneField(
        "studio.Campaign", on_delete=models.CASCADE, primary_key=True, related_name="spend_figures"
    )
    version = models.PositiveBigIntegerField(default=1)
    seen = models.PositiveBigIntegerField(default=0)  # 0: never computed
    figures = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    def __str__(self) -> str:
        return f"spend of campaign {self.campaign_id} (version {self.version}, seen {self.seen})"

    @staticmethod
    def changed(**lookups: object) -> None:
        """The campaigns that `lookups` name (from the campaign: pk=…, shots=…,
        shots__renders=…) have new figures to compute: one UPDATE, nothing read."""
        CampaignSpend.objects.filter(
            **{f"campaign__{name}": value for name, value in lookups.items()}
        ).update(version=models.F("version") + 1)
