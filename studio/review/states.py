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
    Shot,
    ShotStatus,
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
