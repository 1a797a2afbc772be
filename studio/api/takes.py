"""Takes (requested with an Idempotency-Key, read, cancelled) and decisions on them."""

from typing import TYPE_CHECKING, Literal, TypeAlias

from django.core.exceptions import ValidationError
from ninja import Header, Query, Router, Status

from generation import jobs
from generation.models import RenderStatus
from studio.api import keys
from studio.api.core import ERRORS, MAX_ID, ApiProblem, Cursor, Id, allow, items, page_of
from studio.api.keys import IDEMPOTENCY_KEY
from studio.api.schemas import DecisionIn, DecisionList, DecisionOut, TakeIn, TakeList, TakeOut
from studio.models import Decision, Take
from studio.review import decisions
from studio.shots import editing
from studio.team.access import (
    AuthedRequest,
    get_shot_for_user,
    get_take_for_user,
    get_workspace_for_user,
)

router = Router(tags=["takes"])

if TYPE_CHECKING:
    TakeStatus: TypeAlias = str | None
else:
    TakeStatus = Literal[tuple(RenderStatus.values)] | None  # type: ignore[valid-type]


@router.get("/takes", response={200: TakeList, **ERRORS})
def list_takes(
    request: AuthedRequest,
    campaign_id: int | None = Query(None, ge=1, le=MAX_ID),
    shot_id: int | None = Query(None, ge=1, le=MAX_ID),
    status: TakeStatus = None,
    cursor: Cursor = None,
    limit: int = Query(50, ge=1, le=200),
):
    """The workspace's takes, newest first; narrowed to a campaign, a shot or a status.
    Scope: read."""
    token = allow(request, "read")
    workspace = get_workspace_for_user(request, token.workspace.slug)
    takes = Take.objects.live().filter(shot__campaign__workspace=workspace)
    if campaign_id is not None:
        takes = takes.filter(shot__campaign_id=campaign_id)
    if shot_id is not None:
        takes = takes.filter(shot_id=shot_id)
    if status is not None:
        takes = takes.filter(status=status)
    rows, after = page_of(takes, cursor, limit)
    return {"items": items(rows, TakeOut), "next": after}


@router.post("/campaigns/{campaign_id}/shots/{shot_id}/takes", response={201: TakeList, **ERRORS})
def request_takes(
    request: AuthedRequest,
    campaign_id: Id,
    shot_id: Id,
    body: TakeIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key", pattern=IDEMPOTENCY_KEY),
):
    """1–4 takes of the shot as it is saved, priced and held to the campaign's hard budget.
    Send an `Idempotency-Key`: the same key again (a retry) answers with the takes it made,
    and never makes more. Scope: generate."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "generate")
    allow(request, "generate", "generate")
    key = keys.batch_key(request, idempotency_key)
    if Take.objects.filter(batch_key=key).exclude(shot=shot).exists():
        raise ApiProblem(
            422,
            "This Idempotency-Key was used for another shot's takes.",
            {"Idempotency-Key": ["Use a new key for a new request."]},
        )
    try:
        made = editing.request_takes(shot, request.user, variations=body.variations, batch_key=key)
    except editing.TakeRequestError as error:
        raise ApiProblem(422, error.message, {error.field or "": [error.message]}) from None
    if len(made) != body.variations:
        raise ApiProblem(
            422,
            "This Idempotency-Key was used for a request of another number of takes.",
            {"Idempotency-Key": ["Use a new key for a new request."]},
        )
    return Status(201, {"items": items(made, TakeOut), "next": None})


@router.get("/takes/{take_id}", response={200: TakeOut, **ERRORS})
def get_take(request: AuthedRequest, take_id: Id):
    """Scope: read."""
    found = get_take_for_user(request, take_id)
    allow(request, "read")
    return TakeOut.of(found)


@router.post("/takes/{take_id}/cancel", response={200: TakeOut, **ERRORS})
def cancel_take(request: AuthedRequest, take_id: Id):
    """Cancel a take still queued or in progress (409 when it is too late). Scope: generate."""
    take = get_take_for_user(request, take_id, "generate")
    allow(request, "generate", "generate")
    if not jobs.request_cancel(take, request.user):
        raise ApiProblem(409, f"Take {take.take} is {take.status}: it can no longer be cancelled.")
    take.refresh_from_db()
    return TakeOut.of(take)


@router.get("/takes/{take_id}/decisions", response={200: DecisionList, **ERRORS})
def list_decisions(
    request: AuthedRequest,
    take_id: Id,
    cursor: Cursor = None,
    limit: int = Query(50, ge=1, le=200),
):
    """Who approved the take or asked for changes, newest first. Scope: read."""
    take = get_take_for_user(request, take_id)
    allow(request, "read")
    found = Decision.objects.filter(render=take).select_related("reviewer")
    rows, after = page_of(found, cursor, limit)
    return {"items": items(rows, DecisionOut), "next": after}


@router.post("/takes/{take_id}/decisions", response={201: DecisionOut, **ERRORS})
def create_decision(request: AuthedRequest, take_id: Id, body: DecisionIn):
    """Approve the take or ask for changes, as the token's member. Scope: review."""
    take = get_take_for_user(request, take_id, "decide")
    allow(request, "review", "decide")
    try:
        decision = decisions.decide(take, request.user, body.verdict, body.note)
    except ValidationError as error:
        raise ApiProblem(409, error.messages[0]) from None
    return Status(201, DecisionOut.of(decision))
