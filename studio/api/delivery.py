"""Spots and versions (made, read, approved), the delivery package, and media."""

from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from ninja import Query, Router, Status

from generation import storage
from studio.api.core import ERRORS, ApiProblem, Cursor, Id, allow, items, page_of, problem
from studio.api.schemas import DecisionIn, Delivery, SpotList, SpotMake, SpotOut, SpotsMade
from studio.models import Spot
from studio.production import delivery, spot_review, spots, versions
from studio.team import audit
from studio.team.access import AuthedRequest, get_campaign_for_user, get_take_for_user

router = Router(tags=["delivery"])

BINARY = {"content": {"video/mp4": {"schema": {"type": "string", "format": "binary"}}}}
ZIP = {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}


def _spot(campaign, spot_id: int) -> Spot:
    spot = (
        Spot.objects.filter(pk=spot_id, campaign=campaign)
        .select_related("format", "market", "hook")
        .first()
    )
    if spot is None:
        raise Http404
    return spot


@router.get("/campaigns/{campaign_id}/spots", response={200: SpotList, **ERRORS})
def list_spots(
    request: AuthedRequest,
    campaign_id: Id,
    cursor: Cursor = None,
    limit: int = Query(50, ge=1, le=200),
):
    """Every spot and version made for the campaign, newest first (`market` and `hook` name
    a version's). Scope: read."""
    campaign = get_campaign_for_user(request, campaign_id)
    allow(request, "read")
    found = Spot.objects.filter(campaign=campaign).select_related("format", "market", "hook")
    rows, after = page_of(found, cursor, limit)
    return {"items": items(rows, SpotOut), "next": after}


@router.post("/campaigns/{campaign_id}/spots", response={202: SpotsMade, **ERRORS})
def make_spots(request: AuthedRequest, campaign_id: Id, body: SpotMake):
    """Make one format's spot, or every format's: rendered from the queue (poll the spot).
    Scope: deliver."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    allow(request, "deliver")
    if body.format_id is None:
        made, problems = spots.request_all(campaign, request.user)
    else:
        fmt = campaign.formats.filter(pk=body.format_id).first()
        if fmt is None:
            raise ApiProblem(
                422, "No such format in this campaign.", {"format_id": ["Unknown format."]}
            )
        spot, said = spots.request_spot(campaign, fmt, request.user)
        made, problems = ([spot] if spot else []), ([said] if said else [])
    return Status(202, SpotsMade(spots=[SpotOut.of(s) for s in made], problems=problems))


@router.post("/campaigns/{campaign_id}/versions", response={202: SpotsMade, **ERRORS})
def make_versions(request: AuthedRequest, campaign_id: Id):
    """Make every version (market × hook × format) that is missing or stale. Scope: deliver."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    allow(request, "deliver")
    made, problems = versions.make_all(campaign, request.user)
    return Status(202, SpotsMade(spots=[SpotOut.of(s) for s in made], problems=problems))


@router.get("/campaigns/{campaign_id}/spots/{spot_id}", response={200: SpotOut, **ERRORS})
def get_spot(request: AuthedRequest, campaign_id: Id, spot_id: Id):
    """Scope: read."""
    found = _spot(get_campaign_for_user(request, campaign_id), spot_id)
    allow(request, "read")
    return SpotOut.of(found)


@router.post(
    "/campaigns/{campaign_id}/spots/{spot_id}/decisions", response={201: SpotOut, **ERRORS}
)
def decide_spot(request: AuthedRequest, campaign_id: Id, spot_id: Id, body: DecisionIn):
    """Approve a finished spot or ask for changes. Scope: review."""
    campaign = get_campaign_for_user(request, campaign_id, "decide")
    allow(request, "review", "decide")
    spot = _spot(campaign, spot_id)
    try:
        spot_review.decide(spot, body.verdict, body.note, reviewer=request.user)
    except ValidationError as error:
        raise ApiProblem(409, error.messages[0]) from None
    return Status(201, SpotOut.of(spot))


@router.get("/campaigns/{campaign_id}/delivery", response={200: Delivery, **ERRORS})
def get_delivery(request: AuthedRequest, campaign_id: Id):
    """What the delivery package holds now, and where to download it. Scope: deliver."""
    campaign = get_campaign_for_user(request, campaign_id)
    allow(request, "deliver")
    pkg = delivery.package(campaign)
    waiting = delivery.sign_missing(pkg) if pkg.entries else 0
    ready = bool(pkg.entries) and not waiting
    return Delivery(
        files=len(pkg.entries) + len(pkg.spots) + len(pkg.versions),
        bytes=pkg.total_bytes,
        waiting_for_signature=waiting,
        download_url=f"/api/v1/campaigns/{campaign.pk}/delivery/package" if ready else None,
    )


@router.get(
    "/campaigns/{campaign_id}/delivery/package",
    response={200: None, 503: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The ZIP", **ZIP}}},
)
def download_package(request: AuthedRequest, campaign_id: Id):
    """The signed delivery package (ZIP with the manifest); 503 with Retry-After while a file
    is being signed. Scope: deliver."""
    campaign = get_campaign_for_user(request, campaign_id)
    allow(request, "deliver")
    pkg = delivery.package(campaign)
    if not pkg.entries:
        raise ApiProblem(409, "Nothing is approved yet: there is no package to make.")
    if waiting := delivery.sign_missing(pkg):
        return problem(503, f"{waiting} file(s) are being signed; try again.", Retry_After="10")
    audit.exported(campaign.workspace_id, f"delivery package of “{campaign.name}” (API)")
    stream = delivery.stream(pkg)
    response = StreamingHttpResponse(stream, content_type="application/zip")
    response["Content-Length"] = str(len(stream))
    response["Content-Disposition"] = f'attachment; filename="{pkg.filename}"'
    return response


@router.get(
    "/takes/{take_id}/video",
    response={200: None, **ERRORS},
    openapi_extra={"responses": {200: {"description": "The take’s MP4", **BINARY}}},
)
def take_video(request: AuthedRequest, take_id: Id):
    """The take's video (a redirect to a short-lived bucket URL where it is in S3). Scope:
    read."""
    take = get_take_for_user(request, take_id)
    allow(request, "read")
    if not take.video_key:
        raise ApiProblem(404, "The take has no video yet.")
    return storage.serve(request, take.video_key)
