"""The campaign's status that follows its work: planning, in production, in review, and
approved when every cell has an approved take to deliver and, once the campaign has spots,
every format's newest spot passes its preflight and is approved."""

from __future__ import annotations

from django.utils import timezone

from generation.models import IN_FLIGHT, Render, RenderStatus
from studio.models import (
    Campaign,
    CampaignStatus,
    Decision,
    Deliverable,
    Spot,
    SpotDecision,
    SpotStatus,
    Take,
    Verdict,
)
from studio.review.states import (
    FOLLOWED,
    Approval,
    Required,
    approval,
    delivered_take,
    required_for,
    verdicts,
)


def all_delivered_approved(campaign) -> bool:
    """Every cell of the campaign (each shot in each format; each shot, without formats) has an
    approved take to deliver. At most eight queries, whatever the number of shots and takes;
    one while nothing is approved."""
    decisions = list(
        Decision.objects.filter(
            render__shot__campaign=campaign, render__status=RenderStatus.COMPLETED
        ).only("pk", "render_id", "reviewer_id", "verdict", "created_at")
    )
    if not any(d.verdict == Verdict.APPROVED for d in decisions):
        return False
    shots = list(campaign.shots.only("pk", "hero_take_id"))
    if not shots:
        return False
    formats = list(campaign.formats.all())
    done = list(
        Take.objects.filter(shot__campaign=campaign, status=RenderStatus.COMPLETED)
        .only("pk", "shot_id", "size", "model_key", "take")
        .order_by("-take", "-pk")
    )
    take_verdicts = verdicts(decisions, required_for(campaign.pk))
    chosen = {
        (d.shot_id, d.format_id): d.hero_id
        for d in Deliverable.objects.filter(shot__campaign=campaign)
    }
    by_shot: dict[int, list[Render]] = {}
    for take in done:
        by_shot.setdefault(take.shot_id, []).append(take)
    for shot in shots:
        mine = by_shot.get(shot.pk, [])
        cells = (
            [
                ([t for t in mine if f.accepts(t.size, t.model_key)], chosen.get((shot.pk, f.pk)))
                for f in formats
            ]
            if formats
            else [(mine, None)]
        )
        for takes, chosen_id in cells:
            hero = delivered_take(takes, chosen_id, shot.hero_take_id, take_verdicts)
            if hero is None or take_verdicts.get(hero.pk) != Verdict.APPROVED:
                return False
    return True


def spot_approval(decisions, required: Required) -> Approval:
    """A spot's approval from its decisions, by the take's rule."""
    newest: dict[int | str, Decision] = {}
    for decision in decisions:
        key = decision.decider
        if key not in newest or (decision.created_at, decision.pk) > (
            newest[key].created_at,
            newest[key].pk,
        ):
            newest[key] = decision
    return approval(newest, required)


def spots_approved(campaign) -> bool:
    """Once the campaign has spots, every format's newest spot must pass its preflight and be
    approved (a spot made again starts its approval afresh); before its first spot, its takes
    decide alone. Three queries."""
    newest: dict[int, Spot] = {}
    for spot in (
        Spot.objects.masters()
        .filter(campaign=campaign, status=SpotStatus.COMPLETED)
        .only("pk", "format_id", "preflight", "status", "created_at")
    ):
        newest.setdefault(spot.format_id, spot)
    if not newest:
        return not Spot.objects.masters().filter(campaign=campaign).exists()
    if set(campaign.formats.values_list("pk", flat=True)) - set(newest):
        return False
    decisions: dict[int, list[SpotDecision]] = {}
    for decision in SpotDecision.objects.filter(spot__in=list(newest.values())):
        decisions.setdefault(decision.spot_id, []).append(decision)
    required = required_for(campaign.pk)
    return all(
        spot.passes
        and spot_approval(decisions.get(spot.pk, []), required).verdict == Verdict.APPROVED
        for spot in newest.values()
    )


def work_status(campaign) -> str:
    """Where the work of a campaign stands: planning until the first take is requested, in
    production while takes are made, in review once every shot has a finished take and none is
    in flight, approved when every cell of the deliverables grid has an approved take to
    deliver (a hero, or the newest approved take of the format). Asked at every take's end and
    decision, so it asks the database a constant number of questions."""
    takes = Take.objects.live().of_campaign(campaign)
    if not takes.exists():
        return CampaignStatus.PLANNING
    if all_delivered_approved(campaign) and spots_approved(campaign):
        return CampaignStatus.APPROVED
    shots = campaign.shots.all()
    if (
        shots.exists()
        and not takes.filter(status__in=IN_FLIGHT).exists()
        and not shots.exclude(renders__status=RenderStatus.COMPLETED).exists()
    ):
        return CampaignStatus.IN_REVIEW
    return CampaignStatus.IN_PRODUCTION


def refresh_status(campaign_id: int) -> None:
    """Let the campaign's status follow the work, unless an owner set it by hand or it is
    delivered or archived. A conditional update: a concurrent manual change wins."""
    campaign = Campaign.objects.filter(
        pk=campaign_id, status_follows_work=True, status__in=FOLLOWED
    ).first()
    if campaign is None:
        return
    status = work_status(campaign)
    if status != campaign.status:
        Campaign.objects.filter(
            pk=campaign_id, status_follows_work=True, status=campaign.status
        ).update(status=status, updated_at=timezone.now())
