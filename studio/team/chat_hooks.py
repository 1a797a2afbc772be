"""The events the chat channels hear (studio.models.ChannelEvent) and the API's webhook
endpoints are sent (studio.models.WebhookEvent), from the changes that make them: a take ready
or failed (the chat channels: failed and billed), a take requested or settled that crosses 80 %
or 100 % of its campaign's budget, a decision on a take or a spot (a client's on a guest link),
a spot made (studio.production.spots calls `spot_ready`)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db.models.signals import post_save
from django.urls import reverse

from generation import budget
from generation.models import EventKind, Render, RenderEvent, RenderStatus
from studio.models import Campaign, ChannelEvent, Decision, SpotDecision, Take, Verdict
from studio.team.chat_sending import announce
from studio.team.webhooks_out import emit

MONEY_MOVES = (RenderStatus.COMPLETED, RenderStatus.FAILED, RenderStatus.EXPIRED)


def _url(name: str, *args, query: str = "") -> str:
    return f"{settings.STUDIO_BASE_URL}{reverse(name, args=args)}{query}"


def _take(take: Render) -> dict:
    """A take as a webhook tells of it (the API's take, with its shot and campaign)."""
    return {
        "id": take.pk,
        "take": take.take,
        "shot_id": take.shot_id,
        "campaign_id": take.shot.campaign_id,
        "status": take.status,
        "model_key": take.model_key,
        "seconds": take.seconds,
        "billed": take.billed,
        "cost": str(take.cost_actual if take.cost_actual is not None else take.cost_estimate),
        "error_code": take.error_code,
        "error_message": take.error_message,
        "url": _url("studio:take_page", take.pk),
    }


def _spot(spot) -> dict:
    return {
        "id": spot.pk,
        "campaign_id": spot.campaign_id,
        "format": spot.format.name,
        "market": spot.market.code if spot.market_id else None,
        "hook": spot.hook.name if spot.hook_id else None,
        "status": spot.status,
        "url": _url("studio:spots", spot.campaign_id),
    }


def take_moved(sender, instance: RenderEvent, created, **kwargs) -> None:
    if not created or instance.kind not in (EventKind.CREATED, EventKind.TRANSITION):
        return
    if instance.kind == EventKind.TRANSITION and instance.to_status not in MONEY_MOVES:
        return
    take = Take.objects.filter(pk=instance.render_id).select_related("shot__campaign").first()
    if take is None:
        return
    campaign = take.shot.campaign
    if instance.kind == EventKind.TRANSITION and instance.to_status in (
        RenderStatus.COMPLETED,
        RenderStatus.FAILED,
    ):
        emit(campaign.workspace_id, f"take.{instance.to_status}", {"take": _take(take)})
    if instance.to_status == RenderStatus.COMPLETED and instance.kind == EventKind.TRANSITION:
        announce(
            campaign.workspace_id,
            ChannelEvent.TAKES_READY,
            f"Take {take.take} of “{take.shot.title}”",
            campaign=campaign,
            link=_url("studio:review_queue", query=f"?campaign={campaign.pk}"),
        )
    elif instance.to_status == RenderStatus.FAILED and take.billed:
        announce(
            campaign.workspace_id,
            ChannelEvent.FAILED_BILLED,
            f"Take {take.take} of “{take.shot.title}” failed and was billed: "
            f"{take.error_message or 'no reason given'}",
            campaign=campaign,
            link=_url("studio:take_page", take.pk),
        )
    budget_checked(campaign)


def budget_checked(campaign: Campaign) -> None:
    """Tell the channels once when the campaign's committed money reaches 80 % and 100 % of
    its hard budget (again after the budget is raised and reached anew)."""
    if campaign.budget is None or campaign.budget <= 0:
        return
    share = budget.committed(campaign.pk) / campaign.budget
    level = 100 if share >= 1 else 80 if share >= Decimal("0.8") else 0
    if level <= campaign.budget_alerted:
        if level < campaign.budget_alerted:  # the budget was raised: alert again when reached
            Campaign.objects.filter(pk=campaign.pk).update(budget_alerted=level)
        return
    won = Campaign.objects.filter(pk=campaign.pk, budget_alerted__lt=level).update(
        budget_alerted=level
    )
    if won:
        emit(
            campaign.workspace_id,
            "budget.threshold",
            {
                "campaign_id": campaign.pk,
                "percent": level,
                "budget": str(campaign.budget),
                "committed": str(budget.committed(campaign.pk)),
            },
        )
        announce(
            campaign.workspace_id,
            ChannelEvent.BUDGET,
            f"“{campaign.name}” has committed {share:.0%} of its ${campaign.budget} budget",
            campaign=campaign,
            link=_url("studio:campaign_spend", campaign.pk),
        )


def take_decided(sender, instance: Decision, created, **kwargs) -> None:
    if not created:
        return
    take = instance.render
    campaign = take.shot.campaign
    approved = instance.verdict == Verdict.APPROVED
    verdict = "approved" if approved else "asked for changes to"
    event = (
        ChannelEvent.CLIENT
        if instance.reviewer_id is None
        else ChannelEvent.APPROVED
        if approved
        else ChannelEvent.CHANGES
    )
    note = f": “{instance.note}”" if instance.note else ""
    emit(
        campaign.workspace_id,
        "decision.created",
        {
            "decision": {
                "id": instance.pk,
                "verdict": instance.verdict,
                "note": instance.note,
                "who": instance.who,
                "client": instance.reviewer_id is None,
            },
            "take": _take(take),
        },
    )
    announce(
        campaign.workspace_id,
        event,
        f"{instance.who} {verdict} take {take.take} of “{take.shot.title}”{note}",
        campaign=campaign,
        link=_url("studio:take_page", take.pk),
    )


def spot_decided(sender, instance: SpotDecision, created, **kwargs) -> None:
    if not created:
        return
    spot = instance.spot
    campaign = spot.campaign
    approved = instance.verdict == Verdict.APPROVED
    if instance.reviewer_id is not None and not approved:
        event = ChannelEvent.CHANGES
    else:
        event = ChannelEvent.CLIENT if instance.reviewer_id is None else ChannelEvent.SPOT_APPROVED
    verdict = "approved" if approved else "asked for changes to"
    note = f": “{instance.note}”" if instance.note else ""
    if approved:
        said = {"who": instance.who, "client": instance.reviewer_id is None, "note": instance.note}
        emit(campaign.workspace_id, "spot.approved", {"spot": _spot(spot), "decision": said})
    announce(
        campaign.workspace_id,
        event,
        f"{instance.who} {verdict} the {spot.format.name} spot{note}",
        campaign=campaign,
        link=_url("studio:spots", campaign.pk),
    )


def spot_ready(spot) -> None:
    campaign = spot.campaign
    emit(campaign.workspace_id, "spot.ready", {"spot": {**_spot(spot), "status": "completed"}})
    announce(
        campaign.workspace_id,
        ChannelEvent.SPOT_READY,
        f"The {spot.format.name} spot is made"
        + (f" ({spot.market.code})" if spot.market_id else ""),
        campaign=campaign,
        link=_url("studio:spots", campaign.pk),
    )


def connect() -> None:
    """Called once from StudioConfig.ready()."""
    post_save.connect(take_moved, sender=RenderEvent)
    post_save.connect(take_decided, sender=Decision)
    post_save.connect(spot_decided, sender=SpotDecision)
