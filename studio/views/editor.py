"""The shot editor: model and format, the structured prompt with live preview and lint, and
"Save" / "Save and generate". One pass down: the form is read, the prompt analysed once, and
that analysis serves the checks, the save, the takes and the page."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import trigger_client_event

from generation import catalog, prompts
from studio.models import Asset, PromptTemplate, Shot
from studio.shots import editing
from studio.shots.editor_forms import (
    SEGMENT_PREFIX,
    ReferenceImageForm,
    SegmentFormSet,
    ShotEditorForm,
    read_segments,
    whole_seconds,
)
from studio.team.access import get_shot_for_user
from studio.views import AuthedHtmxRequest
from studio.views.shot_page import shot_page_context

PAGE = "studio/shot_detail.html"
NOT_SAVED = "Not saved: fix what is marked below. Everything you typed is still here."
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
SEGMENT_FIELDS = ["start", "end", "camera", "action", "speed", "curve", "end_state"]


def _checked(shot: Shot, form: ShotEditorForm):
    """The form, checked against the catalog and lint, and its analysis (None when the form
    itself is invalid): computed once per request."""
    if not form.is_valid():
        return form, None
    analysis = editing.analyse(
        shot, form.values(), variations=form.cleaned_data.get("variations") or 1
    )
    for problem in analysis.problems:
        form.add_error(problem.field if problem.field in form.fields else None, problem.message)
    for item in analysis.errors:
        form.add_error(None, item.message)
    return form, analysis


def _lint_slots(form: ShotEditorForm) -> list[str]:
    segments = form.segments
    count = segments.total_form_count() if segments.is_bound else len(segments.initial or [])
    return STATIC_LINT_SLOTS + [f"seg-{i}-{f}" for i in range(count) for f in SEGMENT_FIELDS]


def editor_context(
    request: AuthedHtmxRequest, shot: Shot, form: ShotEditorForm, analysis, **extra
) -> dict:
    takes = list(shot.takes_newest_first())
    return shot_page_context(
        request,
        shot,
        form=form,
        model=form.model,
        analysis=analysis,
        lint_by_field=analysis.by_field() if analysis else {},
        lint_slots=_lint_slots(form),
        lint_scope=prompts.LINT_SCOPE,
        models=catalog.all_models(),
        reference_form=ReferenceImageForm(),
        assets=Asset.objects.filter(workspace_id=shot.campaign.workspace_id),
        seed_templates=prompts.SEED_TEMPLATES,
        workspace_templates=PromptTemplate.objects.filter(
            workspace_id=shot.campaign.workspace_id
        ).only("pk", "name"),
        output_size=catalog.parse_size(shot.size),
        takes=takes,
        poll_ids=[t.pk for t in takes if t.changing],
        **extra,
    )


def _editor(request: AuthedHtmxRequest, shot, form, analysis, status=200):
    return render(request, PAGE, editor_context(request, shot, form, analysis), status=status)


@login_required
@require_GET
def shot_detail(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "view")
    form = ShotEditorForm(shot=shot)
    if not form.segments.initial:  # the timeline always shows a segment to start from
        form.segments = SegmentFormSet(
            prefix=SEGMENT_PREFIX, initial=prompts.even_timeline(1, shot.seconds)
        )
    return _editor(request, shot, form, editing.analyse(shot))


@login_required
@require_POST
def shot_save(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form, analysis = _checked(shot, ShotEditorForm(request.POST, shot=shot))
    if form.errors:
        messages.error(request, NOT_SAVED)
        return _editor(request, shot, form, analysis, status=422)
    version = editing.save_shot(shot, request.user, form.values(), analysis)
    messages.success(
        request,
        f"Saved as version {version.number}."
        if version
        else "Saved; nothing changed since the last version.",
    )
    return redirect(shot)


@login_required
@require_POST
def shot_generate(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """Save what the editor shows, then make 1–4 takes of it."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "generate")
    form, analysis = _checked(shot, ShotEditorForm(request.POST, shot=shot))
    if form.errors:
        messages.error(request, NOT_SAVED + " No take was made.")
        return _editor(request, shot, form, analysis, status=422)
    editing.save_shot(shot, request.user, form.values(), analysis)
    try:
        takes = editing.request_takes(
            shot,
            request.user,
            variations=form.cleaned_data.get("variations") or 1,
            batch_key=_uuid(request.POST.get("batch_key")),
            analysis=analysis,
        )
    except editing.TakeRequestError as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
        messages.error(request, f"No take was made: {error.message}")
        return _editor(request, shot, form, analysis, status=422)
    numbers = ", ".join(str(t.take) for t in takes)
    messages.success(
        request,
        f"Take{'s' if len(takes) > 1 else ''} {numbers} queued.",
        extra_tags="while-working",
    )
    return redirect(f"{shot.get_absolute_url()}#takes")


def _uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


@login_required
@require_POST
def shot_preview(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ShotEditorForm(request.POST, shot=shot)
    analysis = None
    if form.is_valid():
        variations = form.cleaned_data.get("variations") or 1
        analysis = editing.analyse(shot, form.values(), variations=variations)
    context = editor_context(request, shot, form, analysis, oob=True)
    return render(request, f"{PAGE}#preview", context)


@login_required
@require_GET
def shot_options(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """The size and length choices of the chosen model, swapped in without a reload."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    form = ShotEditorForm.for_model(
        shot,
        request.GET.get("model_key", ""),
        request.GET.get("size", ""),
        request.GET.get("seconds", ""),
    )
    changes = editing.model_changes(
        shot, form.model.key, form.initial["size"], int(form.initial["seconds"])
    )
    context = shot_page_context(
        request,
        shot,
        form=form,
        model=form.model,
        models=catalog.all_models(),
        model_changes=changes,
    )
    response = render(request, f"{PAGE}#spec", context)
    response = trigger_client_event(response, "specChanged", after="settle")
    return trigger_client_event(response, "sizeChanged", after="settle")


@login_required
@require_POST
def shot_timeline(request: AuthedHtmxRequest, campaign_id: int, shot_id: int):
    """Add, remove or evenly spread timeline segments, keeping what was typed."""
    shot = get_shot_for_user(request, campaign_id, shot_id, "edit_shot")
    seconds = whole_seconds(request.POST.get("seconds"), shot.seconds)
    segments = prompts.edit_timeline(
        read_segments(request.POST), seconds, request.POST.get("op", "")
    )
    form = ShotEditorForm(shot=shot)
    form.segments = SegmentFormSet(prefix=SEGMENT_PREFIX, initial=segments)
    response = render(request, f"{PAGE}#timeline", shot_page_context(request, shot, form=form))
    return trigger_client_event(response, "specChanged", after="settle")
