"""The spots page: each format's finished ad (its player with the channel's safe zone, its
running time against the channel's window, its preflight), how the campaign's spots are
finished, the pieces' in and out points, and the brand files finishing uses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST

from generation import storage
from studio.models import BrandFile, Spot, Verdict
from studio.production import brand_files, spot_review, spots, trims
from studio.production.spot_forms import BrandFileForm, FinishForm, TrimForm
from studio.review.comments import drawings, kept, markers, posted
from studio.team.access import allowed_actions, get_campaign_for_user, get_take_for_user
from studio.views import AuthedHtmxRequest, parse_id, render_page

PAGE = "studio/spots.html"


def _context(request: AuthedHtmxRequest, campaign, **extra) -> dict:
    perms = allowed_actions(campaign.my_role)
    finish = spots.finish_of(campaign)
    formats = spot_review.reviewed(campaign)
    return {
        "campaign": campaign,
        "perms_": perms,
        "formats": formats,
        "in_flight": any(r.shown.latest and r.shown.latest.in_flight for r in formats),
        "finish_form": extra.pop("finish_form", None)
        or FinishForm(instance=finish, workspace_id=campaign.workspace_id),
        "file_form": extra.pop("file_form", None) or BrandFileForm(),
        "brand_files": BrandFile.objects.filter(workspace_id=campaign.workspace_id),
        **extra,
    }


@login_required
@require_GET
def spots_page(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    return render_page(request, PAGE, _context(request, campaign), partial="spots")


@login_required
@require_POST
def spot_make(request: AuthedHtmxRequest, campaign_id: int):
    """Make (or make again) one format's spot, or every format's."""
    campaign = get_campaign_for_user(request, campaign_id, "generate")
    if request.POST.get("format") == "all":
        made, problems = spots.request_all(campaign, request.user)
    else:
        fmt = campaign.formats.filter(pk=parse_id(request.POST.get("format")) or 0).first()
        if fmt is None:
            raise Http404
        spot, problem = spots.request_spot(campaign, fmt, request.user)
        made, problems = ([spot] if spot else []), ([problem] if problem else [])
    if made:
        names = ", ".join(spot.format.name for spot in made)
        messages.success(request, f"Spots queued: {names}.", extra_tags="while-working")
    for problem in problems:
        messages.error(request, problem)
    return redirect(reverse("studio:spots", args=[campaign.pk]) + "#spots")


@login_required
@require_POST
def spot_finish(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    form = FinishForm(
        request.POST, instance=spots.finish_of(campaign), workspace_id=campaign.workspace_id
    )
    if not form.is_valid():
        context = _context(request, campaign, finish_form=form)
        return render_page(request, PAGE, context, partial="finishing", status=422)
    form.save()
    messages.success(request, "Finishing saved. Make the spots again to see it.")
    return redirect(reverse("studio:spots", args=[campaign.pk]) + "#finishing")


@login_required
@require_POST
def spot_trim(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "edit_shot")
    fmt = campaign.formats.filter(pk=parse_id(request.POST.get("format")) or 0).first()
    shot_id = parse_id(request.POST.get("shot"))
    if fmt is None or shot_id is None:
        raise Http404
    if request.POST.get("whole"):
        trims.clear_trim(fmt, shot_id)
        messages.success(request, "The whole take plays in the spot.")
    else:
        form = TrimForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
        elif problem := trims.set_trim(
            campaign, fmt, shot_id, float(form.cleaned_data["start"]),
            float(form.cleaned_data["end"]), request.user,
        ):  # fmt: skip
            messages.error(request, problem)
        else:
            messages.success(request, "In and out points set. Make the spot again to see them.")
    return redirect(reverse("studio:spots", args=[campaign.pk]) + f"#format-{fmt.pk}")


@login_required
@require_POST
def brand_file_add(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "manage_assets")
    form = BrandFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = brand_files.add(
                campaign.workspace, form.cleaned_data["file"], form.cleaned_data["name"],
                form.cleaned_data["kind"], request.user,
            )  # fmt: skip
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, f"“{added.name}” added: choose it under Finishing.")
            return redirect(reverse("studio:spots", args=[campaign.pk]) + "#finishing")
    context = _context(request, campaign, file_form=form)
    return render_page(request, PAGE, context, partial="finishing", status=422)


@login_required
@require_GET
def spot_media(request: AuthedHtmxRequest, campaign_id: int, spot_id: int, variant: str):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    spot = Spot.objects.filter(pk=spot_id, campaign=campaign).select_related("format").first()
    keys = {"video": "video_key", "thumbnail": "thumbnail_key", "srt": "srt_key", "vtt": "vtt_key"}
    key = getattr(spot, keys[variant]) if spot and variant in keys else ""
    if spot is None or not key:
        raise Http404
    name = ""
    if request.GET.get("download") == "1" or variant in ("srt", "vtt"):
        extension = {"video": "mp4", "thumbnail": "jpg"}.get(variant, variant)
        name = f"{slugify(campaign.name)}-{spot.format.channel.slug}.{extension}"
    return storage.serve(request, key, download_as=name)


def _spot_of(campaign, spot_id: int) -> Spot:
    spot = Spot.objects.filter(pk=spot_id, campaign=campaign).select_related("format").first()
    if spot is None:
        raise Http404
    return spot


@login_required
@require_POST
def spot_decide(request: AuthedHtmxRequest, campaign_id: int, spot_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "decide")
    spot = _spot_of(campaign, spot_id)
    verdict = request.POST.get("verdict", "")
    try:
        spot_review.decide(spot, verdict, request.POST.get("note", ""), reviewer=request.user)
    except ValidationError as problem:
        messages.error(request, problem.messages[0])
    else:
        said = "approved" if verdict == Verdict.APPROVED else "sent back with your note"
        messages.success(request, f"The {spot.format.name} spot is {said}.")
    return redirect(reverse("studio:spots", args=[campaign.pk]) + f"#format-{spot.format_id}")


@login_required
@require_POST
def spot_comment(request: AuthedHtmxRequest, campaign_id: int, spot_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "comment")
    spot = _spot_of(campaign, spot_id)
    on_review_page = "timecode" in request.POST  # the review page's form: its player's fields
    try:
        at = posted(request.POST) if on_review_page else timecodes(request.POST)
        spot_review.comment(
            spot, request.POST.get("body", ""), author=request.user,
            visible_to_guests=request.POST.get("visible_to_guests") == "on", **at,
        )  # fmt: skip
    except ValidationError as problem:
        if on_review_page:
            context = _review_context(request, campaign, spot, comment_error=problem.messages[0])
            return render(request, REVIEW_PAGE, {**context, **kept(request.POST)}, status=422)
        messages.error(request, problem.messages[0])
    if on_review_page:
        return redirect("studio:spot_review", campaign.pk, spot.pk)
    return redirect(reverse("studio:spots", args=[campaign.pk]) + f"#format-{spot.format_id}")


REVIEW_PAGE = "studio/spot_review.html"


def _review_context(request: AuthedHtmxRequest, campaign, spot: Spot, **extra) -> dict:
    perms = allowed_actions(campaign.my_role)
    reviewed = next(
        r for r in spot_review.reviewed(campaign) if r.shown.format.pk == spot.format_id
    )
    comments = list(spot.comments.select_related("author", "shot"))
    return {
        "campaign": campaign,
        "spot": spot,
        "channel": spot.format.channel,
        "reviewed": reviewed,
        "current": reviewed.shown.shown == spot and not reviewed.shown.stale,
        "comments": comments,
        "markers": markers(comments),  # type: ignore[arg-type]
        "drawings": drawings(comments),  # type: ignore[arg-type]
        "perms_": perms,
        **extra,
    }


@login_required
@require_GET
def spot_review_page(request: AuthedHtmxRequest, campaign_id: int, spot_id: int):
    """One spot reviewed as a take is: the review player (keys, markers, loops), comments at a
    time or over a range with drawings on the frame, and the decision."""
    campaign = get_campaign_for_user(request, campaign_id, "view")
    spot = _spot_of(campaign, spot_id)
    if spot.status != "completed":
        raise Http404
    return render(request, REVIEW_PAGE, _review_context(request, campaign, spot))


def timecodes(data) -> dict:
    """The posted in and out points ("at", "end" in seconds) as milliseconds; bad numbers are
    a ValidationError that says so."""
    out: dict = {"timecode_ms": None, "end_ms": None}
    for field, key in (("at", "timecode_ms"), ("end", "end_ms")):
        value = (data.get(field) or "").strip()
        if not value:
            continue
        try:
            seconds = float(value)
        except ValueError:
            raise ValidationError(f"“{value[:20]}” is not a time in seconds.") from None
        if not 0 <= seconds < 24 * 3600:
            raise ValidationError("The time is outside the spot.")
        out[key] = round(seconds * 1000)
    return out


@login_required
@require_POST
def take_trim(request: AuthedHtmxRequest, render_id: int):
    """In and out points set on the take's player (I and O) for the spots it is in."""
    take = get_take_for_user(request, render_id, "edit_shot")
    form = TrimForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    else:
        start, end = float(form.cleaned_data["start"]), float(form.cleaned_data["end"])
        names, problem = trims.trim_take(take, start, end, request.user)
        if problem:
            messages.error(request, problem)
        else:
            messages.success(
                request,
                f"In {start:.2f} s, out {end:.2f} s in the {', '.join(names)} spot"
                f"{'s' if len(names) > 1 else ''}. Make the spots again to see it.",
            )
    return redirect("studio:take_page", take.pk)
