"""Guest review links: owners make them; guests see only their scope, comment under a display
name when allowed, and never decide. Tokens are stored hashed; tries are rate limited."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from generation import storage
from generation.models import Render
from studio.models import (
    Area,
    Membership,
    Role,
    ShareLink,
    Take,
    Verdict,
    label_formats,
    name_formats,
)
from studio.production import delivery, spot_review
from studio.review.comments import (
    add_comment,
    clean_guest_name,
    drawings,
    kept,
    markers,
    posted,
    thread,
)
from studio.review.decisions import decide_as_client
from studio.review.forms import ShareLinkForm
from studio.review.states import with_approvals
from studio.team import audit, throttle
from studio.team.access import (
    LinkUnavailable,
    allowed_actions,
    get_campaign_for_user,
    get_link_for_guest,
    get_take_for_guest,
)
from studio.views import AuthedHtmxRequest, HtmxRequest

# --------------------------------------------------------------------------- owners


@login_required
@require_http_methods(["GET", "POST"])
def share_links(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "share")
    form = ShareLinkForm(request.POST or None, campaign=campaign)
    new_url = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            _link, token = ShareLink.create(
                campaign=campaign,
                shot=data["shot"],
                market=data.get("market"),
                days=data["days"],
                password=data["password"],
                group_by=data.get("group_by") or "format",
                label=data["label"],
                **form.permissions,
                user=request.user,
            )
            new_url = request.build_absolute_uri(reverse("studio:guest_entry", args=[token]))
            form = ShareLinkForm(campaign=campaign)
        else:
            status = 422
    links = campaign.share_links.select_related("shot", "market", "created_by")
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
def share_revoke(request: AuthedHtmxRequest, campaign_id: int, link_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "share")
    link = get_object_or_404(campaign.share_links, pk=link_id)
    link.revoke()
    audit.record(
        Area.ACCESS,
        "link.revoked",
        workspace_id=campaign.workspace_id,
        target=f"guest link “{link.label or link.pk}”",
    )
    messages.success(request, "The link was revoked; it now leads nowhere.")
    return redirect("studio:share_links", campaign_id=campaign.pk)


# --------------------------------------------------------------------------- guests


NO_COMMENTS = "Comments are switched off for this link."
NO_SPOT_DECISIONS = "This link does not let you approve spots."


def guest_page(view):
    """Guests see one designed page for a link that does not work, whatever DEBUG says:
    404 for an unknown link, 410 for an expired or revoked one."""

    @wraps(view)
    def wrapper(request, token: str, *args, **kwargs):
        try:
            return view(request, token, *args, **kwargs)
        except LinkUnavailable as unavailable:
            return render(request, "studio/guest/gone.html", status=unavailable.status)

    return wrapper


def _too_many() -> HttpResponse:
    response = HttpResponse(
        "Too many wrong passwords for this link. Wait a quarter of an hour and try again, "
        "or ask the team for a new link.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "900"
    return response


def guest_write_refused(request, link, allowed: bool, why: str) -> HttpResponse | None:
    """A guest's comment or decision refused: the link does not allow it (403, `why`), or its
    guests wrote too much just now (429). None when it may go ahead."""
    if not allowed:
        return HttpResponse(why, status=403)
    if throttle.guest_write_blocked(request, link.pk):
        return _too_many_writes()
    return None


def verdict_said(verdict: str) -> str:
    """What a guest's decision did, for the thank-you message."""
    return "approved" if verdict == Verdict.APPROVED else "sent back with your note"


def _too_many_writes() -> HttpResponse:
    response = HttpResponse(
        "This link has sent as many comments and decisions as it may this hour. "
        "Try again later, or write to the team.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = "3600"
    return response


@guest_page
@require_http_methods(["GET", "POST"])
def guest_entry(request: HtmxRequest, token: str):
    link = get_link_for_guest(token)
    if not link.is_unlocked(request.session):
        error = ""
        if request.method == "POST":
            if throttle.guest_password_blocked(request, link.pk):
                return _too_many()
            if link.unlock(request.session, request.POST.get("password", "")):
                return redirect("studio:guest_entry", token=token)
            throttle.count_wrong_guest_password(request, link.pk)
            error = "That password is not right."
        return render(
            request,
            "studio/guest/password.html",
            {"link": link, "error": error},
            status=422 if error else 200,
        )
    takes = list(link.takes().select_related("shot").order_by("shot__position", "-take"))
    formats = list(link.campaign.formats.all())
    name_formats(with_approvals(takes, link.campaign_id), formats)
    package = None
    spots = spot_review.for_guest(link)
    if link.allow_download and not link.shot_id:
        package = delivery.package(link.campaign, market=link.market)
    return render(
        request,
        "studio/guest/scope.html",
        {
            "link": link,
            "token": token,
            "takes": takes,
            "spots": spots,
            "groups": guest_groups(takes, formats, link.group_by),
            "package": package,
        },
    )


def guest_groups(takes: list[Take], formats, group_by: str) -> list[tuple[str, list[Take]]]:
    """The takes a client sees, grouped by format (a take serving two formats shows in both;
    one serving none under its size) or by shot, in the campaign's order."""
    if group_by == "shot":
        by_shot: dict[int, tuple[str, list[Take]]] = {}
        for take in takes:
            title = f"{take.shot.position}. {take.shot.title}"
            by_shot.setdefault(take.shot_id, (title, []))[1].append(take)
        return list(by_shot.values())
    groups = [
        (f"{fmt.name} · {fmt.aspect}", [t for t in takes if fmt.accepts(t.size, t.model_key)])
        for fmt in formats
    ]
    others = [t for t in takes if not t.format_name]
    if others:
        groups.append(("Other sizes" if formats else "Takes", others))
    return [(title, found) for title, found in groups if found]


def guest_comments(take: Render) -> list:
    """What a guest sees of a take's conversation: the comments marked for guests, members
    named by their role only."""
    comments = list(
        take.comments.filter(visible_to_guests=True)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    roles = dict(
        Membership.objects.filter(
            workspace_id=take.shot.campaign.workspace_id,
            user_id__in={c.author_id for c in comments if c.author_id},
        ).values_list("user_id", "role")
    )
    for comment in comments:
        if comment.author_id:
            role = roles.get(comment.author_id)
            comment.display_name = f"Team ({Role(role).label.lower()})" if role else "Team"
        else:
            comment.display_name = comment.who
    return thread(comments)


def _flatten(threads: list) -> list:
    return [c for top in threads for c in [top, *top.thread_replies]]


@guest_page
@require_http_methods(["GET", "POST"])
def guest_take(request: HtmxRequest, token: str, render_id: int):
    link, take = get_take_for_guest(request, token, render_id)
    error = ""
    name = request.session.get("guest_name", "")
    if request.method == "POST":
        if refused := guest_write_refused(request, link, link.allow_comments, NO_COMMENTS):
            return refused
        name = clean_guest_name(request.POST.get("guest_name", ""))
        try:
            add_comment(
                take,
                request.POST.get("body", ""),
                guest_name=name,
                share_link=link,
                **posted(request.POST),
            )
        except ValidationError as problem:
            error = problem.messages[0]
        else:
            request.session["guest_name"] = name
            return redirect("studio:guest_take", token=token, render_id=take.pk)
    return _guest_take_page(request, link, token, take, error=error, guest_name=name)


def _guest_take_page(request, link, token, take, status=None, **extra):
    error = extra.get("error") or extra.get("decision_error") or ""
    label_formats([take], link.campaign_id)
    with_approvals([take], link.campaign_id)
    context = {
        "link": link,
        "token": token,
        "take": take,
        "shot": take.shot,
        "comments": (comments := guest_comments(take)),
        "markers": markers(_flatten(comments)),
        "drawings": drawings(_flatten(comments)),
        "error": "",
        "decision_error": "",
        "guest_name": request.POST.get("guest_name") or request.session.get("guest_name", ""),
        **(kept(request.POST) if error else {}),
        "note": request.POST.get("note", "") if error else "",
        "client_decision": take.decisions.filter(reviewer__isnull=True).first(),
        **extra,
    }
    return render(
        request, "studio/guest/take.html", context, status=status or (422 if error else 200)
    )


@guest_page
@require_POST
def guest_decide(request: HtmxRequest, token: str, render_id: int):
    """The client approves a take or asks for changes, under the name they give, through a
    link that lets them; it counts as "the client" for the campaign's required approvers."""
    link, take = get_take_for_guest(request, token, render_id)
    why = "This link does not let you approve takes."
    if refused := guest_write_refused(request, link, link.allow_decisions, why):
        return refused
    name = clean_guest_name(request.POST.get("guest_name", ""))
    verdict = request.POST.get("verdict", "")
    try:
        decide_as_client(take, link, name, verdict, request.POST.get("note", ""))
    except ValidationError as problem:
        return _guest_take_page(
            request, link, token, take, decision_error=problem.messages[0], status=422
        )
    request.session["guest_name"] = name
    said = verdict_said(verdict)
    messages.success(request, f"Thank you, {name}: take {take.take} of “{take.shot.title}” {said}.")
    return redirect("studio:guest_take", token=token, render_id=take.pk)


@guest_page
@require_GET
def guest_media(request: HtmxRequest, token: str, render_id: int, variant: str):
    _link, take = get_take_for_guest(request, token, render_id)
    key = {"video": take.video_key, "thumbnail": take.thumbnail_key}.get(variant)
    if not key:
        raise Http404
    return storage.serve(request, key)
