"""Guest review links: owners make them; guests see only their scope, comment under a display
name when allowed, and never decide. Tokens are stored hashed; tries are rate limited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from generation.models import Render, RenderStatus
from studio import review
from studio.access import _get_campaign_for_user, allowed_actions
from studio.forms import ShareLinkForm
from studio.models import ShareLink
from studio.views.review import parse_timecode, thread
from studio.views.takes import ranged_file_response

MAX_TRIES = 5
TRY_WINDOW = 15 * 60
GUEST_PERMS: set[str] = set()


# --------------------------------------------------------------------------- owners


@login_required
@require_http_methods(["GET", "POST"])
def share_links(request, campaign_id: int):
    campaign = _get_campaign_for_user(request, campaign_id, "share")
    form = ShareLinkForm(request.POST or None, campaign=campaign)
    new_url = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _link, token = ShareLink.create(
                campaign=campaign,
                shot=data["shot"],
                days=data["days"],
                password=data["password"],
                allow_comments=data["allow_comments"],
                label=data["label"],
                user=request.user,
            )
            new_url = request.build_absolute_uri(reverse("guest_entry", args=[token]))
            form = ShareLinkForm(campaign=campaign)
        else:
            status = 422
    links = campaign.share_links.select_related("shot", "created_by")
    return render(
        request,
        "studio/share_links.html",
        {
            "campaign": campaign,
            "form": form,
            "links": links,
            "new_url": new_url,
            "perms_": allowed_actions(campaign.my_role),
        },
        status=status,
    )


@login_required
@require_POST
def share_revoke(request, campaign_id: int, link_id: int):
    campaign = _get_campaign_for_user(request, campaign_id, "share")
    link = get_object_or_404(campaign.share_links, pk=link_id)
    link.revoke()
    messages.success(request, "The link was revoked; it now leads nowhere.")
    return redirect("share_links", campaign_id=campaign.pk)


# --------------------------------------------------------------------------- guests


def _client_key(request) -> str:
    """The guest's address. Behind the TLS proxy of a production setup, the proxy appends the
    real client to X-Forwarded-For; its last entry is the one the proxy vouches for."""
    from django.conf import settings

    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def _throttled(name: str) -> bool:
    return (cache.get(name) or 0) >= MAX_TRIES


def _count_try(name: str) -> None:
    if cache.add(name, 1, TRY_WINDOW):
        return
    try:
        cache.incr(name)
    except ValueError:
        cache.set(name, 1, TRY_WINDOW)


def _too_many() -> HttpResponse:
    response = HttpResponse("Too many tries. Wait a few minutes and try again.", status=429)
    response["Retry-After"] = str(TRY_WINDOW)
    return response


def _link_for(request, token: str) -> ShareLink:
    """The usable link, or 404 (unknown, expired and revoked links look the same)."""
    misses = f"share-miss:{_client_key(request)}"
    if _throttled(misses):
        raise Http404
    link = ShareLink.find(token)
    if link is None:
        _count_try(misses)
        raise Http404
    return link


def _unlocked(request, link: ShareLink) -> bool:
    return not link.password_hash or request.session.get(f"share-{link.pk}") is True


def _scope(link: ShareLink):
    takes = Render.objects.filter(shot__campaign=link.campaign, status=RenderStatus.COMPLETED)
    if link.shot_id:
        takes = takes.filter(shot_id=link.shot_id)
    return takes


def _guest_take(request, token: str, render_id: int) -> tuple[ShareLink, Render]:
    link = _link_for(request, token)
    if not _unlocked(request, link):
        raise Http404
    take = _scope(link).select_related("shot__campaign").filter(pk=render_id).first()
    if take is None:
        raise Http404
    return link, take


@require_http_methods(["GET", "POST"])
def guest_entry(request, token: str):
    throttle = f"share-pw:{_client_key(request)}:{ShareLink.hash(token)[:16]}"
    link = _link_for(request, token)
    if not _unlocked(request, link):
        error = ""
        if request.method == "POST":
            if _throttled(throttle):
                return _too_many()
            if link.check_password(request.POST.get("password", "")):
                request.session[f"share-{link.pk}"] = True
                return redirect("guest_entry", token=token)
            _count_try(throttle)
            error = "That password is not right."
        return render(
            request,
            "studio/guest/password.html",
            {"link": link, "error": error},
            status=422 if error else 200,
        )
    takes = list(_scope(link).select_related("shot").order_by("shot__position", "-take"))
    return render(
        request, "studio/guest/scope.html", {"link": link, "token": token, "takes": takes}
    )


@require_http_methods(["GET", "POST"])
def guest_take(request, token: str, render_id: int):
    link, take = _guest_take(request, token, render_id)
    error = ""
    name = request.session.get("guest_name", "")
    if request.method == "POST":
        if not link.allow_comments:
            return HttpResponse("Comments are switched off for this link.", status=403)
        name = request.POST.get("guest_name", "").strip()[:80]
        try:
            if not name:
                raise ValidationError("Tell us your name so the team knows who commented.")
            review.add_comment(
                take,
                request.POST.get("body", ""),
                guest_name=name,
                share_link=link,
                timecode_ms=parse_timecode(request.POST.get("timecode")),
            )
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            request.session["guest_name"] = name
            return redirect("guest_take", token=token, render_id=take.pk)
    comments = list(take.comments.select_related("author").order_by("created_at", "pk"))
    return render(
        request,
        "studio/guest/take.html",
        {
            "link": link,
            "token": token,
            "take": take,
            "shot": take.shot,
            "comments": thread(comments),
            "error": error,
            "guest_name": name,
            "body": request.POST.get("body", "") if error else "",
        },
        status=422 if error else 200,
    )


def guest_media(request, token: str, render_id: int, variant: str):
    from generation import storage

    _link, take = _guest_take(request, token, render_id)
    key = {"video": take.video_key, "thumbnail": take.thumbnail_key}.get(variant)
    if not key:
        raise Http404
    if storage.is_remote():
        return redirect(storage.presigned_url(key))
    return ranged_file_response(request, key)
