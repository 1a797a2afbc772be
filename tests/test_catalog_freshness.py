"""The catalog as Runware has it today (issue 19, points 1–5): the freshness check against the
installed runware-sdk, a take that asks for the tier it is priced at, Kling without a
providerSettings its pages forbid, the OpenAI snapshots, and "price unknown" where none is
published."""

from __future__ import annotations

import dataclasses
import uuid
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from generation import budget, catalog
from generation.catalog import freshness
from generation.providers.base import JobSpec
from generation.providers.runware import build_task
from tests.factories import generate
from tests.images import image_bytes

pytest.importorskip("runware.types.task_map")


def _runware_models():
    for model in catalog.MODELS.values():
        route = model.route(catalog.RUNWARE)
        if route is not None and not route.deactivated_on:
            yield model, route


LISTED_IN_ISSUE_19 = (
    "google:veo@3.1-lite", "klingai:kling-video@3.0-turbo", "klingai:kling-video@o3-pro",
    "klingai:kling-video@o3-standard", "klingai:kling-video@o3-4k", "klingai:kling-video@3-4k",
    "bytedance:seedance@2.0-fast", "bytedance:seedance@2.0-mini", "bytedance:seedance@2.5",
    "bytedance:seedance@1.5-pro", "alibaba:wan@2.6-flash", "alibaba:wan@2.7", "alibaba:wan@3.0",
    "alibaba:wan@3.0-prime", "minimax:4@2", "minimax:h3@0", "vidu:4@1", "lightricks:ltx@2.3",
    "lightricks:ltx@2.3-fast", "lightricks:ltx@2.5-fast", "lightricks:ltx@2.5-pro",
    "pixverse:1@8", "xai:grok-imagine@video-1.5", "alibaba:happyhorse@1.1",
)  # fmt: skip


def test_catalog_check_finds_no_row_naming_what_the_sdk_no_longer_has():
    out = StringIO()
    call_command("catalog_check", stdout=out)
    text = out.getvalue()
    assert "stale: 0" in text and "nothing the SDK no longer has" in text
    # Runware's Sora AIRs are gone from the SDK and marked deactivated, not stale.
    assert " ".join(text.split()).count("deactivated sora-2: openai:3@1 since 2026-09-24") == 1
    assert "missing     sync:lipsync-2@1" in text  # the SDK's models the catalog lacks
    # The live models a team asked for are rows now, not findings.
    for air in LISTED_IN_ISSUE_19:
        assert f"missing     {air}:" not in text, air


def test_catalog_check_flags_a_stale_row_unless_it_is_deactivated():
    veo = catalog.get("veo-3.1-fast")
    route = dataclasses.replace(veo.routes[0], model_id="google:3@999")
    gone = dataclasses.replace(veo, key="gone", routes=(route,))
    wrong_tier = dataclasses.replace(veo, key="wrong-tier", tiers={"1280x720": "8K"})
    findings = freshness.check({"gone": gone, "wrong-tier": wrong_tier})
    stale = {(f.model, f.kind) for f in findings if f.kind == freshness.STALE}
    assert stale == {("gone", "stale"), ("wrong-tier", "stale")}
    retired = dataclasses.replace(
        gone, routes=(dataclasses.replace(route, deactivated_on=veo.last_checked),)
    )
    findings = freshness.check({"gone": retired})
    assert [f.kind for f in findings if f.model == "gone"] == [freshness.DEACTIVATED]


def test_catalog_check_exits_with_an_error_on_a_stale_row(monkeypatch):
    from django.core.management.base import CommandError

    stale = [freshness.Finding(freshness.STALE, "veo-3.1-fast", "google:3@3 is not in the SDK")]
    monkeypatch.setattr(freshness, "check", lambda: stale)
    with pytest.raises(CommandError, match="1 row"):
        call_command("catalog_check", stdout=StringIO())


@pytest.fixture(scope="module")
def frame_key(django_db_setup, django_db_blocker):
    key = default_storage.save("freshness/frame.png", ContentFile(image_bytes((640, 360))))
    yield key
    default_storage.delete(key)


def _task(model, route, size, frame_key, with_frame: bool) -> dict:
    width, height = catalog.parse_size(size)
    return build_task(
        JobSpec(
            idempotency_key=str(uuid.uuid4()), model_key=model.key, model_id=route.model_id,
            size=size, width=width, height=height, seconds=model.durations_for(size)[0],
            prompt="A cold brew poured over ice.", audio=True,
            reference_image_key=frame_key if with_frame else "",
        )
    )  # fmt: skip


def test_every_task_asks_for_the_tier_it_is_priced_at(frame_key):
    """For every row, size and way of asking (text, first frame): the task states its tier
    (width/height, or `resolution`), and that tier is the one priced; a task that states none
    is only right for a model with one price for every size."""
    failures = []
    for model, route in _runware_models():
        prices = {size: model.price_per_second(size, True) for size in model.sizes}
        for size in model.sizes:
            for with_frame in (False, True):
                if with_frame and "first" not in model.frames:
                    continue
                if not with_frame and model.needs_first_frame:
                    continue
                task = _task(model, route, size, frame_key, with_frame)
                if "width" in task:
                    asked = {f"{task['width']}x{task['height']}"}
                elif "resolution" in task:
                    tier = task["resolution"]
                    asked = {s for s in model.sizes if model.tiers.get(s, s) == tier}
                else:
                    asked = set(model.sizes)  # the provider's default: any of them
                if size not in asked or {prices[s] for s in asked} != {prices[size]}:
                    failures.append(f"{model.key} {size} frame={with_frame}: asks {task}")
    assert not failures, "\n".join(failures[:10])


def test_veo_and_wan_with_a_frame_image_send_their_tier(frame_key):
    veo = catalog.get("veo-3.1-fast")
    task = _task(veo, veo.routes[0], "3840x2160", frame_key, with_frame=True)
    assert task["resolution"] == "4K" and "width" not in task
    wan = catalog.get("wan-2.6")
    task = _task(wan, wan.routes[0], "1632x1248", frame_key, with_frame=True)
    assert task["resolution"] == "1080p" and "width" not in task
    assert task["providerSettings"] == {"alibaba": {"audio": True}}
    hailuo = catalog.get("hailuo-2.3")
    task = _task(hailuo, hailuo.routes[0], "1920x1080", frame_key, with_frame=True)
    assert (task["width"], task["height"]) == (1920, 1080)
    assert budget.estimate("hailuo-2.3", "1920x1080", 6).quantize(Decimal("0.01")) == Decimal(
        "0.49"
    )


def test_kling_sends_no_provider_settings_its_pages_forbid_without_references(frame_key):
    for key in ("kling-3-pro", "kling-3-standard", "kling-o3-pro", "kling-o3-standard"):
        model = catalog.get(key)
        for with_frame in (False, True):
            task = _task(model, model.routes[0], model.sizes[0], frame_key, with_frame)
            assert "providerSettings" not in task, key
        # Its native sound is priced in: never under the bill.
        assert model.price_per_second(model.sizes[0], False) == model.prices[model.sizes[0]][1]


def test_an_image_to_video_model_refuses_a_take_without_a_first_frame():
    problems = catalog.validate("wan-2.6-flash", "1280x720", 5, "A cup of coffee.")
    assert [p.field for p in problems if "first frame" in p.message] == ["reference_image"]
    assert not [
        p
        for p in catalog.validate(
            "wan-2.6-flash", "1280x720", 5, "A cup of coffee.", image_size=(1280, 720)
        )
        if p.field == "reference_image"
    ]


def test_the_openai_snapshots_are_offered_through_a_gateway(settings):
    settings.OPENAI_API_KEY = "sk-test-not-real"
    for key in ("sora-2-2025-10-06", "sora-2-2025-12-08", "sora-2-pro-2025-10-06"):
        model = catalog.get(key)
        assert model.offered and model.preferred_route().model_id == key
    assert catalog.get("sora-2-pro").route(catalog.RUNWARE).sizes[-1] == "1080x1920"


def test_the_catalog_page_shows_every_model_with_its_source_and_date(client, ed):
    client.force_login(ed)
    page = client.get(reverse("studio:model_catalog")).content.decode()
    for model in catalog.MODELS.values():
        assert f'id="model-{model.key}"' in page
        assert model.last_checked.isoformat() in page
    assert 'data-price="veo-3.1-lite">price unknown' in page
    assert "deactivated 2026-09-24" in page


def test_a_snapshot_take_is_sent_under_its_dated_name(
    ed, shot, openai_fake, django_capture_on_commit_callbacks
):
    from tests.pipeline import request_take, settle

    shot.model_key, shot.size, shot.seconds = "sora-2-2025-12-08", "1280x720", 4
    shot.prompt = {"scene": "A cup of cold brew on a table."}
    shot.save()
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == "completed" and take.provider_model == "sora-2-2025-12-08"
    assert openai_fake.seen.creates[-1]["model"] == "sora-2-2025-12-08"


def test_the_models_added_in_december_ask_for_their_tier_the_way_their_pages_allow(frame_key):
    # Kling 3.0 Turbo: `resolution` only beside frame images; text takes send width/height.
    turbo = catalog.get("kling-3-turbo")
    task = _task(turbo, turbo.routes[0], "1440x1440", frame_key, with_frame=True)
    assert task["resolution"] == "1080p" and "width" not in task
    task = _task(turbo, turbo.routes[0], "1440x1440", frame_key, with_frame=False)
    assert (task["width"], task["height"]) == (1440, 1440) and "resolution" not in task
    # Kling O3: the Omni page allows `resolution` only beside an input video: none is sent.
    for key in ("kling-o3-pro", "kling-o3-standard", "kling-o3-4k"):
        o3 = catalog.get(key)
        task = _task(o3, o3.routes[0], o3.sizes[0], frame_key, with_frame=True)
        assert "resolution" not in task and "width" not in task, key
    # LTX-2.3: the SDK requires width and height, frame or not.
    ltx = catalog.get("ltx-2.3")
    task = _task(ltx, ltx.routes[0], "2560x1440", frame_key, with_frame=True)
    assert (task["width"], task["height"]) == (2560, 1440)
    assert budget.estimate("ltx-2.3", "2560x1440", 8) == Decimal("1.28")
    # Vidu Q3 with a frame states its tier, priced per tier.
    vidu = catalog.get("vidu-q3")
    task = _task(vidu, vidu.routes[0], "1674x1238", frame_key, with_frame=True)
    assert task["resolution"] == "1080p"
    assert budget.estimate("vidu-q3", "1280x720", 10) == Decimal("0.975")


def test_a_flat_charge_per_take_is_in_the_estimate():
    """Grok Imagine 1.5 charges $0.01 for its input image on top of the seconds."""
    assert budget.estimate("grok-imagine-1.5", "1280x720", 5) == Decimal("0.71")
    assert budget.estimate("grok-imagine-1.5", "848x480", 10) == Decimal("0.81")
    assert catalog.get("grok-imagine-1.5").needs_first_frame


def test_a_model_without_a_published_price_is_refused_by_a_hard_budget():
    assert budget.estimate("wan-3.0", "1080p", 5) is None
    held = budget.quote("wan-3.0", "1080p", 5, limit=Decimal("100"), account=None)
    assert "no published price" in held.problem()
    assert budget.quote("wan-3.0", "1080p", 5, limit=None, account=None).problem() == ""
    assert catalog.get("wan-3.0").price_label == "price unknown"
    assert "not in our sources" in catalog.get("wan-3.0").source


def test_a_take_of_an_unpriced_model_is_refused_under_a_hard_budget_through_the_editor(
    client, ed, shot, settings, django_capture_on_commit_callbacks
):
    """The editor's Generate, as a person uses it: a campaign with a hard budget cannot spend
    on a model whose price is not published; the input is kept and nothing is made."""
    settings.RUNWARE_API_KEY = "rw-test-not-real"
    shot.campaign.budget = Decimal("100")
    shot.campaign.save()
    client.force_login(ed)
    response, _ = generate(
        client, shot, django_capture_on_commit_callbacks,
        model_key="wan-3.0", size="1080p", seconds="5", scene="Keep this scene",
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 422
    assert "no published price" in page and "Keep this scene" in page
    assert not shot.renders.exists()
