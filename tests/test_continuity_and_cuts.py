"""Continuity (frames from other shots), brand assets, and cuts, with real takes made by the
animatic provider and real ffmpeg."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageChops, ImageStat

from generation import media, storage
from generation.models import RenderStatus
from studio import queue
from studio.models import Asset, Cut, CutStatus, Decision
from studio.production import cuts
from studio.review import decisions
from studio.review.decisions import choose_hero
from tests.factories import make_shot
from tests.images import image_bytes, upload
from tests.pipeline import request_take, settle

S = RenderStatus


def _finished_take(shot, user, capture, **changes):
    for name, value in changes.items():
        setattr(shot, name, value)
    shot.save()
    take = request_take(shot, user, capture)
    (take,) = settle(capture, [take])
    assert take.status == S.COMPLETED
    return take


def _pixels_close(a: bytes, b: bytes) -> float:
    with Image.open(_file(a)) as x, Image.open(_file(b)) as y:
        assert x.size == y.size
        return max(ImageStat.Stat(ImageChops.difference(x.convert("RGB"), y.convert("RGB"))).mean)


def _file(data: bytes):
    return io.BytesIO(data)


def test_continue_from_the_previous_shot_uses_its_exact_last_frame(
    client, ed, campaign, django_capture_on_commit_callbacks
):
    first = make_shot(campaign, title="Pour", prompt={"scene": "Coffee is poured."})
    second = make_shot(campaign, title="Sip", prompt={"scene": "She sips the coffee."})
    take = _finished_take(first, ed, django_capture_on_commit_callbacks)
    choose_hero(take, ed)
    client.force_login(ed)
    response = client.post(
        reverse("studio:frames_from", args=[campaign.pk, second.pk, "continue"]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Last frame of shot 1 “Pour”, take 1" in page
    second.refresh_from_db()
    assert second.reference_dimensions == (1280, 720)
    with tempfile.TemporaryDirectory() as tmp:
        copy = storage.fetch(take.video_key)
        expected = media.last_frame(copy.path, Path(tmp) / "last.png").read_bytes()
        copy.path.unlink()
    with default_storage.open(second.reference_image, "rb") as fh:
        assert _pixels_close(fh.read(), expected) < 1.0
    # The take made from it is sent with that first frame.
    made = request_take(second, ed, django_capture_on_commit_callbacks, execute=False)
    assert made.reference_image_key == second.reference_image


def test_the_first_shot_has_nothing_to_continue_and_says_so(client, ed, campaign, shot):
    client.force_login(ed)
    response = client.post(
        reverse("studio:frames_from", args=[campaign.pk, shot.pk, "continue"]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "there is no previous shot" in response.content.decode()


def test_bridge_takes_the_next_shots_first_frame_as_the_last(
    client, ed, campaign, django_capture_on_commit_callbacks
):
    a = make_shot(campaign, title="A", prompt={"scene": "Morning light."})
    b = make_shot(campaign, title="B", prompt={"scene": "The walk."})
    c = make_shot(campaign, title="C", prompt={"scene": "Evening light."})
    _finished_take(a, ed, django_capture_on_commit_callbacks)
    end = _finished_take(c, ed, django_capture_on_commit_callbacks)
    client.force_login(ed)
    response = client.post(
        reverse("studio:frames_from", args=[campaign.pk, b.pk, "bridge"]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    b.refresh_from_db()
    assert b.reference_source.startswith("Last frame of shot 1") and b.last_frame_image
    assert "First frame of shot 3 “C”, take 1" in response.content.decode()
    with tempfile.TemporaryDirectory() as tmp:
        copy = storage.fetch(end.video_key)
        first = media.first_frame(copy.path, Path(tmp) / "first.png").read_bytes()
        copy.path.unlink()
    with default_storage.open(b.last_frame_image, "rb") as fh:
        assert _pixels_close(fh.read(), first) < 1.0
    made = request_take(b, ed, django_capture_on_commit_callbacks, execute=False)
    assert made.last_frame_key == b.last_frame_image


def test_brand_assets_are_checked_by_content_and_attach_as_frames(
    client, ed, vic, workspace, campaign, shot
):
    client.force_login(ed)
    url = reverse("studio:asset_library", args=[workspace.slug])
    fake = upload(name="bottle.png", data=b"MZ this is not an image")
    refused = client.post(url, {"name": "Bottle", "kind": "product", "image": fake})
    assert refused.status_code == 422
    assert "not a readable image" in refused.content.decode()
    assert 'value="Bottle"' in refused.content.decode()  # the input is kept
    assert (
        client.post(
            url, {"name": "Bottle", "kind": "product", "image": upload(size=(800, 800))}
        ).status_code
        == 302
    )
    asset = Asset.objects.get()
    assert (asset.width, asset.height) == (800, 800) and len(asset.sha256) == 64
    response = client.post(
        reverse("studio:frames_from", args=[campaign.pk, shot.pk, "asset"]),
        {"asset": asset.pk, "which": "first"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Asset “Bottle”" in response.content.decode()
    shot.refresh_from_db()
    assert shot.reference_dimensions == (1280, 720)  # fitted to the shot
    assert shot.original_dimensions == (800, 800)
    # Deleting the asset leaves the shot's own copy.
    client.post(reverse("studio:asset_delete", args=[asset.pk]))
    assert default_storage.exists(shot.reference_image)
    client.force_login(vic)
    assert client.post(url, {"name": "X", "kind": "logo", "image": upload()}).status_code == 403


def test_an_asset_of_another_workspace_cannot_be_attached(client, ed, campaign, shot, charlie):
    other = Asset.objects.create(
        workspace=charlie.memberships.get().workspace, name="Theirs", image_key="x.png",
        width=400, height=400, sha256="0" * 64,
    )  # fmt: skip
    client.force_login(ed)
    response = client.post(
        reverse("studio:frames_from", args=[campaign.pk, shot.pk, "asset"]),
        {"asset": other.pk, "which": "first"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    shot.refresh_from_db()
    assert shot.reference_image == ""


def test_a_rough_cut_joins_the_heroes_and_lists_what_is_missing(
    client, ed, rita, campaign, django_capture_on_commit_callbacks
):
    from studio.production.deliverables import add_format

    fmt = add_format(campaign, "YouTube", "16:9")
    one = make_shot(campaign, title="One", prompt={"scene": "A sunrise."})
    two = make_shot(campaign, title="Two", prompt={"scene": "A street."})
    three = make_shot(campaign, title="Three", prompt={"scene": "A cup."})
    t1 = _finished_take(one, ed, django_capture_on_commit_callbacks, seconds=4)
    t3 = _finished_take(three, ed, django_capture_on_commit_callbacks, seconds=6)
    for take in (t1, t3):
        Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(ed)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:cut_request", args=[campaign.pk]), {"format": fmt.pk})
    cut = Cut.objects.get()
    assert cut.status == CutStatus.COMPLETED, cut.error
    assert [s["title"] for s in cut.sources] == ["One", "Three"]
    assert cut.missing == [{"shot": two.pk, "number": 2, "title": "Two"}]
    copy = storage.fetch(cut.video_key)
    info = media.probe(copy.path)
    copy.path.unlink()
    assert abs(info.duration_ms - 10_000) <= 100 and (info.width, info.height) == (1280, 720)
    page = client.get(reverse("studio:storyboard", args=[campaign.pk])).content.decode()
    assert "Missing (no hero in this format): 2. Two" in page
    assert reverse("studio:cut_media", args=[campaign.pk, cut.pk, "video"]) in page
    download = client.get(
        reverse("studio:cut_media", args=[campaign.pk, cut.pk, "video"]), {"download": "1"}
    )
    assert download["Content-Disposition"].startswith("attachment;")
    # Asking again for the same heroes finds the same cut; a new hero makes a new one.
    assert cuts.request_cut(campaign, fmt) == cut
    t2 = _finished_take(two, ed, django_capture_on_commit_callbacks, seconds=4)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.choose_hero(t2, ed)
    newest = Cut.objects.filter(format=fmt).first()
    assert newest != cut and newest.status == CutStatus.COMPLETED
    assert [s["title"] for s in newest.sources] == ["One", "Two", "Three"]


def test_the_storyboard_animatic_renders_shots_without_takes(
    client, ed, campaign, django_capture_on_commit_callbacks
):
    one = make_shot(campaign, title="One", prompt={"scene": "A sunrise."}, seconds=4)
    make_shot(campaign, title="Two", prompt={"scene": "A street."}, seconds=4)
    _finished_take(one, ed, django_capture_on_commit_callbacks)
    client.force_login(ed)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:cut_request", args=[campaign.pk]))
    cut = Cut.objects.get()
    assert cut.status == CutStatus.COMPLETED, cut.error
    assert [s["take"] is None for s in cut.sources] == [False, True]
    assert abs(cut.duration_ms - 8000) <= 100


def test_the_storyboard_animatic_takes_the_hero_else_the_newest_finished_take(
    ed, campaign, django_capture_on_commit_callbacks
):
    shot = make_shot(campaign, title="One", prompt={"scene": "A sunrise."})
    first = _finished_take(shot, ed, django_capture_on_commit_callbacks)
    second = _finished_take(shot, ed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        newest = cuts.request_cut(campaign, None)
    assert [s["take"] for s in newest.sources] == [second.pk]
    choose_hero(first, ed)
    with django_capture_on_commit_callbacks(execute=False):
        chosen = cuts.request_cut(campaign, None)
    assert [s["take"] for s in chosen.sources] == [first.pk]


def test_a_cut_whose_take_is_gone_fails_with_the_reason(
    ed, campaign, django_capture_on_commit_callbacks
):
    from studio.production.deliverables import add_format

    fmt = add_format(campaign, "YouTube", "16:9")
    shot = make_shot(campaign, title="One", prompt={"scene": "A sunrise."})
    take = _finished_take(shot, ed, django_capture_on_commit_callbacks)
    choose_hero(take, ed)
    with django_capture_on_commit_callbacks(execute=False):
        cut = cuts.request_cut(campaign, fmt)
    take.refresh_from_db()
    for key in {take.video_key, take.signed_key} - {""}:  # the take and its signed copy are gone
        default_storage.delete(key)
    cuts.render_cut(cut.pk)
    cut.refresh_from_db()
    assert cut.status == CutStatus.FAILED and cut.error
    cuts.render_cut(cut.pk)  # a second delivery changes nothing
    cut.refresh_from_db()
    assert cut.status == CutStatus.FAILED


def test_set_last_frame_fits_the_image_to_the_shot(shot):
    shot.set_last_frame(image_bytes((1000, 1000)), "test")
    assert shot.last_frame_dimensions == (1280, 720)


def test_a_decision_on_a_campaign_with_cuts_asks_for_them_again(
    ed, rita, campaign, shot, monkeypatch, django_capture_on_commit_callbacks
):
    """Called directly (no signal on the studio's own Decision table): the newest approved
    take may be the one a cell delivers now."""
    queued = []
    monkeypatch.setattr(queue, "async_task", lambda *args, **kw: queued.append((args, kw)))
    take = _finished_take(shot, ed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(take, rita, "approved")
    assert not [a for a, _ in queued if a[0] == "studio.tasks.recut"]  # no cut yet: nothing
    Cut.objects.create(campaign=campaign, signature="s", width=1280, height=720)
    with django_capture_on_commit_callbacks(execute=True):
        decisions.decide(take, rita, "changes_requested")
    assert (("studio.tasks.recut", campaign.pk), {"group": "cuts"}) in queued
