"""Review: the take page, comments, decisions, the hero take, comparing takes, the review
queue and the campaign's activity feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from generation.models import Render
from studio.models import Campaign, Comment, Membership, Role
from studio.review import activity, inbox
from studio.review.comments import add_comment, markers, parse_timecode, set_resolved, thread
from studio.review.decisions import choose_hero, decide
from studio.review.states import verdicts
from studio.team.access import (
    allowed_actions,
    get_campaign_for_user,
    get_comment_for_user,
    get_take_for_user,
)
from studio.views import AuthedHtmxRequest, parse_id, safe_next

TAKE_PAGE = "studio/take.html"

QUEUE_PAGE = 50  # takes per page of the review queue


def take_context(take: Render, perms: set[str]) -> dict:
    comments = list(take.comments.select_related("author").order_by("created_at", "pk"))
    decisions = list(take.decisions.select_related("reviewer").order_by("-created_at", "-pk"))
    model = take.model_spec
    return {
        "take": take,
        "shot": take.shot,
        "campaign": take.shot.campaign,
        "model": model,
        "comments": thread(comments),
        "comment_count": len(comments),
        "markers": markers(comments),
        "decisions": decisions,
        "verdict": verdicts(decisions).get(take.pk),
        "events": list(take.events.order_by("at", "pk")),
        "perms_": perms,
        "can_comment": "comment" in perms,
        "show_guest_flag": True,
        "members": list(
            Membership.objects.filter(workspace_id=take.shot.campaign.workspace_id).values_list(
                "user__username", flat=True
            )
        ),
    }


@login_required
@require_GET
def take_page(request: AuthedHtmxRequest, render_id: int):
    take = get_take_for_user(request, render_id, "view")
    return render(request, TAKE_PAGE, take_context(take, allowed_actions(take.my_role)))


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
        timecode = parse_timecode(request.POST.get("timecode"))
        add_comment(
            take,
            request.POST.get("body", ""),
            author=request.user,
            timecode_ms=timecode,
            parent=parent,
            visible_to_guests=request.POST.get("visible_to_guests") == "on",
        )
    except ValidationError as error:
        context = take_context(take, allowed_actions(take.my_role))
        context.update(
            comment_error=error.messages[0],
            body=request.POST.get("body", ""),
            timecode=request.POST.get("timecode", ""),
            visible_to_guests=request.POST.get("visible_to_guests") == "on",
        )
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
def take_decide(request: AuthedHtmxRequest, render_id: int):
    take = get_take_for_user(request, render_id, "decide")
    try:
        decide(take, request.user, request.POST.get("verdict", ""), request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        approved = request.POST.get("verdict") == "approved"
        messages.success(request, f"Take {take.take} {'approved' if approved else 'sent back'}.")
    return redirect("studio:take_page", take.pk)


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
    context = {"takes": takes, "shot": shot, "campaign": shot.campaign, "choices": choices}
    return render(request, "studio/compare.html", context)


@login_required
@require_GET
def review_queue(request: AuthedHtmxRequest):
    campaign_id = parse_id(request.GET.get("campaign"))
    # A page at a time: the queue of a busy team runs to hundreds of takes.
    page = Paginator(inbox.review_queue(request.user, campaign_id), QUEUE_PAGE).get_page(
        request.GET.get("page")
    )
    reviewable = Membership.objects.filter(
        user=request.user, role__in=[Role.OWNER, Role.EDITOR, Role.REVIEWER]
    ).values("workspace_id")
    campaigns = Campaign.objects.filter(workspace_id__in=reviewable).active().only("pk", "name")
    return render(
        request,
        "studio/review_queue.html",
        {
            "takes": page.object_list,
            "page": page,
            "campaigns": campaigns,
            "campaign_id": campaign_id,
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
