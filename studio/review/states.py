"""What a shot's review status is: each take's verdict (the newest decision of each
reviewer, changes outweighing approvals), a shot's state, and the campaign's status that
follows its work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from django.utils import timezone

from generation.models import IN_FLIGHT, Render, RenderStatus
from studio.models import (
    CLIENT,
    Campaign,
    CampaignStatus,
    Decision,
    Deliverable,
    Shot,
    ShotStatus,
    Spot,
    SpotDecision,
    SpotStatus,
    Take,
    Verdict,
)

T = TypeVar("T", bound=Render)  # a take, as the engine's Render or the studio's Take


@dataclass(frozen=True)
class Required:
    """Who must sign a campaign's takes off: members (by id) and perhaps the client. With
    nobody named, any reviewer's approval approves a take."""

    members: frozenset[int] = frozenset()
    client: bool = False
    names: dict[int, str] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.members or self.client)

    @property
    def deciders(self) -> list[int | str]:
        return [
            *sorted(self.members, key=lambda pk: self.names.get(pk, "")),
            *([CLIENT] if self.client else []),
        ]

    def name(self, decider: int | str) -> str:
        return "the client" if decider == CLIENT else self.names.get(int(decider), "a member")


NOBODY = Required()


def required_of(campaign_ids) -> dict[int, Required]:
    """Each campaign's required approvers, in one query whatever the number of campaigns."""
    ids = list(set(campaign_ids))
    if not ids:
        return {}
    rows = Campaign.objects.filter(pk__in=ids).values_list(
        "pk",
        "client_must_approve",
        "approvers__id",
        "approvers__username",
        "approvers__first_name",
        "approvers__last_name",
    )
    members: dict[int, set[int]] = {pk: set() for pk in ids}
    clients: set[int] = set()
    names: dict[int, str] = {}
    for campaign_id, client, user_id, username, first, last in rows:
        if client:
            clients.add(campaign_id)
        if user_id is not None:
            members[campaign_id].add(user_id)
            names[user_id] = f"{first} {last}".strip() or username
    return {
        pk: Required(frozenset(members[pk]), pk in clients, names)
        if members[pk] or pk in clients
        else NOBODY
        for pk in ids
    }


def required_for(campaign_id: int) -> Required:
    return required_of([campaign_id])[campaign_id]


@dataclass(frozen=True)
class Approval:
    """Where one take stands with its reviewers: the verdict (None while it waits), who
    approved, who asked for changes, and which required approvers are still to decide."""

    verdict: str | None = None
    approved_by: tuple[str, ...] = ()
    changes_by: tuple[str, ...] = ()
    waiting_for: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.verdict == Verdict.APPROVED:
            return "Approved"
        if self.verdict == Verdict.CHANGES_REQUESTED:
            return "Changes requested"
        return "Waiting for " + ", ".join(self.waiting_for) if self.waiting_for else "To review"


PENDING = Approval()


def newest_decisions(decisions) -> dict[int, dict[int | str, Decision]]:
    """Each take's newest decision of each reviewer (the client counts as one)."""
    newest: dict[int, dict[int | str, Decision]] = {}
    for decision in decisions:
        mine = newest.setdefault(decision.render_id, {})
        key = decision.decider
        if key not in mine or (decision.created_at, decision.pk) > (
            mine[key].created_at,
            mine[key].pk,
        ):
            mine[key] = decision
    return newest


def _who(decision: Decision, required: Required) -> str:
    if decision.is_client:
        return "the client"
    if decision.reviewer_id in required.names:
        return required.names[decision.reviewer_id]
    reviewer = decision.reviewer if "reviewer" in decision._state.fields_cache else None
    return (reviewer.get_full_name() or reviewer.get_username()) if reviewer else "a reviewer"


def approval(newest: dict[int | str, Decision], required: Required) -> Approval:
    """One take's approval. Without required approvers (today's rule): one request for
    changes outweighs approvals, else one approval approves. With them: approved when every
    required approver approved and nobody asked for changes since the first of those
    approvals; a request for changes otherwise stands until its author approves."""
    approvals = [d for d in newest.values() if d.verdict == Verdict.APPROVED]
    changes = [d for d in newest.values() if d.verdict == Verdict.CHANGES_REQUESTED]
    approved_by = tuple(_who(d, required) for d in approvals)
    changes_by = tuple(_who(d, required) for d in changes)
    if not required.any:
        verdict = Verdict.CHANGES_REQUESTED if changes else Verdict.APPROVED if approvals else None
        return Approval(verdict, approved_by, changes_by)
    signed = {
        key: newest[key]
        for key in required.deciders
        if key in newest and newest[key].verdict == Verdict.APPROVED
    }
    waiting = [key for key in required.deciders if key not in signed]
    if not waiting:
        last_change = max(((d.created_at, d.pk) for d in changes), default=None)
        stale = [
            key
            for key, d in signed.items()
            if last_change is not None and (d.created_at, d.pk) < last_change
        ]
        if not stale:
            return Approval(Verdict.APPROVED, approved_by, changes_by)
        waiting = stale  # they signed before the changes were asked for: they look again
    verdict = Verdict.CHANGES_REQUESTED if changes else None
    names = tuple(required.name(key) for key in waiting)
    return Approval(verdict, approved_by, changes_by, names)


def approvals(decisions, required: Required = NOBODY) -> dict[int, Approval]:
    """Every decided take's approval (a take nobody decided on is PENDING)."""
    return {pk: approval(mine, required) for pk, mine in newest_decisions(decisions).items()}


def verdicts(decisions, required: Required = NOBODY) -> dict[int, str]:
    """The verdict of each take that has one (see `approval`)."""
    return {
        pk: a.verdict for pk, a in approvals(decisions, required).items() if a.verdict is not None
    }


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


def delivered_take(done: list[T], chosen_id, shot_hero_id, take_verdicts) -> T | None:
    """The take a cell (a shot in one format) delivers, from its finished takes newest
    first: the one chosen for the cell, else the shot's hero, else the newest approved."""
    return (
        next((t for t in done if t.pk == chosen_id), None)
        or next((t for t in done if t.pk == shot_hero_id), None)
        or next((t for t in done if take_verdicts.get(t.pk) == Verdict.APPROVED), None)
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
    for spot in Spot.objects.filter(campaign=campaign, status=SpotStatus.COMPLETED).only(
        "pk", "format_id", "preflight", "status", "created_at"
    ):
        newest.setdefault(spot.format_id, spot)
    if not newest:
        return not Spot.objects.filter(campaign=campaign).exists()
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


def campaign_states(campaign, shots: list[Shot]) -> dict[int, ShotState]:
    """The state of each of `shots` (the campaign's, or a page of them) in three queries,
    whatever the number of shots and takes."""
    pks = [shot.pk for shot in shots]
    takes = list(
        Take.objects.filter(shot_id__in=pks).only(
            "pk", "shot_id", "take", "status", "thumbnail_key"
        )
    )
    decisions = Decision.objects.filter(render_id__in=[take.pk for take in takes]).only(
        "pk", "render_id", "reviewer_id", "verdict", "created_at"
    )
    take_verdicts = verdicts(decisions, required_for(campaign.pk))
    by_shot: dict[int, list[Render]] = {}
    for take in takes:  # grouped once: each shot reads only its own takes (linear, not n × m)
        by_shot.setdefault(take.shot_id, []).append(take)
    return {shot.pk: shot_state(shot, by_shot.get(shot.pk, []), take_verdicts) for shot in shots}


UNDO_SECONDS = 600  # how long a member can take their decision back


def with_approvals(takes, campaign_id: int | None = None, user=None) -> list[Render]:
    """Give each take its `approval` under its campaign's rule (`campaign_id`, or each take's
    shot's, loaded) and, for `user`, `undoable`: their own decision on it when it is their
    newest and recent enough to take back (the "Undo" beside it). Two queries, whatever the
    number of takes and campaigns; none for no takes."""
    takes = list(takes)
    if not takes:
        return takes
    decisions = Decision.objects.filter(render_id__in=[t.pk for t in takes]).select_related(
        "reviewer"
    )
    newest = newest_decisions(decisions)
    campaign_of = {t.pk: campaign_id or t.shot.campaign_id for t in takes}
    required = required_of(campaign_of.values())
    own = undoable(newest, user)
    for take in takes:
        take.approval = approval(newest.get(take.pk, {}), required[campaign_of[take.pk]])
        take.undoable = own.get(take.pk)
    return takes


def undoable(newest: dict[int, dict[int | str, Decision]], user) -> dict[int, Decision]:
    """`user`'s own newest decision on each take, where it is recent enough to take back."""
    if user is None:
        return {}
    since = timezone.now() - timedelta(seconds=UNDO_SECONDS)
    return {
        pk: mine[user.pk]
        for pk, mine in newest.items()
        if user.pk in mine and mine[user.pk].created_at >= since
    }
