"""Who may reach what: every named URL × every persona, as data.

The test (tests/test_access.py) checks every row against the running views and fails when a
named URL has no row; docs/security.md shows the same table, generated from this module
(`python -m tests.access_matrix` prints it).

Personas: anonymous (no account, no link), guest (no account, holding a guest link), outsider
(a member of another workspace), the four roles of the workspace, and staff (an operator
account that is a member of no workspace).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

import django

if __name__ == "__main__":  # printing the table for docs/security.md
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    django.setup()

from studio.team.access import can
from tests.factories import editor_data
from tests.images import upload

PERSONAS = ["anonymous", "guest", "outsider", "owner", "editor", "reviewer", "viewer", "staff"]


ROLES = ["owner", "editor", "reviewer", "viewer"]


@dataclass
class Endpoint:
    name: str
    method: str
    action: str  # the action of studio/access.py that the view needs
    kwargs: Callable
    data: Callable = field(default=lambda ctx: {})
    ok: tuple[int, ...] = (200, 302)


def campaign_kwargs(ctx):
    return {"campaign_id": ctx["campaign"].pk}


def shot_kwargs(ctx):
    return {"campaign_id": ctx["campaign"].pk, "shot_id": ctx["shot"].pk}


def one_take_kwargs(ctx):
    """The campaign's one-take spot (made on first use: a shot off the board)."""
    from studio.models import Shot

    spot = Shot.one_takes.filter(campaign=ctx["campaign"]).first() or Shot.one_takes.create(
        campaign=ctx["campaign"], one_take=True, position=0, title="One-take spot",
        seconds=4, prompt={"mode": "one_take", "text": "0.0s-4.0s (Shot 1): A cup."},
    )  # fmt: skip
    return {"campaign_id": ctx["campaign"].pk, "shot_id": spot.pk}


def market_data(ctx):
    """A save of the campaign's market's texts (the market made on first use)."""
    from studio.production import market_texts

    market = ctx["campaign"].markets.first() or market_texts.add_market(ctx["campaign"], "de-DE")[0]
    return {"market": market.pk, "op": "save", "t-call": "Jetzt bestellen"}


def workspace_kwargs(ctx):
    return {"slug": ctx["workspace"].slug}


def channel_kwargs(ctx):
    """The workspace's Slack channel (made on first use)."""
    from studio.models import NotificationChannel
    from studio.team import channel_urls

    url = "http://127.0.0.1:9/services/T0/B0/matrix"
    channel = NotificationChannel.objects.filter(workspace=ctx["workspace"]).first()
    channel = channel or NotificationChannel.objects.create(
        workspace=ctx["workspace"], kind="slack", name="#review",
        url_sealed=channel_urls.seal(url), url_hint=channel_urls.hint(url),
    )  # fmt: skip
    return {"slug": ctx["workspace"].slug, "channel_id": channel.pk}


def endpoint_kwargs(ctx):
    """The workspace's webhook endpoint (made on first use)."""
    from studio.models import WebhookEndpoint
    from studio.team import channel_urls

    endpoint = WebhookEndpoint.objects.filter(workspace=ctx["workspace"]).first()
    endpoint = endpoint or WebhookEndpoint.objects.create(
        workspace=ctx["workspace"], url="http://127.0.0.1:9/hooks", events=["take.completed"],
        secret_sealed=channel_urls.seal("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"),
    )  # fmt: skip
    return {"slug": ctx["workspace"].slug, "endpoint_id": endpoint.pk}


def owners_token_kwargs(ctx, persona):
    """The owner's personal token (made on first use)."""
    from studio.models import ApiToken
    from studio.team import tokens

    token = ApiToken.objects.filter(user=ctx["team"]["owner"]).first()
    if token is None:
        token = tokens.make(
            ctx["workspace"], ctx["team"]["owner"], name="Owner's", scopes=["read"], days=5,
            kind="personal", role="owner",
        ).token  # fmt: skip
    return {"slug": ctx["workspace"].slug, "token_id": token.pk}


def membership_kwargs(ctx):
    return {"slug": ctx["workspace"].slug, "membership_id": ctx["target"].pk}


ENDPOINTS = [
    Endpoint("studio:campaign_board", "get", "view", campaign_kwargs),
    Endpoint("studio:campaign_edit", "get", "edit_campaign", campaign_kwargs),
    Endpoint(
        "studio:campaign_edit",
        "post",
        "edit_campaign",
        campaign_kwargs,
        data=lambda ctx: {"name": "Renamed", "status": "planning"},
    ),
    Endpoint("studio:campaign_archive", "post", "archive_campaign", campaign_kwargs),
    Endpoint(
        "studio:shot_create",
        "post",
        "edit_shot",
        campaign_kwargs,
        data=lambda ctx: {"title": "New"},
    ),
    Endpoint("studio:shot_detail", "get", "view", shot_kwargs),
    Endpoint("studio:shot_edit", "get", "edit_shot", shot_kwargs),
    Endpoint(
        "studio:shot_edit", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"title": "Edited"}
    ),
    Endpoint("studio:shot_delete", "post", "edit_shot", shot_kwargs),
    Endpoint(
        "studio:shot_move", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"direction": "up"}
    ),
    Endpoint("studio:shot_save", "post", "edit_shot", shot_kwargs, data=lambda ctx: editor_data()),
    Endpoint(
        "studio:shot_preview", "post", "edit_shot", shot_kwargs, data=lambda ctx: editor_data()
    ),
    Endpoint(
        "studio:shot_options",
        "get",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {"model_key": "animatic"},
    ),
    Endpoint(
        "studio:shot_timeline",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {**editor_data(), "op": "add"},
    ),
    Endpoint(
        "studio:reference_upload",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {"image": upload()},
    ),
    Endpoint(
        "studio:reference_fit",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {"mode": "crop", "size": "1280x720"},
    ),
    Endpoint("studio:reference_remove", "post", "edit_shot", shot_kwargs),
    Endpoint(
        "studio:reference_card", "get", "edit_shot", shot_kwargs, data=lambda ctx: {"size": "1x1"}
    ),
    Endpoint(
        "studio:reference_file",
        "get",
        "view",
        lambda ctx: {**shot_kwargs(ctx), "which": "original"},
    ),
    Endpoint("studio:version_list", "get", "view", shot_kwargs),
    Endpoint(
        "studio:version_compare", "get", "view", lambda ctx: {**shot_kwargs(ctx), "number": 1}
    ),
    Endpoint(
        "studio:version_restore", "post", "edit_shot", lambda ctx: {**shot_kwargs(ctx), "number": 1}
    ),
    Endpoint(
        "studio:template_apply",
        "post",
        "edit_shot",
        shot_kwargs,
        data=lambda ctx: {"template": "seed:continuity-test"},
    ),
    Endpoint(
        "studio:template_save", "post", "edit_shot", shot_kwargs, data=lambda ctx: {"name": "Mine"}
    ),
    Endpoint(
        "studio:shot_generate", "post", "generate", shot_kwargs, data=lambda ctx: editor_data()
    ),
    Endpoint(
        "studio:takes_poll",
        "get",
        "view",
        shot_kwargs,
        data=lambda ctx: {"ids": str(ctx["take"].pk)},
    ),
    Endpoint("studio:take_cancel", "post", "generate", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint("studio:take_again", "post", "generate", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint(
        "studio:take_remix",
        "post",
        "generate",
        lambda ctx: {"render_id": ctx["take"].pk},
        data=lambda ctx: {"prompt": "At dusk."},
    ),
    Endpoint(
        "studio:compare",
        "get",
        "view",
        lambda ctx: {},
        data=lambda ctx: {"a": ctx["take"].pk, "b": ctx["take"].pk},
    ),
    Endpoint(
        "studio:take_media",
        "get",
        "view",
        lambda ctx: {"render_id": ctx["take"].pk, "variant": "video"},
    ),
    Endpoint("studio:take_page", "get", "view", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint(
        "studio:take_markers",
        "get",
        "view",
        lambda ctx: {"render_id": ctx["take"].pk, "kind": "edl"},
    ),
    Endpoint(
        "studio:format_timeline",
        "get",
        "view",
        lambda ctx: {**campaign_kwargs(ctx), "format_id": ctx["format"].pk, "kind": "fcpxml"},
    ),
    Endpoint(
        "studio:comment_add",
        "post",
        "comment",
        lambda ctx: {"render_id": ctx["take"].pk},
        data=lambda ctx: {"body": "Nice pour", "timecode": "00:01.5"},
    ),
    Endpoint(
        "studio:comment_resolve",
        "post",
        "comment",
        lambda ctx: {"comment_id": ctx["comment"].pk},
        data=lambda ctx: {"resolved": "1"},
    ),
    Endpoint(
        "studio:comment_delete",
        "post",
        "comment",
        lambda ctx: {"comment_id": ctx["guest_comment"].pk},
    ),
    Endpoint(
        "studio:take_decide",
        "post",
        "decide",
        lambda ctx: {"render_id": ctx["take"].pk},
        data=lambda ctx: {"verdict": "approved"},
    ),
    Endpoint(
        "studio:decide_selected",
        "post",
        "decide",
        lambda ctx: {},
        data=lambda ctx: {"take": [ctx["take"].pk], "verdict": "approved"},
    ),
    Endpoint("studio:take_hero", "post", "choose_hero", lambda ctx: {"render_id": ctx["take"].pk}),
    Endpoint("studio:campaign_activity", "get", "view", campaign_kwargs),
    Endpoint("studio:share_links", "get", "share", campaign_kwargs),
    Endpoint(
        "studio:share_links",
        "post",
        "share",
        campaign_kwargs,
        data=lambda ctx: {"days": "7", "preset": "review"},
    ),
    Endpoint(
        "studio:share_revoke",
        "post",
        "share",
        lambda ctx: {**campaign_kwargs(ctx), "link_id": ctx["link"].pk},
    ),
    Endpoint("studio:plan_shots", "get", "edit_shot", campaign_kwargs),
    Endpoint(
        "studio:plan_shots",
        "post",
        "edit_shot",
        campaign_kwargs,
        data=lambda ctx: {
            "brief": "A mug.",
            "product": "Mug",
            "target": "8",
            "model_key": "animatic",
            "op": "draft",
        },
    ),
    Endpoint("studio:deliverables", "get", "view", campaign_kwargs),
    Endpoint("studio:deliverables_missing", "get", "generate", campaign_kwargs),
    Endpoint(
        "studio:deliverables_missing",
        "post",
        "generate",
        campaign_kwargs,
        data=lambda ctx: {"batch_key": "not-a-uuid"},
    ),
    Endpoint(
        "studio:format_add",
        "post",
        "edit_campaign",
        campaign_kwargs,
        data=lambda ctx: {"name": "Reels", "aspect": "9:16"},
    ),
    Endpoint(
        "studio:format_remove",
        "post",
        "edit_campaign",
        lambda ctx: {**campaign_kwargs(ctx), "format_id": ctx["format"].pk},
    ),
    Endpoint(
        "studio:format_label",
        "post",
        "edit_campaign",
        lambda ctx: {**campaign_kwargs(ctx), "format_id": ctx["format"].pk},
        data=lambda ctx: {"label": "on"},
    ),
    Endpoint("studio:storyboard", "get", "view", campaign_kwargs),
    Endpoint(
        "studio:storyboard_order",
        "post",
        "edit_shot",
        campaign_kwargs,
        data=lambda ctx: {"shot": [s.pk for s in ctx["campaign"].shots.all()]},
    ),
    Endpoint(
        "studio:cut_request",
        "post",
        "generate",
        campaign_kwargs,
        data=lambda ctx: {"format": ctx["format"].pk},
    ),
    Endpoint("studio:one_take", "get", "view", campaign_kwargs),
    Endpoint(
        "studio:one_take",
        "post",
        "generate",
        campaign_kwargs,
        data=lambda ctx: {"shot": [s.pk for s in ctx["campaign"].shots.all()], "model": "animatic"},
    ),
    Endpoint("studio:one_take_again", "post", "generate", one_take_kwargs),
    Endpoint("studio:one_take_compare", "post", "generate", one_take_kwargs),
    Endpoint(
        "studio:cut_media",
        "get",
        "view",
        lambda ctx: {**campaign_kwargs(ctx), "cut_id": ctx["cut"].pk, "variant": "video"},
    ),
    Endpoint("studio:spots", "get", "view", campaign_kwargs),
    Endpoint("studio:versions", "get", "view", campaign_kwargs),
    Endpoint("studio:versions_make", "post", "generate", campaign_kwargs),
    Endpoint("studio:version_texts", "get", "view", campaign_kwargs),
    Endpoint("studio:version_texts", "post", "edit_campaign", campaign_kwargs, data=market_data),
    Endpoint(
        "studio:market_add",
        "post",
        "edit_campaign",
        campaign_kwargs,
        data=lambda ctx: {"code": "fr-FR"},
    ),
    Endpoint(
        "studio:hook_add",
        "post",
        "edit_campaign",
        campaign_kwargs,
        data=lambda ctx: {"shot": ctx["shot"].pk},
    ),
    Endpoint(
        "studio:spot_make",
        "post",
        "generate",
        campaign_kwargs,
        data=lambda ctx: {"format": ctx["format"].pk},
    ),
    Endpoint(
        "studio:spot_finish",
        "post",
        "edit_shot",
        campaign_kwargs,
        data=lambda ctx: {
            "super_position": "top",
            "text_colour": "#FFFFFF",
            "brand_colour": "#000000",
            "end_card_seconds": "2",
            "end_card_background": "colour",
            "voice": "none",
        },
    ),
    Endpoint(
        "studio:spot_trim",
        "post",
        "edit_shot",
        campaign_kwargs,
        data=lambda ctx: {"format": ctx["format"].pk, "shot": ctx["shot"].pk, "whole": "1"},
    ),
    Endpoint(
        "studio:brand_file_add",
        "post",
        "manage_assets",
        campaign_kwargs,
        data=lambda ctx: {"kind": "font", "name": "Not a font"},
        ok=(200, 302, 422),
    ),
    Endpoint(
        "studio:spot_media",
        "get",
        "view",
        lambda ctx: {**campaign_kwargs(ctx), "spot_id": ctx["spot"].pk, "variant": "srt"},
    ),
    Endpoint(
        "studio:spot_decide",
        "post",
        "decide",
        lambda ctx: {**campaign_kwargs(ctx), "spot_id": ctx["spot"].pk},
        data=lambda ctx: {"verdict": "approved"},
    ),
    Endpoint(
        "studio:spot_review",
        "get",
        "view",
        lambda ctx: {**campaign_kwargs(ctx), "spot_id": ctx["spot"].pk},
    ),
    Endpoint(
        "studio:spot_comment",
        "post",
        "comment",
        lambda ctx: {**campaign_kwargs(ctx), "spot_id": ctx["spot"].pk},
        data=lambda ctx: {"body": "Lovely pacing.", "at": "1.5"},
    ),
    Endpoint(
        "studio:take_trim",
        "post",
        "edit_shot",
        lambda ctx: {"render_id": ctx["take"].pk},
        data=lambda ctx: {"start": "0.5", "end": "1.5"},
    ),
    Endpoint("studio:deliver", "get", "view", campaign_kwargs),
    Endpoint("studio:package_download", "get", "view", campaign_kwargs),
    Endpoint("studio:campaign_spend", "get", "view_spend", campaign_kwargs),
    Endpoint("studio:workspace_spend", "get", "view_spend", workspace_kwargs),
    Endpoint("studio:asset_library", "get", "view", workspace_kwargs),
    Endpoint(
        "studio:asset_library",
        "post",
        "manage_assets",
        workspace_kwargs,
        data=lambda ctx: {"name": "Bottle", "kind": "product", "image": upload()},
    ),
    Endpoint("studio:asset_image", "get", "view", lambda ctx: {"asset_id": ctx["asset"].pk}),
    Endpoint(
        "studio:asset_delete", "post", "manage_assets", lambda ctx: {"asset_id": ctx["asset"].pk}
    ),
    Endpoint(
        "studio:frames_from",
        "post",
        "edit_shot",
        lambda ctx: {**shot_kwargs(ctx), "source": "clear-last"},
    ),
    Endpoint("studio:member_list", "get", "view", workspace_kwargs),
    Endpoint(
        "studio:member_add",
        "post",
        "manage_members",
        workspace_kwargs,
        data=lambda ctx: {"email": "newcomer@example.com", "role": "viewer"},
    ),
    Endpoint(
        "studio:member_role",
        "post",
        "manage_members",
        membership_kwargs,
        data=lambda ctx: {"role": "reviewer"},
    ),
    Endpoint("studio:member_remove", "post", "manage_members", membership_kwargs),
    Endpoint(
        "studio:invitation_cancel",
        "post",
        "manage_members",
        lambda ctx: {"slug": ctx["workspace"].slug, "invitation_id": ctx["invitation"].pk},
    ),
    Endpoint("studio:audit_log", "get", "read_audit", workspace_kwargs),
    Endpoint("studio:channel_list", "get", "manage_channels", workspace_kwargs),
    Endpoint(
        "studio:channel_list",
        "post",
        "manage_channels",
        workspace_kwargs,
        data=lambda ctx: {
            "kind": "slack",
            "name": "#matrix",
            "url": "http://127.0.0.1:9/services/T0/B0/x",
            "events": ["approved"],
        },
    ),
    Endpoint("studio:channel_test", "post", "manage_channels", channel_kwargs),
    Endpoint("studio:channel_remove", "post", "manage_channels", channel_kwargs),
    Endpoint("studio:api_page", "get", "view", workspace_kwargs),
    Endpoint(
        "studio:token_create",
        "post",
        "view",
        workspace_kwargs,
        data=lambda ctx: {"name": "Matrix", "scopes": ["read"], "days": 5},
    ),
    Endpoint(
        "studio:webhook_create",
        "post",
        "manage_api",
        workspace_kwargs,
        data=lambda ctx: {"url": "http://127.0.0.1:9/hooks", "events": ["take.completed"]},
    ),
    Endpoint(
        "studio:webhook_change",
        "post",
        "manage_api",
        endpoint_kwargs,
        data=lambda c: {"op": "disable"},
    ),
    Endpoint("studio:webhook_log", "get", "manage_api", endpoint_kwargs),
]
GET_AND_POST = {
    f"studio:{name}"
    for name in (
        "campaign_edit",
        "shot_edit",
        "share_links",
        "deliverables_missing",
        "asset_library",
        "plan_shots",
        "one_take",
        "version_texts",
        "channel_list",
    )
}
POST_ONLY = sorted({e.name for e in ENDPOINTS if e.method == "post"} - GET_AND_POST)
READ_ONLY = sorted({e.name for e in ENDPOINTS if e.method == "get"} - GET_AND_POST)


@dataclass
class Special:
    """A URL outside the workspace's role rules, with its outcome per persona: "ok" (one of
    the `ok` statuses), "login" (redirect to the login page) or a status code."""

    name: str
    method: str
    kwargs: Callable
    expect: dict[str, object]
    data: Callable = field(default=lambda ctx: {})
    ok: tuple[int, ...] = (200, 302)
    why: str = ""


def _everyone(outcome, **overrides) -> dict[str, object]:
    return {**{p: outcome for p in PERSONAS}, **overrides}


MEMBERS_ONLY = _everyone("ok", anonymous="login", guest="login")
GUEST_LINK = _everyone("ok", anonymous=404)


def guest_kwargs(ctx, persona):
    token = "made-up-token" if persona == "anonymous" else ctx["token"]
    return {"token": token}


SPECIAL = [
    Special("studio:dashboard", "get", lambda ctx, p: {}, MEMBERS_ONLY, why="each sees their own"),
    Special(
        "studio:review_queue", "get", lambda ctx, p: {}, MEMBERS_ONLY, why="each sees their own"
    ),
    Special(
        "studio:campaign_create",
        "get",
        lambda ctx, p: {},
        _everyone("ok", anonymous="login", guest="login", reviewer=403, viewer=403, staff=404),
        why="in the user's current workspace; editors and owners",
    ),
    Special(
        "studio:workspace_switch",
        "post",
        lambda ctx, p: {},
        _everyone("ok", anonymous="login", guest="login", outsider=404, staff=404),
        data=lambda ctx: {"workspace": ctx["workspace"].pk},
        why="only to a workspace one belongs to",
    ),
    Special(
        "studio:model_catalog",
        "get",
        lambda ctx, p: {},
        _everyone("ok", anonymous="login", guest="login"),
        why="the catalog of models: no workspace's data",
    ),
    Special(
        "studio:verify",
        "get",
        lambda ctx, p: {},
        _everyone("ok", anonymous="login", guest="login"),
        why="reads a file the member uploads; a take (?take=) only as the take's page allows",
    ),
    Special(
        "studio:provider_list",
        "get",
        lambda ctx, p: {},
        _everyone(404, anonymous="login", guest="login", staff="ok"),
        why="keys' presence and paid test calls: operators only",
    ),
    Special(
        "studio:workflow_new",
        "get",
        lambda ctx, p: {},
        _everyone(404, anonymous="login", guest="login", staff="ok"),
        why="the team's GPU workflows and their prices: operators only",
    ),
    Special(
        "studio:workflow_new",
        "post",
        lambda ctx, p: {},
        _everyone(404, anonymous="login", guest="login", staff=422),
        why="operators only (an empty form is refused with its errors)",
    ),
    Special(
        "studio:workflow_switch",
        "post",
        lambda ctx, p: {"key": "no-such-workflow"},
        _everyone(404, anonymous="login", guest="login", staff=404),
        why="operators only; an unknown workflow is 404",
    ),
    Special(
        "studio:provider_test",
        "post",
        lambda ctx, p: {"name": "animatic"},
        _everyone(404, anonymous="login", guest="login", staff="ok"),
        why="operators only",
    ),
    Special(
        "studio:guest_entry",
        "get",
        guest_kwargs,
        GUEST_LINK,
        why="the link is the key; without it, 404",
    ),
    Special(
        "studio:guest_take",
        "get",
        lambda ctx, p: {**guest_kwargs(ctx, p), "render_id": ctx["take"].pk},
        GUEST_LINK,
        why="takes in the link's scope only",
    ),
    Special(
        "studio:guest_spots_decide",
        "post",
        lambda ctx, p: guest_kwargs(ctx, p),
        GUEST_LINK,
        data=lambda ctx: {"verdict": "approved", "guest_name": "Dana"},
        why="every spot the link shows, by the client",
    ),
    Special(
        "studio:guest_spot",
        "get",
        lambda ctx, p: {**guest_kwargs(ctx, p), "spot_id": ctx["spot"].pk},
        GUEST_LINK,
        why="the campaign's current spots that pass preflight",
    ),
    Special(
        "studio:guest_spot_decide",
        "post",
        lambda ctx, p: {**guest_kwargs(ctx, p), "spot_id": ctx["spot"].pk},
        GUEST_LINK,
        data=lambda ctx: {"verdict": "approved", "guest_name": "Dana"},
        why="a link that lets the client approve; recorded as the client's",
    ),
    Special(
        "studio:guest_spot_media",
        "get",
        lambda ctx, p: {**guest_kwargs(ctx, p), "spot_id": ctx["spot"].pk, "variant": "video"},
        GUEST_LINK,
        why="the spots the link shows",
    ),
    Special(
        "studio:guest_decide",
        "post",
        lambda ctx, p: {**guest_kwargs(ctx, p), "render_id": ctx["take"].pk},
        GUEST_LINK,
        data=lambda ctx: {"verdict": "approved", "guest_name": "Dana"},
        why="a link that lets the client approve; recorded as the client's",
    ),
    Special(
        "studio:decision_undo",
        "post",
        lambda ctx, p: {"decision_id": ctx["decision"].pk},
        _everyone(404, anonymous="login", guest="login", owner="ok"),
        why="only one's own recent decision",
    ),
    Special(
        "studio:guest_media",
        "get",
        lambda ctx, p: {**guest_kwargs(ctx, p), "render_id": ctx["take"].pk, "variant": "video"},
        GUEST_LINK,
        why="media of takes in the link's scope only",
    ),
    Special(
        "studio:guest_package",
        "get",
        guest_kwargs,
        GUEST_LINK,
        why="only a campaign link that allows downloads; the approved takes + manifest",
    ),
    Special(
        "studio:invitation_accept",
        "get",
        lambda ctx, p: {"token": ctx["invitation"].token if p != "anonymous" else "1-forged"},
        _everyone("ok", anonymous=404),
        why="the e-mailed token is the key; membership starts on accept (POST)",
    ),
    Special(
        "hook_openai",
        "post",
        lambda ctx, p: {},
        _everyone(400),
        why="no login; an unsigned delivery is refused",
    ),
    Special(
        "hook_runware",
        "post",
        lambda ctx, p: {"token": "not-a-take-token"},
        _everyone(400),
        why="no login; an unknown per-take token is refused",
    ),
    Special(
        "healthz",
        "get",
        lambda ctx, p: {},
        _everyone("ok"),
        ok=(200, 503),
        why="no login; says only ok/unhealthy per subsystem",
    ),
    Special("login", "get", lambda ctx, p: {}, _everyone("ok"), why="public"),
    Special(
        "studio:mail_choice",
        "get",
        lambda ctx, p: {},
        _everyone("ok", anonymous="login", guest="login"),
        why="one's own e-mail choices, for every account",
    ),
    Special(
        "studio:mail_choice",
        "post",
        lambda ctx, p: {},
        _everyone("ok", anonymous="login", guest="login"),
        data=lambda ctx: {"mentions": "on"},
        why="one's own e-mail choices, for every account",
    ),
    Special(
        "openid_connect_login",
        "post",
        lambda ctx, p: {"provider_id": "company"},
        _everyone(404),
        why="public when the company sign-in is configured (tests/test_sso.py); else 404",
    ),
    Special(
        "openid_connect_callback",
        "get",
        lambda ctx, p: {"provider_id": "company"},
        _everyone(404),
        why="the provider's way back: state, PKCE and nonce checked (tests/test_sso.py)",
    ),
    Special("logout", "post", lambda ctx, p: {}, _everyone("ok"), why="ends the session"),
    Special(
        "studio:token_revoke",
        "post",
        owners_token_kwargs,
        _everyone(404, anonymous="login", guest="login", owner="ok"),
        why="one's own token; an owner any of the workspace's",
    ),
    Special(
        "admin:index",
        "get",
        lambda ctx, p: {},
        _everyone("admin-login", staff="ok"),
        why="Django admin, staff only (all admin: URLs)",
    ),
]
# Django's admin guards every URL of its namespace with the same staff check (admin_view);
# admin:index stands for them.
# /api/v1/ (namespace `api`) answers tokens, not sessions: tests/api_access_matrix.py is its
# matrix (every operation × role × scope), checked by tests/test_api_access.py.
NAMESPACES_COVERED_BY_ONE_ROW = {"admin", "api"}


def expected(row, persona: str):
    """The outcome a persona gets at a row: "ok", "login", "admin-login" or a status code."""
    if isinstance(row, Special):
        return row.expect[persona]
    if persona in ("anonymous", "guest"):
        return "login"
    if persona in ("outsider", "staff"):
        return 404
    return "ok" if can(persona, row.action) else 403


def all_rows() -> list:
    return [*ENDPOINTS, *SPECIAL]


WORDS = {"ok": "yes", "login": "→ login", "admin-login": "→ admin login"}


def table() -> str:
    """The URL × persona table of docs/security.md."""
    from django.urls import reverse

    lines = [
        "| URL | method | " + " | ".join(PERSONAS) + " |",
        "|---|---|" + "---|" * len(PERSONAS),
    ]
    seen = set()
    for row in all_rows():
        key = (row.name, row.method)
        if key in seen:
            continue
        seen.add(key)
        try:
            route = _route(row.name)
        except LookupError:
            route = reverse(row.name)
        cells = [str(WORDS.get(expected(row, p), expected(row, p))) for p in PERSONAS]
        lines.append(f"| `{route}` | {row.method.upper()} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def named_urls() -> dict[str, str]:
    """Every named URL of the project: name (with namespace) -> route."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found: dict[str, str] = {}

    def walk(resolver, prefix="", namespace=None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern, prefix + str(pattern.pattern), pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.setdefault(name, prefix + str(pattern.pattern))

    walk(get_resolver())
    return found


def _route(name: str) -> str:
    routes = named_urls()
    if name not in routes:
        raise LookupError(name)
    return "/" + routes[name]


if __name__ == "__main__":
    print(table(), end="")
