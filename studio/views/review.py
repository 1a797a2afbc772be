"""Review: the take page, comments, decisions, the hero take, comparing takes, the review
queue and the campaign's activity feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_POST

from generation.models import Render, RenderStatus
from studio.models import (
    TARGET_FORMATS,
    Campaign,
    Comment,
    Decision,
    Format,
    Membership,
    Role,
    Take,
    Verdict,
    channels_serving,
    label_formats,
    name_formats,
)
from studio.review import activity, inbox
from studio.review.comments import (
    add_comment,
    delete_comment,
    drawings,
    kept,
    markers,
    posted,
    set_resolved,
    thread,
)
from studio.review.decisions import choose_hero, decide, decide_many, undo
from studio.review.states import approval, newest_decisions, required_for, with_approvals
from studio.team.access import (
    allowed_actions,
    get_campaign_for_user,
    get_comment_for_user,
    get_take_for_user,
    get_takes_for_user,
)
from studio.views import AuthedHtmxRequest, CappedPaginator, parse_id, safe_next

TAKE_PAGE = "studio/take.html"

QUEUE_PAGE = 50  # takes per page of the review queue
ASPECTS = dict(TARGET_FORMATS)
# The take page's marker downloads (studio.views.timelines), named for the applications.
MARKER_KINDS = [
    ("edl", "Resolve (EDL)"),
    ("fcpxml", "Final Cut / Resolve (FCPXML)"),
    ("xml", "Premiere (XML)"),
    ("otio", "OTIO"),
    ("csv", "CSV"),
]


def take_context(take: Take, perms: set[str]) -> dict:
    comments = list(take.comments.select_related("author").order_by("created_at", "pk"))
    decisions = list(
        Decision.history.filter(render=take)
        .select_related("reviewer")
        .order_by("-created_at", "-pk")
    )
    model = take.model_spec
    formats = list(take.shot.campaign.formats.all())  # the take's labels and its channels
    name_formats([take], formats)
    standing = [d for d in decisions if d.withdrawn_at is None]
    newest = newest_decisions(standing).get(take.pk, {})
    take.approval = approval(newest, required_for(take.shot.campaign_id))
    return {
        "take": take,
        "shot": take.shot,
        "campaign": take.shot.campaign,
        "model": model,
        "comments": thread(comments),
        "comment_count": len(comments),
        "markers": markers(comments),
        "drawings": drawings(comments),
        "marker_kinds": MARKER_KINDS,
        "decisions": decisions,
        "verdict": take.approval.verdict,
        "approval": take.approval,
        "events": list(take.events.order_by("at", "pk")),
        "perms_": perms,
        # The channels the take is delivered on: their safe zones over the player.
        "safe_zones": channels_serving(take, formats),  # their safe zones over the player
        "can_comment": "comment" in perms,
        "show_guest_flag": True,
        "members": list(
            Membership.objects.filter(workspace_id=take.shot.campaign.workspace_id).values_list(
                "user__username", flat=True
            )
        ),
    }


def _walk(request: AuthedHtmxRequest, take: Take) -> dict:
    """Where N and P (and "Approve and next") lead from this take: through the review queue
    when the take was opened from it (with its filters), else through the shot's takes."""
    source = request.GET if request.method == "GET" else request.POST
    if source.get("from") == "queue":
        campaign_id, aspect = parse_id(source.get("campaign")), source.get("aspect", "")
        aspect = aspect if aspect in ASPECTS else ""
        previous, following = inbox.neighbours(
            inbox.review_queue(request.user, campaign_id, aspect), take
        )
        filters: dict[str, str | int] = {
            k: v for k, v in (("campaign", campaign_id or 0), ("aspect", aspect)) if v
        }
        query = urlencode({"from": "queue", **filters})
        back = reverse("studio:review_queue") + (f"?{urlencode(filters)}" if filters else "")
        return {
            "previous": previous,
            "following": following,
            "walk": "queue",
            "walk_query": query,
            "walk_back": back,
        }
    # The shot's finished takes before and after this one, read with it (shot_neighbours);
    # a take still rendering, or failed, is not among them and has none.
    finished = take.status == RenderStatus.COMPLETED
    before, after = getattr(take, "previous_pk", None), getattr(take, "following_pk", None)
    previous = Render(pk=before) if finished and before else None
    following = Render(pk=after) if finished and after else None
    return {
        "previous": previous,
        "following": following,
        "walk": "shot",
        "walk_query": "",
        "walk_back": take.shot.get_absolute_url(),
    }


def _take_url(take: Render, query: str = "") -> str:
    url = reverse("studio:take_page", args=[take.pk])
    return f"{url}?{query}" if query else url


@login_required
@require_GET
def take_page(request: AuthedHtmxRequest, render_id: int):
    take = get_take_for_user(request, render_id, "view", **inbox.shot_neighbours())
    context = take_context(take, allowed_actions(take.my_role))
    context.update(_walk(request, take))
    return render(request, TAKE_PAGE, context)


@login_required
@require_POST
def comment_add(request: AuthedHtmxRequest, render_id: int):
    take = get_take_for_user(request, render_id, "comment")
    parent = None
    if request.POST.get("parent"):
        parent_id = parse_id(request.POST["parent"])
        parent = Comment.objects.filter(pk=parent_id, render=take).first() if parent_id else None
        if parent is None:
            raise Http404
    try:
        add_comment(
            take,
            request.POST.get("body", ""),
            author=request.user,
            parent=parent,
            visible_to_guests=request.POST.get("visible_to_guests") == "on",
            **posted(request.POST),
        )
    except ValidationError as error:
        context = take_context(take, allowed_actions(take.my_role))
        context.update(kept(request.POST), comment_error=error.messages[0])
        return render(
            request, f"{TAKE_PAGE}#comments" if request.htmx else TAKE_PAGE, context, status=422
        )
    if request.htmx:
        return render(
            request, f"{TAKE_PAGE}#comments", take_context(take, allowed_actions(take.my_role))
        )
    return redirect(reverse("studio:take_page", args=[take.pk]) + "#comments")


@login_required
@require_POST
def comment_resolve(request: AuthedHtmxRequest, comment_id: int):
    comment = get_comment_for_user(request, comment_id, "comment")
    set_resolved(comment, request.POST.get("resolved") != "0")
    take = get_take_for_user(request, comment.render_id, "comment")
    if request.htmx:
        return render(
            request, f"{TAKE_PAGE}#comments", take_context(take, allowed_actions(take.my_role))
        )
    return redirect(reverse("studio:take_page", args=[take.pk]) + f"#comment-{comment.pk}")


@login_required
@require_POST
def comment_delete(request: AuthedHtmxRequest, comment_id: int):
    comment = get_comment_for_user(request, comment_id, "comment")
    take = get_take_for_user(request, comment.render_id, "comment")
    try:
        delete_comment(comment, request.user)
    except ValidationError as error:
        return HttpResponse(error.messages[0], status=403)
    if request.htmx:
        return render(
            request, f"{TAKE_PAGE}#comments", take_context(take, allowed_actions(take.my_role))
        )
    messages.success(request, "Comment deleted.")
    return redirect(reverse("studio:take_page", args=[take.pk]) + "#comments")


DECIDE = "studio/_decide.html"


def decide_context(take: Take, user, perms: set[str], **extra) -> dict:
    """What the in-place decision control shows for one take."""
    with_approvals(label_formats([take]), user=user)
    return {"take": take, "can_decide": "decide" in perms, **extra}


def _decided(request: AuthedHtmxRequest, take: Take, status: int = 200, **extra):
    """The take's decision control again, as htmx asked for it (`bare` inside another form);
    the page's other views of it (a grid) hear "decided"."""
    context = decide_context(take, request.user, allowed_actions(take.my_role), **extra)
    context["bare"] = request.POST.get("bare") == "1"
    response = render(request, DECIDE, context, status=status)
    response["HX-Trigger"] = "decided"
    return response


def _said(verdict: str, count: int, first: Render) -> str:
    what = "approved" if verdict == Verdict.APPROVED else "sent back"
    return f"Take {first.take} {what}." if count == 1 else f"{count} takes {what}."


@login_required
@require_POST
def take_decide(request: AuthedHtmxRequest, render_id: int):
    """A decision on one take: in place (htmx answers the take's decision control, with Undo),
    or from the take page, where "Approve and next" goes on to the next take."""
    take = get_take_for_user(request, render_id, "decide", **inbox.shot_neighbours())
    verdict, note = request.POST.get("verdict", ""), request.POST.get("note", "")
    then = request.POST.get("then") or request.GET.get("then")
    walk = _walk(request, take) if then == "next" else {}
    try:
        decision = decide(take, request.user, verdict, note)
    except ValidationError as error:
        if request.htmx:
            return _decided(request, take, 422, error=error.messages[0])
        messages.error(request, error.messages[0])
        return redirect("studio:take_page", take.pk)
    if request.htmx:
        return _decided(request, take, undo=decision)
    messages.success(request, _said(verdict, 1, take))
    if walk:
        if walk["following"] is not None:
            return redirect(_take_url(walk["following"], walk["walk_query"]))
        messages.info(
            request,
            "That was the last one."
            if walk["walk"] == "shot"
            else "Nothing more waits for your review here.",
        )
        return redirect(walk["walk_back"])
    return redirect(safe_next(request, reverse("studio:take_page", args=[take.pk])))


@login_required
@require_POST
def decision_undo(request: AuthedHtmxRequest, decision_id: int):
    """Take back one's own decision made a moment ago; the take's previous state returns."""
    decision = Decision.objects.filter(pk=decision_id, reviewer=request.user).first()
    if decision is None:
        raise Http404
    take = get_take_for_user(request, decision.render_id, "decide")
    if undo(decision_id, request.user) is None:
        messages.error(request, "That decision is too old to undo; decide again instead.")
    elif not request.htmx:
        messages.success(request, f"Decision on take {take.take} undone.")
    if request.htmx:
        return _decided(request, take)
    return redirect(safe_next(request, reverse("studio:take_page", args=[take.pk])))


@login_required
@require_POST
def decide_selected(request: AuthedHtmxRequest):
    """One decision (and one note) for every selected take: each take gets its own decision,
    recorded and told exactly as a single one."""
    ids = [parse_id(v) for v in request.POST.getlist("take")]
    fallback = reverse("studio:review_queue")
    if not any(ids):
        messages.error(request, "Select the takes first (or “Select all”).")
        return redirect(safe_next(request, fallback))
    takes = get_takes_for_user(request, ids, "decide")
    verdict = request.POST.get("verdict", "")
    try:
        decisions = decide_many(takes, request.user, verdict, request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        fresh = [d for d in decisions if not getattr(d, "repeated", False)]
        already = len(decisions) - len(fresh)
        said = _said(verdict, len(fresh), fresh[0].render) if fresh else "Nothing new to record."
        if already:
            said += f" {already} already had this decision of yours."
        messages.success(request, said)
    return redirect(safe_next(request, fallback))


@login_required
@require_POST
def take_hero(request: AuthedHtmxRequest, render_id: int):
    take = get_take_for_user(request, render_id, "choose_hero")
    try:
        choose_hero(take, request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"Take {take.take} is now the hero take of “{take.shot.title}”.")
    return redirect(safe_next(request, reverse("studio:take_page", args=[take.pk])))


@login_required
@require_GET
def compare(request: AuthedHtmxRequest):
    ids = [parse_id(request.GET.get("a")), parse_id(request.GET.get("b"))]
    takes = [get_take_for_user(request, pk, "view") for pk in ids if pk is not None]
    if len(takes) != 2:
        raise Http404
    shot = takes[0].shot
    # The picker: the finished takes of the first take's shot, by their posters.
    choices = shot.takes_newest_first().filter(status="completed")
    for take in takes:  # each player draws its own take's drawings
        take.drawings = drawings(list(take.comments.order_by("created_at", "pk")))
        take.drawings_id = f"drawings-{take.pk}"
    context = {"takes": takes, "shot": shot, "campaign": shot.campaign, "choices": choices}
    return render(request, "studio/compare.html", context)


@login_required
@require_GET
def review_queue(request: AuthedHtmxRequest):
    campaign_id = parse_id(request.GET.get("campaign"))
    aspect = request.GET.get("aspect", "")
    if aspect not in ASPECTS:
        aspect = ""
    # A page at a time: the queue of a busy team runs to hundreds of takes.
    page = CappedPaginator(
        inbox.review_queue(request.user, campaign_id, aspect), QUEUE_PAGE
    ).get_page(request.GET.get("page"))
    takes = with_approvals(label_formats(page.object_list), user=request.user)
    reviewable = Membership.objects.filter(
        user=request.user, role__in=[Role.OWNER, Role.EDITOR, Role.REVIEWER]
    ).values("workspace_id")
    campaigns = Campaign.objects.filter(workspace_id__in=reviewable).active().only("pk", "name")
    names: dict[str, list[str]] = {}
    for name, fmt_aspect in (
        Format.objects.filter(campaign__in=campaigns).values_list("name", "aspect").distinct()
    ):
        names.setdefault(fmt_aspect, []).append(name)
    aspects = [(a, f"{' / '.join(sorted(set(names[a])))} ({a})") for a in ASPECTS if a in names]
    filters = {k: v for k, v in (("campaign", campaign_id), ("aspect", aspect)) if v}
    return render(
        request,
        "studio/review_queue.html",
        {
            "takes": takes,
            "page": page,
            "campaigns": campaigns,
            "campaign_id": campaign_id,
            "aspects": aspects,
            "aspect": aspect,
            "filter_query": urlencode(filters),
            "walk_query": urlencode({"from": "queue", **filters}),
            "here": request.get_full_path(),
        },
    )


@login_required
@require_GET
def campaign_activity(request: AuthedHtmxRequest, campaign_id: int):
    campaign = get_campaign_for_user(request, campaign_id, "view")
    return render(
        request,
        "studio/activity.html",
        {
            "campaign": campaign,
            "items": activity.activity(campaign),
        },
    )
