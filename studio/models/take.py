"""The studio's one view of the engine's takes: `Take`, a proxy of generation's `Render` whose
queryset every studio read goes through (live, finished, of a campaign or a workspace), with
what the studio says of a take (its formats, its approval, the viewer's role) and what it asks
of one (AI-made, its cost) in one place."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Q

from generation import budget, catalog
from generation.models import Render, RenderStatus


def live_take(path: str = "") -> Q:
    """ "The take is live" (its shot is still on the board; a deleted shot's takes stay on the
    books only), for a query of takes ("") or of what hangs on a take ("render")."""
    return Q(**{f"{path}{'__' if path else ''}shot__deleted_at__isnull": True})


class TakeQuerySet(models.QuerySet):
    def live(self) -> TakeQuerySet:
        return self.filter(live_take())

    def finished(self) -> TakeQuerySet:
        return self.filter(status=RenderStatus.COMPLETED)

    def of_campaign(self, campaign: Any) -> TakeQuerySet:
        """A campaign's takes (a campaign or its id)."""
        return self.filter(shot__campaign=campaign)

    def in_workspace(self, workspace: Any) -> TakeQuerySet:
        return self.filter(shot__campaign__workspace=workspace)


class Take(Render):
    # Set on a take where it is shown, never read by the engine: the viewer's role (by the
    # access rules), its formats (`format_name`, `format_label`), its review state
    # (`approval`) and the viewer's decision they may still take back (`undoable`); the
    # compare page's drawings for its player.
    my_role: str
    format_name: str
    format_label: str
    approval: Any
    undoable: Any
    drawings: list[dict[str, Any]]
    drawings_id: str

    # The engine's Render declares its plain manager; the studio's view of it has its own.
    objects = TakeQuerySet.as_manager()  # type: ignore[misc]

    class Meta:
        proxy = True

    @property
    def ai_made(self) -> bool:
        """Made by a generative model (the animatic's cards are the studio's own drawing)."""
        return catalog.ai_made(self.provider)

    @property
    def cost(self) -> Decimal:
        """What the take was billed, by the money rule (generation/budget.py)."""
        return budget.settled_cost(self)
