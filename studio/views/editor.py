"""The shot editor: model and format, the structured prompt with live preview and lint, the
reference image, prompt versions and templates."""

from __future__ import annotations

import difflib
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from generation import catalog
from studio import prompting
from studio.access import _get_shot_for_user, allowed_actions
from studio.forms import (
    SEGMENT_PREFIX,
    FitForm,
    ReferenceImageForm,
    SaveTemplateForm,
    SegmentFormSet,
    ShotEditorForm,
)
from studio.models import PromptTemplate, Shot
from studio.views import parse_id
from studio.views.takes import take_cards

PAGE = "studio/shot_detail.html"
STATIC_LINT_SLOTS = [
    "scene",
    "subject",
    "beats",
    "camera",
    "lighting",
    "audio",
    "style",
    "timeline",
    "prompt",
]


def _analysis_for(shot: Shot, form: ShotEditorForm | None):
    """Analyse what is in the form if it is valid, else what is saved."""
    if form is not None and form.is_bound and form.is_valid():
        data = form.cleaned_data
        return prompting.analyse(
            form.to_prompt(),
            model_key=data["model_key"],
            size=data["size"],
            seconds=data["seconds"],
            campaign=shot.campaign,
            image_size=shot.reference_dimensions,
            variations=data.get("variations") or 1,
        )
    if form is not None and form.is_bound:
        return None
    return prompting.analyse(
        shot.prompt,
        model_key=shot.model_key,
        size=shot.size,
        seconds=shot.seconds,
        campaign=shot.campaign,
        image_size=shot.reference_dimensions,
    )


def _lint_slots(form: ShotEditorForm) -> list[str]:
    count = (
        form.segments.total_form_count()
        if form.segments.is_bound
        else len(form.segments.initial or [])
    )
    per_segment = ["start", "end", "camera", "action", "speed", "curve", "end_state"]
    return STATIC_LINT_SLOTS + [f"seg-{i}-{f}" for i in range(count) for f in per_segment]


def _context(request, shot: Shot, form: ShotEditorForm, **extra) -> dict:
    analysis = extra.pop("analysis", None) or _analysis_for(shot, form)
    takes = take_cards(shot)
    return {
        "shot": shot,
        "campaign": shot.campaign,
        "form": form,
        "model": form.model,
        "analysis": analysis,
        "lint_by_field": analysis.by_field() if analysis else {},
        "lint_slots": _lint_slots(form),
        "lint_scope": prompting.LINT_SCOPE,
        "models": catalog.MODELS.values(),
        "perms_": allowed_actions(shot.my_role),
        "reference_form": extra.pop("reference_form", None) or ReferenceImageForm(),
        "seed_templates": prompting.SEED_TEMPLATES,
        "workspace_templates": PromptTemplate.objects.filter(
            workspace_id=shot.campaign.workspace_id
        ).only("pk", "name"),
        "output_size": _output_size(shot.size),
        "takes": takes,
        "poll_ids": [t.pk for t in takes if t.in_flight],
        "batch_key": uuid.uuid4(),
        **extra,
    }


def _output_size(size: str) -> tuple[int, int] | None:
    try:
        return catalog.parse_size(size)
    except ValueError:
        return None


def _ensure_segment(form: ShotEditorForm, seconds: int) -> None:
    """The timeline section always shows at least one segment to start from."""
    if not form.is_bound and not form.segments.initial:
        form.segments = SegmentFormSet(
            prefix=SEGMENT_PREFIX, initial=prompting.even_timeline(1, seconds)
        )


@login_required
@require_GET
def shot_detail(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "view")
    form = ShotEditorForm(shot=shot)
    _ensure_segment(form, shot.seconds)
    return render(request, PAGE, _context(request, shot, form))


def save_from_form(request, shot: Shot):
    """Validate the editor's form against the catalog and lint, then save the shot and keep a
    version. Returns (form, analysis, version); the form has errors when nothing was saved."""
    form = ShotEditorForm(request.POST, shot=shot)
    analysis = _analysis_for(shot, form)
    if analysis is not None:
        for problem in analysis.problems:
            field = problem.field if problem.field in form.fields else None
            form.add_error(field, problem.message)
        for item in analysis.errors:
            form.add_error(None, item.message)
    if not form.is_valid():
        return form, analysis, None
    data = form.cleaned_data
    with transaction.atomic():
        shot.title = data["title"]
        shot.prompt = form.to_prompt()
        shot.model_key, shot.size, shot.seconds = data["model_key"], data["size"], data["seconds"]
        shot.save()
        version = shot.record_version(request.user, analysis.text)
    return form, analysis, version


def render_editor(request, shot: Shot, form, analysis, status=200):
    return render(request, PAGE, _context(request, shot, form, analysis=analysis), status=status)


NOT_SAVED = "Not saved: fix what is marked below. Everything you typed is still here."


@login_required
@require_POST
def shot_save(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form, analysis, version = save_from_form(request, shot)
    if form.errors:
        messages.error(request, NOT_SAVED)
        return render_editor(request, shot, form, analysis, status=422)
    messages.success(
        request,
        f"Saved as version {version.number}."
        if version
        else "Saved; nothing changed since the last version.",
    )
    return redirect(shot)


@login_required
@require_POST
def shot_preview(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ShotEditorForm(request.POST, shot=shot)
    return render(request, f"{PAGE}#preview", _context(request, shot, form, oob=True))


@login_required
@require_GET
def shot_options(request, campaign_id: int, shot_id: int):
    """The size and length choices of the chosen model, swapped in without a reload."""
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    model = catalog.get(request.GET.get("model_key", "")) or catalog.get(shot.model_key)
    size = request.GET.get("size", "")
    if size not in model.sizes:
        size = shot.size if shot.size in model.sizes else model.sizes[0]
    durations = model.durations_for(size)
    try:
        seconds = int(request.GET.get("seconds", ""))
    except ValueError:
        seconds = shot.seconds
    if seconds not in durations:
        seconds = min(durations, key=lambda d: abs(d - seconds))
    form = ShotEditorForm(
        shot=shot,
        initial={
            **ShotEditorForm.initial_for(shot),
            "model_key": model.key,
            "size": size,
            "seconds": seconds,
        },
    )
    form.model = model
    form.fields["size"].choices = [(s, catalog.size_label(s)) for s in model.sizes]
    form.fields["seconds"].choices = [(d, f"{d} s") for d in durations]
    response = render(
        request,
        f"{PAGE}#spec",
        {
            "form": form,
            "model": model,
            "shot": shot,
            "campaign": shot.campaign,
            "models": catalog.MODELS.values(),
        },
    )
    response = trigger_client_event(response, "specChanged", after="settle")
    return trigger_client_event(response, "sizeChanged", after="settle")


@login_required
@require_POST
def shot_timeline(request, campaign_id: int, shot_id: int):
    """Add, remove or evenly spread timeline segments, keeping what was typed."""
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    segments = _raw_segments(request.POST)
    try:
        seconds = int(request.POST.get("seconds", shot.seconds))
    except ValueError:
        seconds = shot.seconds
    op = request.POST.get("op", "")
    if op == "add":
        if segments:
            last = segments[-1]
            middle = round((last["start"] + last["end"]) / 2, 1)
            if middle <= last["start"]:
                segments = prompting.even_timeline(len(segments) + 1, seconds, segments)
            else:
                segments.append(
                    {
                        **prompting.normalize({"timeline": [{}]})["timeline"][0],
                        "start": middle,
                        "end": last["end"],
                        "connected": True,
                    }
                )
                last["end"] = middle
        else:
            segments = prompting.even_timeline(1, seconds)
    elif op.startswith("remove-") and len(segments) > 1:
        index = parse_id(op.removeprefix("remove-"))
        index = -1 if index is None else index
        if 0 <= index < len(segments):
            removed = segments.pop(index)
            if index > 0:
                segments[index - 1]["end"] = removed["end"]
            else:
                segments[0]["start"] = 0
    elif op == "even":
        segments = prompting.even_timeline(max(1, len(segments)), seconds, segments)
    form = ShotEditorForm(shot=shot)
    form.segments = SegmentFormSet(prefix=SEGMENT_PREFIX, initial=segments)
    response = render(
        request, f"{PAGE}#timeline", {"form": form, "shot": shot, "campaign": shot.campaign}
    )
    return trigger_client_event(response, "specChanged", after="settle")


def _raw_segments(data) -> list[dict]:
    """The timeline as typed, read leniently: a half-typed number must not lose the row."""
    try:
        count = min(int(data.get(f"{SEGMENT_PREFIX}-TOTAL_FORMS", 0)), 24)
    except ValueError:
        count = 0

    def number(raw, default):
        try:
            return float(raw)
        except (TypeError, ValueError):
            return default

    segments = []
    for i in range(count):
        row = {
            name: data.get(f"{SEGMENT_PREFIX}-{i}-{name}", "")
            for name in (
                "start",
                "end",
                "camera",
                "action",
                "speed",
                "curve",
                "end_state",
                "connected",
            )
        }
        segments.append(
            {
                "start": number(row["start"], 0.0),
                "end": number(row["end"], 0.0),
                "camera": row["camera"],
                "action": row["action"],
                "speed": number(row["speed"], 1.0),
                "curve": row["curve"] or "LINEAR",
                "end_state": row["end_state"],
                "connected": row["connected"] in ("on", "true"),
            }
        )
    return segments


# --------------------------------------------------------------------------- reference image


def _known_size(value: str | None, shot: Shot) -> str:
    """The size the editor shows now (it may be unsaved), if it is a size Reelroom knows."""
    if value and any(value in m.sizes for m in catalog.MODELS.values()):
        return value
    return shot.size


def _reference_response(request, shot, form=None, status=200):
    if not request.htmx:
        return redirect(shot)
    params = request.POST if request.method == "POST" else request.GET
    context = {
        "shot": shot,
        "campaign": shot.campaign,
        "reference_form": form or ReferenceImageForm(),
        "output_size": _output_size(_known_size(params.get("size"), shot)),
        "perms_": allowed_actions(shot.my_role),
    }
    response = render(request, f"{PAGE}#reference", context, status=status)
    if request.method == "POST":
        # The image changed: the preview re-checks it against the model.
        response = trigger_client_event(response, "specChanged", after="settle")
    return response


@login_required
@require_GET
def reference_card(request, campaign_id: int, shot_id: int):
    """The reference card again, for the size now chosen in the editor."""
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_upload(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ReferenceImageForm(request.POST, request.FILES)
    if not form.is_valid():
        if not request.htmx:
            messages.error(request, " ".join(form.errors.get("image", ["Upload failed."])))
        return _reference_response(request, shot, form, status=422)
    shot.set_reference(form.cleaned_data["image"], form.info)
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_fit(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = FitForm(request.POST)
    if not shot.reference_original or not form.is_valid():
        raise Http404
    size = _known_size(request.POST.get("size"), shot)
    if form.cleaned_data["mode"] == "original":
        shot.use_original_reference()
    else:
        shot.fit_reference(form.cleaned_data["mode"], catalog.parse_size(size))
    return _reference_response(request, shot)


@login_required
@require_POST
def reference_remove(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    shot.clear_reference()
    return _reference_response(request, shot)


@login_required
@require_GET
def reference_file(request, campaign_id: int, shot_id: int, which: str):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "view")
    key = {"original": shot.reference_original, "image": shot.reference_image}.get(which)
    if not key:
        raise Http404
    try:
        handle = default_storage.open(key, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle)
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --------------------------------------------------------------------------- versions


@login_required
@require_GET
def version_list(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "view")
    versions = shot.versions.select_related("author")
    return render(
        request,
        "studio/versions.html",
        {
            "shot": shot,
            "campaign": shot.campaign,
            "versions": versions,
            "perms_": allowed_actions(shot.my_role),
        },
    )


@login_required
@require_GET
def version_compare(request, campaign_id: int, shot_id: int, number: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "view")
    version = get_object_or_404(shot.versions, number=number)
    current = prompting.compiled_for(shot)
    kinds = {"-": "removed", "+": "added", " ": "same"}
    diff = [
        (kinds[line[0]], line[2:])
        for line in difflib.ndiff(version.compiled_text.splitlines(), current.splitlines())
        if line[0] in kinds
    ]
    settings_changes = [
        (label, old, new)
        for label, old, new in (
            ("Model", version.model_key, shot.model_key),
            ("Size", version.size, shot.size),
            ("Seconds", version.seconds, shot.seconds),
        )
        if old != new
    ]
    return render(
        request,
        "studio/version_compare.html",
        {
            "shot": shot,
            "campaign": shot.campaign,
            "version": version,
            "diff": diff,
            "settings_changes": settings_changes,
            "perms_": allowed_actions(shot.my_role),
        },
    )


@login_required
@require_POST
def version_restore(request, campaign_id: int, shot_id: int, number: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    version = get_object_or_404(shot.versions, number=number)
    with transaction.atomic():
        shot.prompt = version.prompt
        shot.model_key, shot.size, shot.seconds = version.model_key, version.size, version.seconds
        shot.save()
        new = shot.record_version(
            request.user, version.compiled_text, note=f"Restored from version {version.number}"
        )
    messages.success(
        request,
        f"Version {version.number} restored" + (f" as version {new.number}." if new else "."),
    )
    return redirect(shot)


# --------------------------------------------------------------------------- templates


@login_required
@require_POST
def template_apply(request, campaign_id: int, shot_id: int):
    """Start the shot from a seed example or a workspace template (the old prompt is kept in
    the history)."""
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    choice = request.POST.get("template", "")
    if choice.startswith("seed:") and choice[5:] in prompting.SEED_TEMPLATES:
        seed = prompting.SEED_TEMPLATES[choice[5:]]
        prompt, size, seconds, label = (
            prompting.template_prompt(choice[5:]),
            seed["size"],
            seed["seconds"],
            seed["label"],
        )
        model_key = (
            catalog.DEFAULT_MODEL if not catalog.get(shot.model_key).offered else (shot.model_key)
        )
    elif choice.startswith("ws:") and parse_id(choice[3:]):
        template = get_object_or_404(
            PromptTemplate, pk=parse_id(choice[3:]), workspace_id=shot.campaign.workspace_id
        )
        prompt, size, seconds, label = (
            template.prompt,
            template.size,
            template.seconds,
            template.name,
        )
        model_key = template.model_key
    else:
        raise Http404
    model = catalog.get(model_key)
    if model is None or not model.offered or size not in model.sizes:
        model_key = catalog.DEFAULT_MODEL
    before = prompting.compiled_for(shot)
    with transaction.atomic():
        shot.record_version(request.user, before, note="Before applying a template")
        shot.prompt, shot.model_key, shot.size, shot.seconds = prompt, model_key, size, seconds
        shot.save()
        shot.record_version(
            request.user, prompting.compiled_for(shot), note=f"From template “{label}”"
        )
    messages.success(request, f"Started from “{label}”. The previous prompt is in the history.")
    return redirect(shot)


@login_required
@require_POST
def template_save(request, campaign_id: int, shot_id: int):
    shot = _get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = SaveTemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the template a name.")
        return redirect(shot)
    PromptTemplate.objects.create(
        workspace_id=shot.campaign.workspace_id,
        name=form.cleaned_data["name"],
        prompt=shot.prompt,
        model_key=shot.model_key,
        size=shot.size,
        seconds=shot.seconds,
        created_by=request.user,
    )
    messages.success(request, f"Saved as the template “{form.cleaned_data['name']}”.")
    return redirect(shot)
