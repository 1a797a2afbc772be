"""Every view × every role: allowed, 403 for a role that may read but not write, 404 for an
outsider, 405 for a wrong method, CSRF enforced, login required."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from generation.models import Render
from studio.access import ACTIONS, can
from studio.images import check_image
from studio.models import Comment, Membership, Role, ShareLink
from tests.conftest import make_shot
from tests.images import upload
from tests.test_editor import editor_data

ROLES = ["owner", "editor", "reviewer", "viewer"]


@dataclass
class Endpoint:
    name: str
    method: str
    action: str  # the action of studio/access.py that the view needs
    kwargs: callable
    data: callable = field(default=lambda ctx: {})
    ok: tuple[int, ...] = (200, 302)


def campaign_kwargs(ctx):
    return {"campaign_id": ctx["campaign"].pk}


def shot_kwargs(ctx):
    return {"campaign_id": ctx["campaign"].pk, "shot_id": ctx["shot"].pk}


def workspace_kwargs(ctx):
    return {"slug": ctx["workspace"].slug}


def membership_kwargs(ctx):
    return {"slug": ctx["workspace"].slug, "membership_id": ctx["target"].pk}


ENDPOINTS = [
    Endpoint("campaign_board", "get", "view", campaign_kwargs),
    Endpoint("campaign_edit", "get", "edit_campaign", campaign_kwargs),
    Endpoint(
        "campaign_edit",
        "post",
        "edit_campaign",
        campaign_kwargs,
        data=lambda ctx: {"name": "Renamed", "status": "planning"},
    ),
    Endpoint("campaign_archive", "post", "archive_campaign", campaign_kwargs),
    Endpoint(
        "shot_create", "post", "edit_shot", campaign_kwargs, data=lambda ctx: {"title": "New"}
    ),
    Endpoint("shot_detail", "get", "view", shot_kwargs),
    Endpoint("shot_edit", "get", "edit_shot", shot_kwargs),
    Endpoint("shot_edit", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"title": "Edited"}),
    Endpoint("shot_delete", "post", "edit_shot", shot_kwargs),
    Endpoint("shot_move", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"direction": "up"}),
    Endpoint("shot_save", "post", "edit_shot", shot_kwargs, data=lambda ctx: editor_data()),
    Endpoint("shot_preview", "post", "edit_shot", shot_kwargs, data=lambda ctx: editor_data()),
    Endpoint(
        "shot_options", "get", "edit_shot", shot_kwargs, data=lambda ctx: {"model_key": "animatic"}
    ),
    Endpoint(
        "shot_timeline",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {**editor_data(), "op": "add"},
    ),
    Endpoint(
        "reference_upload", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"image": upload()}
    ),
    Endpoint(
        "reference_fit",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {"mode": "crop", "size": "1280x720"},
    ),
    Endpoint("reference_remove", "post", "edit_shot", shot_kwargs),
    Endpoint("reference_card", "get", "edit_shot", shot_kwargs, data=lambda ctx: {"size": "1x1"}),
    Endpoint(
        "reference_file", "get", "view", lambda ctx: {**shot_kwargs(ctx), "which": "original"}
    ),
    Endpoint("version_list", "get", "view", shot_kwargs),
    Endpoint("version_compare", "get", "view", lambda ctx: {**shot_kwargs(ctx), "number": 1}),
    Endpoint("version_restore", "post", "edit_shot", lambda ctx: {**shot_kwargs(ctx), "number": 1}),
    Endpoint(
        "template_apply",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {"template": "seed:continuity-test"},
    ),
    Endpoint("template_save", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"name": "Mine"}),
    Endpoint("shot_generate", "post", "generate", shot_kwargs, data=lambda ctx: editor_data()),
    Endpoint(
        "takes_poll", "get", "view", shot_kwargs, data=lambda ctx: {"ids": str(ctx["take"].pk)}
    ),
    Endpoint("take_cancel", "post", "generate", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint(
        "take_media", "get", "view", lambda ctx: {"render_id": ctx["take"].pk, "variant": "video"}
    ),
    Endpoint("take_page", "get", "view", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint(
        "comment_add",
        "post",
        "comment",
        lambda ctx: {"render_id": ctx["take"].pk},
        data=lambda ctx: {"body": "Nice pour", "timecode": "00:01.5"},
    ),
    Endpoint(
        "comment_resolve",
        "post",
        "comment",
        lambda ctx: {"comment_id": ctx["comment"].pk},
        data=lambda ctx: {"resolved": "1"},
    ),
    Endpoint(
        "take_decide",
        "post",
        "decide",
        lambda ctx: {"render_id": ctx["take"].pk},
        data=lambda ctx: {"verdict": "approved"},
    ),
    Endpoint("take_hero", "post", "choose_hero", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint("campaign_activity", "get", "view", campaign_kwargs),
    Endpoint("share_links", "get", "share", campaign_kwargs),
    Endpoint(
        "share_links",
        "post",
        "share",
        campaign_kwargs,
        data=lambda ctx: {"days": "7", "allow_comments": "on"},
    ),
    Endpoint(
        "share_revoke",
        "post",
        "share",
        lambda ctx: {**campaign_kwargs(ctx), "link_id": ctx["link"].pk},
    ),
    Endpoint("member_list", "get", "view", workspace_kwargs),
    Endpoint(
        "member_add",
        "post",
        "manage_members",
        workspace_kwargs,
        data=lambda ctx: {"email": "newcomer@example.com", "role": "viewer"},
    ),
    Endpoint(
        "member_role",
        "post",
        "manage_members",
        membership_kwargs,
        data=lambda ctx: {"role": "reviewer"},
    ),
    Endpoint("member_remove", "post", "manage_members", membership_kwargs),
]
GET_AND_POST = {"campaign_edit", "shot_edit", "share_links"}
POST_ONLY = sorted({e.name for e in ENDPOINTS if e.method == "post"} - GET_AND_POST)
READ_ONLY = sorted({e.name for e in ENDPOINTS if e.method == "get"} - GET_AND_POST)


@pytest.fixture
def ctx(team, workspace, campaign):
    from tests.conftest import make_user

    make_user("newcomer")
    target_user = make_user("tess")
    target = Membership.objects.create(workspace=workspace, user=target_user, role=Role.VIEWER)
    make_shot(campaign, title="First")
    shot = make_shot(campaign, title="Second")
    image = upload(size=(1000, 1000))
    shot.set_reference(image, check_image(image))
    shot.record_version(team["owner"], "first version")
    take = Render.objects.create(
        shot=shot,
        take=1,
        model_key="animatic",
        provider="animatic",
        size="1280x720",
        seconds=4,
        prompt_text="A cup.",
        video_key=default_storage.save("access/take.mp4", ContentFile(b"not really a video")),
    )
    return {
        "take": take,
        "comment": Comment.objects.create(render=take, author=team["owner"], body="First!"),
        "link": ShareLink.create(campaign=campaign, days=3)[0],
        "team": team,
        "workspace": workspace,
        "campaign": campaign,
        "shot": shot,
        "target": target,
    }


def _call(client, endpoint, ctx):
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(ctx))
    return getattr(client, endpoint.method)(url, endpoint.data(ctx))


@pytest.mark.parametrize("role", ROLES + ["outsider"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method}-{e.name}" for e in ENDPOINTS])
def test_it_allows_forbids_or_hides(client, ctx, endpoint, role):
    client.force_login(ctx["team"][role])
    response = _call(client, endpoint, ctx)
    if role == "outsider":
        assert response.status_code == 404
    elif can(role, endpoint.action):
        assert response.status_code in endpoint.ok
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=[f"{e.method}-{e.name}" for e in ENDPOINTS])
def test_it_requires_login(client, ctx, endpoint):
    response = _call(client, endpoint, ctx)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", POST_ONLY)
def test_it_refuses_get_on_post_only_views(client, ctx, name):
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    client.force_login(ctx["team"]["owner"])
    response = client.get(reverse(name, kwargs=endpoint.kwargs(ctx)))
    assert response.status_code == 405


@pytest.mark.parametrize("name", READ_ONLY)
def test_it_refuses_post_on_read_only_views(client, ctx, name):
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    client.force_login(ctx["team"]["owner"])
    response = client.post(reverse(name, kwargs=endpoint.kwargs(ctx)))
    assert response.status_code == 405


@pytest.mark.parametrize(
    "endpoint",
    [e for e in ENDPOINTS if e.method == "post"],
    ids=[e.name for e in ENDPOINTS if e.method == "post"],
)
def test_it_enforces_csrf(ctx, endpoint):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ctx["team"]["owner"])
    before = (
        ctx["campaign"].shots.count(),
        Membership.objects.count(),
        Membership.objects.get(pk=ctx["target"].pk).role,
    )
    response = _call(client, endpoint, ctx)
    assert response.status_code == 403
    assert b"CSRF" in response.content
    after = (
        ctx["campaign"].shots.count(),
        Membership.objects.count(),
        Membership.objects.get(pk=ctx["target"].pk).role,
    )
    assert before == after


def test_campaign_create_needs_an_editor(client, team):
    for role, expected in [("owner", 302), ("editor", 302), ("reviewer", 403), ("viewer", 403)]:
        client.force_login(team[role])
        response = client.post(
            reverse("campaign_create"), {"name": f"By {role}", "status": "planning"}
        )
        assert response.status_code == expected, role


def test_campaign_create_get_and_405(client, team):
    client.force_login(team["editor"])
    assert client.get(reverse("campaign_create")).status_code == 200
    assert client.put(reverse("campaign_create")).status_code == 405
    client.force_login(team["viewer"])
    assert client.get(reverse("campaign_create")).status_code == 403


def test_every_action_has_a_least_role():
    assert set(ACTIONS) >= {"view", "edit_shot", "generate", "decide", "manage_members"}
    assert can("owner", "manage_members") and not can("editor", "manage_members")
    assert can("reviewer", "decide") and not can("viewer", "decide")
    assert not can(None, "view")
