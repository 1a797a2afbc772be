"""What a shot's review status is: each take's verdict (the newest decision of each
reviewer, changes outweighing approvals), a shot's state, and the campaign's status that
follows its work."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from generation.models import IN_FLIGHT, Render, RenderStatus
from studio.models import (
    Campaign,
    CampaignStatus,
    Decision,
    Shot,
    ShotStatus,
    Verdict,
)


def verdicts(decisions) -> dict[int, str]:
    """The verdict of each take: the newest decision of each reviewer counts, and one
    request for changes outweighs approvals."""
    newest: dict[tuple[int, int], Decision] = {}
    for decision in decisions:
        key = (decision.render_id, decision.reviewer_id)
        if key not in newest or (decision.created_at, decision.pk) > (
            newest[key].created_at,
            newest[key].pk,
        ):
            newest[key] = decision
    result: dict[int, str] = {}
    for (render_id, _), decision in newest.items():
        if result.get(render_id) != Verdict.CHANGES_REQUESTED:
            result[render_id] = decision.verdict
    return result


@dataclass(frozen=True)
class ShotState:
    status: ShotStatus
    label: str
    takes: int
    retakes: int
    poster: Render | None = None  # the hero take, else the newest finished one with a poster


def shot_state(shot: Shot, takes: list[Render], take_verdicts: dict[int, str]) -> ShotState:
    """A shot's status follows from its takes."""
    mine = [t for t in takes if t.shot_id == shot.pk]
    completed = [t for t in mine if t.status == RenderStatus.COMPLETED]
    hero_verdict = take_verdicts.get(shot.hero_take_id) if shot.hero_take_id else None
    if hero_verdict == Verdict.APPROVED or any(
        take_verdicts.get(t.pk) == Verdict.APPROVED for t in completed
    ):
        status = ShotStatus.APPROVED
    elif any(t.status in IN_FLIGHT for t in mine):
        status = ShotStatus.GENERATING
    elif completed and take_verdicts.get(max(completed, key=lambda t: t.take).pk) == (
        Verdict.CHANGES_REQUESTED
    ):
        status = ShotStatus.CHANGES_REQUESTED
    elif any(t.pk not in take_verdicts for t in completed):
        status = ShotStatus.IN_REVIEW
    elif completed:
        status = ShotStatus.CHANGES_REQUESTED
    else:
        status = ShotStatus.DRAFT
    poster = shot.representative_take([t for t in completed if t.thumbnail_key])
    return ShotState(status, status.label, len(mine), max(0, len(mine) - 1), poster)


FOLLOWED = (
    CampaignStatus.PLANNING,
    CampaignStatus.IN_PRODUCTION,
    CampaignStatus.IN_REVIEW,
    CampaignStatus.APPROVED,
)


def work_status(campaign) -> str:
    """Where the work of a campaign stands: planning until the first take is requested, in
    production while takes are made, in review once every shot has a finished take and none is
    in flight, approved when every shot's hero take is approved. Asked at every take's end, so
    it asks the database questions rather than reading every take (constant work per take)."""
    takes = Render.objects.filter(shot__campaign=campaign, shot__deleted_at__isnull=True)
    if not takes.exists():
        return CampaignStatus.PLANNING
    shots = campaign.shots.all()
    heroes = list(shots.values_list("hero_take_id", flat=True))
    if heroes and None not in heroes:
        approved = verdicts(Decision.objects.filter(render_id__in=heroes))
        if all(approved.get(hero) == Verdict.APPROVED for hero in heroes):
            return CampaignStatus.APPROVED
    if (
        heroes
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


def campaign_states(campaign, shots: list[Shot]) -> dict[int, ShotState]:
    """Every shot's state in three queries, whatever the number of shots and takes."""
    takes = list(
        Render.objects.filter(shot__campaign=campaign).only(
            "pk", "shot_id", "take", "status", "thumbnail_key"
        )
    )
    decisions = Decision.objects.filter(render__shot__campaign=campaign).only(
        "pk", "render_id", "reviewer_id", "verdict", "created_at"
    )
    take_verdicts = verdicts(decisions)
    by_shot: dict[int, list[Render]] = {}
    for take in takes:  # grouped once: each shot reads only its own takes (linear, not n × m)
        by_shot.setdefault(take.shot_id, []).append(take)
    return {shot.pk: shot_state(shot, by_shot.get(shot.pk, []), take_verdicts) for shot in shots}
