"""The delivery package (a ZIP streamed from storage with its manifests) and the spend pages,
through their views."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import timedelta
from decimal import Decimal

import c2pa
from django.urls import reverse
from django.utils import timezone

from generation.models import Render, RenderStatus
from studio.models import Decision, ShareLink
from studio.production.deliverables import add_format
from tests.factories import (
    delivered_campaign,
    make_campaign,
    make_shot,
    make_take,
    stored_take,
    zip_of,
)

S = RenderStatus


def test_the_package_holds_the_approved_heroes_with_manifests_that_verify(
    client, vic, rita, campaign
):
    approved, waiting = delivered_campaign(campaign, rita)
    client.force_login(vic)
    page = client.get(reverse("studio:deliver", args=[campaign.pk])).content.decode()
    assert "Download ZIP (3 files" in page and "Reels: 2. The sip!" in page
    response = client.get(reverse("studio:package_download", args=[campaign.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert response.streaming  # never built whole
    archive = zip_of(response)
    names = sorted(archive.namelist())
    assert names == [
        "spring-launch/manifest.csv",
        "spring-launch/manifest.json",
        "spring-launch/reels/01-hero-pour-take2.c2pa",
        "spring-launch/reels/01-hero-pour-take2.mp4",
        "spring-launch/timeline/reels.edl",
        "spring-launch/timeline/reels.fcpxml",
        "spring-launch/timeline/reels.otio",
        "spring-launch/timeline/reels.xml",
        "spring-launch/timeline/youtube.edl",
        "spring-launch/timeline/youtube.fcpxml",
        "spring-launch/timeline/youtube.otio",
        "spring-launch/timeline/youtube.xml",
        "spring-launch/youtube/01-hero-pour-take1.c2pa",
        "spring-launch/youtube/01-hero-pour-take1.mp4",
        "spring-launch/youtube/02-the-sip-take1.c2pa",
        "spring-launch/youtube/02-the-sip-take1.mp4",
    ]
    record = json.loads(archive.read("spring-launch/manifest.json"))
    files = {f["path"]: f for f in record["files"]}
    assert len(files) == 3
    for path, entry in files.items():
        data = archive.read(path)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert entry["bytes"] == len(data)
        # Every file validates with c2pa's Reader (the local signer: valid, not trusted), and
        # so does its sidecar manifest store against it.
        with c2pa.Reader("video/mp4", io.BytesIO(data)) as reader:
            assert reader.get_validation_state() == "Valid"
        sidecar = archive.read(entry["c2pa"])
        with c2pa.Reader("video/mp4", io.BytesIO(data), sidecar) as reader:
            assert reader.get_validation_state() == "Valid"
        assert entry["credentials"]["delivered"] == "signed by Reelroom at delivery"
        assert entry["ai_generated"] is False  # the animatic: the studio's own creation
    first = files["spring-launch/youtube/01-hero-pour-take1.mp4"]
    assert first["prompt"] == "Prompt as sent for Hero pour take 1."
    assert first["provider_job_id"] == "job-1" and first["model"] == "animatic"
    assert first["decisions"][0]["reviewer"] == "rita"
    assert first["decisions"][0]["verdict"] == "approved"
    assert files["spring-launch/youtube/02-the-sip-take1.mp4"]["cost"] == "0.5000"
    assert {"format": "Reels", "shot_number": 2, "shot": "The sip!"} in record["missing"]
    rows = list(csv.DictReader(io.StringIO(archive.read("spring-launch/manifest.csv").decode())))
    assert sorted(r["path"] for r in rows) == sorted(files)
    assert all(r["sha256"] == files[r["path"]]["sha256"] for r in rows)
    assert waiting.video_key not in json.dumps(record)


def test_csv_cells_never_become_spreadsheet_formulas(client, vic, rita, workspace):
    campaign = make_campaign(workspace, name="=HYPERLINK(1)")
    add_format(campaign, "YouTube", "16:9")
    shot = make_shot(campaign, title="=cmd|' /C calc'!A0")
    take = stored_take(shot, 1, "1280x720", b"x" * 10)
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(vic)
    archive = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    manifest = next(n for n in archive.namelist() if n.endswith(".csv"))
    (row,) = csv.DictReader(io.StringIO(archive.read(manifest).decode()))
    assert row["shot"].startswith("'=")


def test_a_guest_downloads_the_package_only_when_the_link_allows(client, rita, campaign):
    delivered_campaign(campaign, rita)
    _plain, plain_token = ShareLink.create(campaign=campaign, days=3)
    _allowed, token = ShareLink.create(campaign=campaign, days=3, allow_download=True)
    assert client.get(reverse("studio:guest_package", args=[plain_token])).status_code == 404
    entry = client.get(reverse("studio:guest_entry", args=[token])).content.decode()
    assert reverse("studio:guest_package", args=[token]) in entry
    archive = zip_of(client.get(reverse("studio:guest_package", args=[token])))
    assert len([n for n in archive.namelist() if n.endswith(".mp4")]) == 3
    _locked, locked_token = ShareLink.create(
        campaign=campaign, days=3, allow_download=True, password="pour-over"
    )
    assert client.get(reverse("studio:guest_package", args=[locked_token])).status_code == 404


def test_nothing_approved_means_no_package(client, vic, campaign):
    add_format(campaign, "YouTube", "16:9")
    client.force_login(vic)
    assert client.get(reverse("studio:package_download", args=[campaign.pk])).status_code == 404
    assert (
        "Nothing is approved yet"
        in client.get(reverse("studio:deliver", args=[campaign.pk])).content.decode()
    )


def _seed_spend(campaign, ed, alice, rita):
    """Mixed providers and outcomes: billed at the provider's cost, billed at the estimate,
    failed and billed, failed and not billed, billing unknown, and in flight."""
    shot = make_shot(campaign, title="Pour")
    day = timezone.now() - timedelta(days=1)
    rows = [
        dict(provider="runware", model_key="kling-3-standard", status=S.COMPLETED, billed=True,
             cost_estimate=Decimal("0.5600"), cost_actual=Decimal("0.5123"), created_by=ed,
             duration_ms=5000, created_at=day),
        dict(provider="openai", model_key="sora-2", status=S.COMPLETED, billed=True,
             cost_estimate=Decimal("0.4000"), created_by=alice, duration_ms=4000),
        dict(provider="runware", model_key="veo-3.1-fast", status=S.FAILED, billed=True,
             cost_estimate=Decimal("1.2000"), cost_actual=Decimal("1.1000"), created_by=ed),
        dict(provider="openai", model_key="sora-2", status=S.FAILED, billed=False,
             cost_estimate=Decimal("0.4000"), created_by=ed),
        dict(provider="openai", model_key="sora-2", status=S.FAILED, billed=None,
             cost_estimate=Decimal("0.8000"), created_by=ed),
        dict(provider="runware", model_key="kling-3-standard", status=S.IN_PROGRESS,
             cost_estimate=Decimal("0.7000"), created_by=alice),
    ]  # fmt: skip
    takes = [
        make_take(shot, i, stored=False, prompt_text="x", **r) for i, r in enumerate(rows, start=1)
    ]
    Decision.objects.create(render=takes[0], reviewer=rita, verdict="approved")
    Decision.objects.create(render=takes[1], reviewer=rita, verdict="approved")
    return takes


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page).group(1)


def test_the_spend_page_equals_the_settled_costs_in_the_database(client, ed, alice, rita, campaign):
    _seed_spend(campaign, ed, alice, rita)
    settled = sum(
        (r.cost_actual if r.cost_actual is not None else r.cost_estimate)
        for r in Render.objects.filter(billed=True)
    )
    assert settled == Decimal("0.5123") + Decimal("0.4000") + Decimal("1.1000")
    client.force_login(ed)
    page = client.get(reverse("studio:campaign_spend", args=[campaign.pk])).content.decode()
    assert _figure(page, "settled") == "$2.01"
    assert _figure(page, "reserved") == "$0.70"
    assert _figure(page, "unknown") == "$0.80"
    assert _figure(page, "per-take") == "$1.01"  # 2.0123 over two approved takes
    assert _figure(page, "per-second") == "$0.22"  # over 9 approved seconds
    assert "failed and billed: 1, failed and not billed: 1" in page
    by_model = re.search(r'data-spend-by="model">(.*?)</table>', page, re.S).group(1)
    shown = sum(Decimal(v) for v in re.findall(r'data-settled="([0-9.]+)"', by_model))
    assert shown == settled
    assert "<svg" in page and "bar-settled" in page
    workspace_page = client.get(
        reverse("studio:workspace_spend", args=[campaign.workspace.slug])
    ).content.decode()
    assert _figure(workspace_page, "settled") == "$2.01"
    assert campaign.name in workspace_page


def test_the_spend_csv_has_one_line_per_take(client, ed, alice, rita, campaign):
    takes = _seed_spend(campaign, ed, alice, rita)
    client.force_login(ed)
    response = client.get(reverse("studio:campaign_spend", args=[campaign.pk]), {"format": "csv"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == len(takes)
    billed = Render.objects.filter(billed=True)
    assert sum(Decimal(r["settled"]) for r in rows) == sum(
        r.cost_actual if r.cost_actual is not None else r.cost_estimate for r in billed
    )
    assert {r["billed"] for r in rows} == {"yes", "no", "unknown"}


def test_the_spend_page_costs_the_same_queries_whatever_the_takes(
    client, ed, alice, rita, campaign, django_assert_num_queries
):
    _seed_spend(campaign, ed, alice, rita)
    client.force_login(ed)
    url = reverse("studio:campaign_spend", args=[campaign.pk])
    client.get(url)
    with django_assert_num_queries(8) as few:  # one of them: the required approvers
        client.get(url)
    _seed_spend(campaign, ed, alice, rita)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(url)


def test_reviewers_and_viewers_do_not_see_spend(client, rita, vic, campaign):
    for user in (rita, vic):
        client.force_login(user)
        assert client.get(reverse("studio:campaign_spend", args=[campaign.pk])).status_code == 403
