"""What every part of the shot page is rendered with: the whole page, and each partial htmx
asks for (the takes poll, a take card, the reference card, the size choices, the timeline).
One builder, so a partial can never be rendered without something the page has (a card
polled in without the page's batch key would let a double-clicked remix make two takes)."""

from __future__ import annotations

import uuid

from django.db.models import prefetch_related_objects
from django.http import HttpRequest

from studio.models import Shot, SpotComment, name_formats
from studio.review.states import with_approvals
from studio.team.access import allowed_actions


def page_batch_key(request: HttpRequest) -> uuid.UUID:
    """The page's batch key: the one its partials carry back (the poll's query, a card's
    forms), else a new one for a new page."""
    sent = request.POST.get("batch_key") or request.GET.get("batch_key") or ""
    try:
        return uuid.UUID(sent)
    except ValueError:
        return uuid.uuid4()


def shot_page_context(request: HttpRequest, shot: Shot, **extra) -> dict:
    """What every part of the shot page needs; its takes (or take) with their format and
    where they stand with the reviewers."""
    shown = list(extra.get("takes") or []) + ([extra["take"]] if extra.get("take") else [])
    # Read once, kept on the campaign: the editor's format warning reads them too.
    prefetch_related_objects([shot.campaign], "formats")
    name_formats(shown, list(shot.campaign.formats.all()))
    # Only a finished take is decided on: a poll of takes still rendering asks nothing more.
    done = [t for t in shown if t.status == "completed"]
    with_approvals(done, shot.campaign_id, request.user)
    perms = allowed_actions(shot.my_role)
    return {
        "shot": shot,
        "campaign": shot.campaign,
        "perms_": perms,
        "can_decide": "decide" in perms,
        "batch_key": page_batch_key(request),
        # Comments made on the campaign's spots at this shot (read only where shown).
        "spot_comments": SpotComment.objects.filter(shot=shot).select_related(
            "spot__format", "author"
        ),
        **extra,
    }
