"""Property-based bad input (hypothesis) against every form and every endpoint that takes
parameters: timecodes, budgets, prompts of any Unicode and up to 1 MB, sizes, seconds, ids,
page numbers, upload bodies. Whatever arrives: never a 500; a refusal says why; nothing changes
on a refusal.

`make test` runs the bounded "ci" profile (tests/conftest.py); HYPOTHESIS_PROFILE=deep runs
many more examples. The example database lives in the temporary test folder, not the repo.
"""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from generation.models import Render
from studio.models import (
    Campaign,
    Comment,
    Decision,
    Invitation,
    Membership,
    PromptTemplate,
    PromptVersion,
    ShareLink,
    Shot,
)
from tests.access_matrix import ENDPOINTS, SPECIAL

FIELDS = [
    "timecode",
    "end_timecode",
    "drawing",
    "parent",
    "budget",
    "seconds",
    "size",
    "model_key",
    "variations",
    "page",
    "next",
    "batch_key",
    "prompt",
    "body",
    "name",
    "title",
    "scene",
    "verdict",
    "direction",
    "op",
    "mode",
    "days",
    "password",
    "email",
    "role",
    "resolved",
    "template",
    "ids",
    "a",
    "b",
    "campaign",
    "workspace",
    "guest_name",
    "visible_to_guests",
    "note",
    "status",
    "due_date",
    "label",
    "shot",
    "allow_comments",
    "brand_banned_words",
    "subject",
    "action",
]
NASTY = st.sampled_from(
    [
        "",
        " ",
        "nan",
        "inf",
        "-inf",
        "1e308",
        "-0",
        "-1",
        "0",
        "99:99:99",
        "1:99",
        "٣",
        "²",
        "99999999999999999999999",
        "9" * 400,
        "0x10",
        "1_000",
        "\x00",
        "\r\nBcc: x@example.com",
        "<script>alert(1)</script>",
        "../../etc/passwd",
        "//evil.example.com/",
        "on",
        "off",
        "1280x720",
        "99999x99999",
        "0x0",
        "x",
        "animatic",
        "sora-2",
        "approved",
        "up",
        "add",
        "remove-99999999999999999999",
        "seed:nope",
        "ws:99999999999999999999",
        "é" * 300,
    ]
)
HUGE = st.builds(
    lambda seed, n: (seed * (n // max(1, len(seed)) + 1))[:n],
    st.text(min_size=1, max_size=8),
    st.sampled_from([1000, 4001, 6001, 32001, 1_000_000]),
)
VALUE = st.one_of(NASTY, st.text(max_size=60), st.integers().map(str), HUGE)
PARAMS = st.dictionaries(st.sampled_from(FIELDS), VALUE, max_size=6)
_SETTINGS = settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
# One fixed seed: the bounded run sees the same examples on every machine and in every folder
# (hypothesis' derandomized seed also hashes where the test lives). HYPOTHESIS_PROFILE=deep
# explores beyond it.
SEED = 20261123


def FUZZ(run):
    return seed(SEED)(_SETTINGS(run))


TABLES = [
    Campaign,
    Shot,
    Render,
    Comment,
    Decision,
    ShareLink,
    Membership,
    Invitation,
    PromptVersion,
    PromptTemplate,
]


def snapshot(ctx):
    shot = Shot.objects.filter(pk=ctx["shot"].pk).values().first()
    campaign = Campaign.objects.filter(pk=ctx["campaign"].pk).values().first()
    for row in (shot, campaign):
        if row:
            row.pop("updated_at", None)
    return [model.objects.count() for model in TABLES], shot, campaign


def check(response, before, ctx, what):
    assert response.status_code < 500, what
    if response.status_code >= 400 and response.status_code not in (404, 405):
        body = b"" if getattr(response, "streaming", False) else response.content
        assert body.strip(), f"a refusal without a reason: {what}"
        assert snapshot(ctx) == before, f"a refusal changed rows: {what}"


POSTS = [e for e in ENDPOINTS if e.method == "post"]
GETS = [e for e in ENDPOINTS if e.method == "get"]


@pytest.mark.parametrize("endpoint", POSTS, ids=[e.name for e in POSTS])
def test_any_form_post_is_answered_without_a_crash(client, ctx, endpoint):
    client.force_login(ctx["team"]["owner"])
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(ctx))
    base = endpoint.data(ctx)

    @FUZZ
    @given(params=PARAMS, drop=st.sets(st.sampled_from(sorted(base) or ["-"]), max_size=3))
    def run(params, drop):
        data = {k: v for k, v in base.items() if k not in drop}
        data.update(params)
        before = snapshot(ctx)
        response = client.post(url, data)
        check(response, before, ctx, f"POST {url} {sorted(data)}")

    run()


@pytest.mark.parametrize("endpoint", GETS, ids=[e.name for e in GETS])
def test_any_query_is_answered_without_a_crash(client, ctx, endpoint):
    client.force_login(ctx["team"]["owner"])
    url = reverse(endpoint.name, kwargs=endpoint.kwargs(ctx))

    @FUZZ
    @given(params=PARAMS)
    def run(params):
        before = snapshot(ctx)
        response = client.get(url, {**endpoint.data(ctx), **params})
        check(response, before, ctx, f"GET {url} {params}")

    run()


@pytest.mark.parametrize("row", SPECIAL, ids=[f"{r.method}-{r.name}" for r in SPECIAL])
def test_public_and_personal_urls_take_any_input(client, ctx, row):
    url = reverse(row.name, kwargs=row.kwargs(ctx, "guest"))

    @FUZZ
    @given(
        params=PARAMS,
        headers=st.dictionaries(
            st.sampled_from(
                [
                    "HTTP_WEBHOOK_ID",
                    "HTTP_WEBHOOK_TIMESTAMP",
                    "HTTP_WEBHOOK_SIGNATURE",
                    "HTTP_X_FORWARDED_FOR",
                    "HTTP_RANGE",
                ]
            ),
            NASTY,
            max_size=3,
        ),
    )
    def run(params, headers):
        before = snapshot(ctx)
        response = getattr(client, row.method)(url, params, **headers)
        check(response, before, ctx, f"{row.method.upper()} {url} {params} {headers}")

    run()


@pytest.fixture
def guest_take_url(ctx):
    return reverse("studio:guest_take", args=[ctx["token"], ctx["take"].pk])


def test_guest_comments_take_any_input(client, ctx, guest_take_url):
    @FUZZ
    @given(
        body=st.one_of(VALUE, st.text()),
        name=st.one_of(VALUE, st.text()),
        timecode=st.one_of(NASTY, st.floats().map(str), st.text(max_size=12)),
    )
    def run(body, name, timecode):
        before = snapshot(ctx)
        response = client.post(
            guest_take_url, {"body": body, "guest_name": name, "timecode": timecode}
        )
        check(response, before, ctx, f"guest comment {name!r} {timecode!r}")
        if response.status_code == 302:
            assert "\n" not in Comment.objects.latest("pk").guest_name

    run()


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)
SHAPE = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["arrow", "rect", "ellipse", "path", "text", "x"]),
        "color": st.sampled_from(["red", "white", "#fff", ""]),
        "points": st.lists(st.lists(st.floats(-1, 2) | st.integers(-2, 2), max_size=3), max_size=6),
        "text": st.text(max_size=130),
    }
)


def test_drawings_and_ranges_take_any_input(client, ctx):
    client.force_login(ctx["team"]["reviewer"])
    url = reverse("studio:comment_add", args=[ctx["take"].pk])

    @FUZZ
    @given(
        drawing=st.one_of(JSON.map(json.dumps), st.lists(SHAPE, max_size=4).map(json.dumps), VALUE),
        start=st.one_of(NASTY, st.floats(-1, 10).map(str)),
        end=st.one_of(NASTY, st.floats(-1, 10).map(str)),
    )
    def run(drawing, start, end):
        before = snapshot(ctx)
        data = {"body": "Look", "timecode": start, "end_timecode": end, "drawing": drawing}
        response = client.post(url, data)
        check(response, before, ctx, f"drawing {drawing!r} {start!r}-{end!r}")
        if response.status_code == 302:
            stored = Comment.objects.latest("pk")
            points = [p for s in stored.drawing for p in s["points"]]
            assert all(0 <= v <= 1 for p in points for v in p)
            assert stored.end_ms is None or stored.end_ms > stored.timecode_ms

    run()


def test_reference_uploads_take_any_bytes(client, ctx):
    client.force_login(ctx["team"]["editor"])
    url = reverse("studio:reference_upload", args=[ctx["campaign"].pk, ctx["shot"].pk])

    @FUZZ
    @given(
        content=st.one_of(
            st.binary(max_size=4096),
            st.sampled_from([b"\x89PNG\r\n\x1a\n" + b"\0" * 64, b"GIF89a", b"RIFF\0\0\0\0WEBP"]),
        ),
        name=st.text(max_size=40),
    )
    def run(content, name):
        before = snapshot(ctx)
        # Any name a browser can send (the client refuses to build one with no file name).
        safe_name = name.replace("\\", "/").rsplit("/", 1)[-1].strip(". ") or "x"
        upload = SimpleUploadedFile(safe_name, content, content_type="image/png")
        response = client.post(url, {"image": upload}, HTTP_HX_REQUEST="true")
        check(response, before, ctx, f"upload {name!r} {content[:16]!r}")
        assert response.status_code in (200, 400, 422)

    run()
