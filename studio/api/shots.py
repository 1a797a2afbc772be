"""Shots: listed, added, their prompt layers changed (through the shot editor's own form and
checks), and put in order."""

from django.db import transaction
from django.utils.datastructures import MultiValueDict
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile

from studio.api.core import ERRORS, ApiProblem, Cursor, Id, allow, form_problem, items, page_of
from studio.api.schemas import ShotIn, ShotList, ShotOrder, ShotOut, ShotUpdate
from studio.models import Campaign, Shot
from studio.shots import editing
from studio.shots.editor_forms import SEGMENT_PREFIX, ReferenceImageForm, ShotEditorForm
from studio.shots.forms import ShotForm
from studio.team.access import AuthedRequest, get_campaign_for_user, get_shot_for_user

router = Router(tags=["shots"])


@router.get("/campaigns/{campaign_id}/shots", response={200: ShotList, **ERRORS})
def list_shots(
    request: AuthedRequest,
    campaign_id: Id,
    cursor: Cursor = None,
    limit: int = Query(50, ge=1, le=200),
):
    """The campaign's shots, oldest first (`position` is their place on the board). Scope:
    read."""
    campaign = get_campaign_for_user(request, campaign_id)
    allow(request, "read")
    rows, after = page_of(Shot.objects.filter(campaign=campaign), cursor, limit, oldest_first=True)
    return {"items": items(rows, ShotOut), "next": after}


@router.post("/campaigns/{campaign_id}/shots", response={201: ShotOut, **ERRORS})
def create_shot(request: AuthedRequest, campaign_id: Id, body: ShotIn):
    """A shot at the end of the board. Scope: generate."""
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    allow(request, "generate", "edit_shot")
    form = ShotForm(body.dict())
    if not form.is_valid():
        raise form_problem(form)
    shot = form.save(commit=False)
    shot.size = campaign.size_for(shot.model_key) or shot.size
    return Status(201, ShotOut.of(Shot.add(campaign, shot)))


@router.get("/campaigns/{campaign_id}/shots/{shot_id}", response={200: ShotOut, **ERRORS})
def get_shot(request: AuthedRequest, campaign_id: Id, shot_id: Id):
    """Scope: read."""
    found = get_shot_for_user(request, campaign_id, shot_id)
    allow(request, "read")
    return ShotOut.of(found)


@router.patch("/campaigns/{campaign_id}/shots/{shot_id}", response={200: ShotOut, **ERRORS})
def update_shot(request: AuthedRequest, campaign_id: Id, shot_id: Id, body: ShotUpdate):
    """Change the prompt's layers, the model, size or length: checked as the shot editor
    checks them (the catalog, the brand's banned words, the prompt's limit) and saved as a new
    version of the prompt. Scope: generate."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    allow(request, "generate", "edit_shot")
    data = _editor_data(shot, body.dict(exclude_unset=True))
    form = ShotEditorForm(data, shot=shot)
    if not form.is_valid():
        raise form_problem(form)
    analysis = editing.analyse(shot, form.values())
    for problem in analysis.problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
    for item in analysis.errors:
        form.add_error(None, item.message)
    if form.errors:
        raise form_problem(form)
    editing.save_shot(shot, request.user, form.values(), analysis)
    shot.refresh_from_db()
    return ShotOut.of(shot)


def _editor_data(shot: Shot, given: dict) -> dict:
    """What the editor's form would post: the shot as it is, with `given` over it."""
    data = {k: ("" if v is None else v) for k, v in ShotEditorForm.initial_for(shot).items()}
    for name, value in given.items():
        if value is None:
            continue
        if name in ("beats", "audio_dialogue"):
            value = "\n".join(str(line) for line in value)
        elif name == "audio_generate":
            value = "on" if value else "off"
        data[name] = value
    segments = (shot.prompt or {}).get("timeline", []) or []
    data[f"{SEGMENT_PREFIX}-TOTAL_FORMS"] = str(len(segments))
    data[f"{SEGMENT_PREFIX}-INITIAL_FORMS"] = str(len(segments))
    for i, segment in enumerate(segments):
        for key, value in segment.items():
            if isinstance(value, bool):
                value = "on" if value else ""
            data[f"{SEGMENT_PREFIX}-{i}-{key}"] = "" if value is None else str(value)
    return data


@router.post(
    "/campaigns/{campaign_id}/shots/{shot_id}/reference", response={200: ShotOut, **ERRORS}
)
def upload_reference(
    request: AuthedRequest, campaign_id: Id, shot_id: Id, image: File[UploadedFile]
):
    """The shot's reference image (its first frame): JPEG, PNG or WebP, checked by its content
    as the shot page checks it (format, size, pixels). Scope: generate."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    allow(request, "generate", "edit_shot")
    form = ReferenceImageForm({}, MultiValueDict({"image": [image]}))
    if not form.is_valid():
        raise form_problem(form)
    shot.set_reference(form.cleaned_data["image"], form.info)
    return ShotOut.of(shot)


@router.put("/campaigns/{campaign_id}/shot-order", response={200: ShotList, **ERRORS})
def order_shots(request: AuthedRequest, campaign_id: Id, body: ShotOrder):
    """Put the board in this order: every shot of the campaign, once. Scope: generate."""
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    allow(request, "generate", "edit_shot")
    with transaction.atomic():
        Campaign.lock(campaign.pk)
        have = set(Shot.objects.filter(campaign=campaign).values_list("pk", flat=True))
        if len(body.shots) != len(set(body.shots)) or set(body.shots) != have:
            raise ApiProblem(
                409,
                "Name every shot of the campaign once (the board as it is now), in the order "
                "wanted.",
                {"shots": [f"The campaign's shots are {sorted(have)}."]},
            )
        for position, pk in enumerate(body.shots, start=1):
            Shot.objects.filter(pk=pk).update(position=position)
    rows = list(Shot.objects.filter(campaign=campaign).order_by("position", "pk"))
    return {"items": items(rows, ShotOut), "next": None}
