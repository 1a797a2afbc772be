"""The spot: a format's heroes finished to its channel (supers, end card, sound, loudness,
captions), preflighted, and delivered. Real takes from the animatic provider, real ffmpeg; the
results measured with other tools (pyloudnorm on the decoded sound, the pixels of frames, the
captions read back by a second library, the credentials by c2pa's reader)."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import c2pa
import numpy as np
import opentimelineio as otio
import pyloudnorm
import pysubs2
import pytest
import soundfile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageChops

from generation import channels, media, storage
from generation.media import preflight, sound
from generation.media.typesetting import Box
from generation.models import RenderStatus
from studio.models import BrandFile, Decision, Format, Spot, SpotStatus
from studio.production import spots
from studio.production.deliverables import add_format
from tests.factories import make_shot, zip_of
from tests.fakes.base import FakeServer, JSONHandler
from tests.pipeline import request_take, settle

S = RenderStatus
MAGENTA = "#FF00FF"


def _take(shot, user, capture):
    take = request_take(shot, user, capture)
    (take,) = settle(capture, [take])
    assert take.status == S.COMPLETED
    return take


def _local(key: str, tmp_path: Path, name: str) -> Path:
    copy = storage.fetch(key)
    return copy.path.rename(tmp_path / name)


def _decoded(video: Path, tmp_path: Path):
    wav = tmp_path / "sound.wav"
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-y", "-i", str(video), "-vn", "-ac", "2",
         "-ar", "48000", "-c:a", "pcm_f32le", str(wav)],
        check=True,
    )  # fmt: skip
    return soundfile.read(wav)


def _frame(video: Path, at: float, tmp_path: Path) -> Image.Image:
    out = tmp_path / f"frame-{at}.png"
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-y", "-ss", f"{at}", "-i", str(video),
         "-frames:v", "1", str(out)],
        check=True,
    )  # fmt: skip
    with Image.open(out) as image:
        return image.convert("RGB")


def _magenta(image: Image.Image) -> list[tuple[int, int]]:
    """Where the picture is the supers' magenta (the takes never are)."""
    width, height = image.size
    pixels = image.load()
    return [
        (x, y)
        for y in range(0, height, 2)
        for x in range(0, width, 2)
        if pixels[x, y][0] > 200 and pixels[x, y][2] > 200 and pixels[x, y][1] < 80
    ]


def _sine(path: Path, seconds: float = 12, hz: int = 220) -> Path:
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"sine=frequency={hz}:duration={seconds}", "-ac", "2", str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture
def tiktok(campaign, ed, rita, django_capture_on_commit_callbacks):
    """A campaign with a TikTok format and two shots with supers and voice-over lines, each
    with an approved take."""
    fmt = add_format(campaign, "TikTok", "9:16")
    Format.objects.filter(pk=fmt.pk).update(channel_key="tiktok-in-feed")
    fmt.refresh_from_db()
    for title, text, scene, line in [
        ("Open", "Cold brew, ready", "A cup on a table.", "Cold brew, ready when you are."),
        ("Pour", "Twelve hours steeped", "Coffee pours.", "Steeped for twelve hours."),
    ]:
        shot = make_shot(
            campaign, title=title, size="720x1280", seconds=4, on_screen_text=text,
            prompt={"scene": scene, "audio": {"dialogue": [
                {"speaker": "Voice-over", "line": line, "emotion": ""}]}},
        )  # fmt: skip
        take = _take(shot, ed, django_capture_on_commit_callbacks)
        Decision.objects.create(render=take, reviewer=rita, verdict="approved")
        type(shot).objects.filter(pk=shot.pk).update(hero_take=take)  # the shot's hero
    finish = spots.finish_of(campaign)
    finish.text_colour = MAGENTA
    finish.call_to_action = "Order today"
    finish.legal_line = "Terms apply."
    finish.voice = "scratch"
    finish.save()
    return fmt


def _make(client, campaign, fmt, capture) -> Spot:
    with capture(execute=True):
        response = client.post(reverse("studio:spot_make", args=[campaign.pk]), {"format": fmt.pk})
    assert response.status_code == 302
    spot = Spot.objects.filter(format=fmt).first()
    assert spot is not None
    return spot


def test_a_spot_is_finished_to_its_channel_measured_and_delivered_first(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(ed)
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    video = _local(spot.video_key, tmp_path, "spot.mp4")
    info = media.probe(video)
    assert (info.width, info.height) == (1080, 1920)
    assert abs(info.duration_ms - 10_000) <= 120  # two 4 s takes and a 2 s end card
    # Loudness measured apart from ffmpeg: pyloudnorm on the decoded sound.
    data, rate = _decoded(video, tmp_path)
    measured = pyloudnorm.Meter(rate).integrated_loudness(data)
    assert abs(measured - -14) <= 1.0 and abs(measured - spot.lufs) <= 0.5
    assert spot.passes, spot.failures
    # Each super is found by its pixels inside the safe zone during its own shot, and gone
    # once the end card is up.
    left, top, right, bottom = spot.plan["safe"]
    first, second = (b for b in spot.plan["text_boxes"] if b["kind"] == "super")
    assert (first["text"], second["text"]) == ("Cold brew, ready", "Twelve hours steeped")
    for at, box in ((1.0, first), (5.0, second)):
        found = _magenta(_frame(video, at, tmp_path))
        # The super, and the burned-in caption under it (TikTok burns captions in).
        assert all(left <= x <= right and top <= y <= bottom for x, y in found), at
        bl, bt, br, bb = box["box"]
        level = [(x, y) for x, y in found if bt <= y <= bb]
        assert len(level) > 100, at
        assert all(bl <= x <= br for x, _ in level)
        below = [y for _, y in found if y > bb]  # the caption, at the foot of the safe zone
        assert below and max(below) <= bottom
    # The first super is gone once its shot ends: the same place shows the second one.
    crop = tuple(first["box"])
    early, late = _frame(video, 1.0, tmp_path).crop(crop), _frame(video, 5.0, tmp_path).crop(crop)
    changed = ImageChops.difference(early, late).convert("L").point(lambda v: 255 if v > 40 else 0)
    assert changed.histogram()[255] > early.width * early.height * 0.05
    card = [b["box"] for b in spot.plan["text_boxes"] if b["kind"] == "end card"]
    on_card = _magenta(_frame(video, 9.0, tmp_path))
    assert on_card and all(
        any(cl <= x <= cr and ct <= y <= cb for cl, ct, cr, cb in card) for x, y in on_card
    )
    # Captions: the SRT and the WebVTT read back by pysubs2, timed to the scratch voice.
    for variant in ("srt", "vtt"):
        text = client.get(reverse("studio:spot_media", args=[campaign.pk, spot.pk, variant]))
        subs = pysubs2.SSAFile.from_string(b"".join(text.streaming_content).decode())
        assert [e.text for e in subs] == [
            "Cold brew, ready when you are.",
            "Steeped for twelve hours.",
        ]
        assert subs[0].start < 500 and 4000 <= subs[1].start < 4500
        assert all(e.end - e.start > 800 for e in subs)  # the voice's real length
    # The credentials: a composite of the two takes and the scratch voice's lines.
    with c2pa.Reader("video/mp4", video.open("rb")) as reader:
        store = json.loads(reader.json())
    titles = [i["title"] for i in store["manifests"][store["active_manifest"]]["ingredients"]]
    assert sum("take" in t for t in titles) == 2
    assert sum(t.startswith("Scratch voice") for t in titles) == 2
    # The page shows it; the package leads with it, named for its channel, captions beside.
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "passes every rule" in page and "scratch voice" in page
    response = client.get(reverse("studio:package_download", args=[campaign.pk]))
    package = zip_of(response)
    names = package.namelist()
    root = names[0].split("/")[0]
    assert names[:3] == [
        f"{root}/tiktok-9x16.mp4",
        f"{root}/tiktok-9x16.srt",
        f"{root}/tiktok-9x16.vtt",
    ]
    manifest = json.loads(package.read(f"{root}/manifest.json"))
    (record,) = manifest["spots"]
    assert record["loudness"]["integrated_lufs"] == spot.lufs
    assert [p["super"] for p in record["pieces"]] == ["Cold brew, ready", "Twelve hours steeped"]
    assert all(rule["ok"] for rule in record["preflight"])


def test_a_change_makes_the_spot_stale_and_one_action_makes_it_again(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks
):
    finish = spots.finish_of(campaign)
    finish.voice = "none"
    finish.save()
    client.force_login(ed)
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "data-stale" not in page
    shot = campaign.shots.first()
    shot.on_screen_text = "Now with oat milk"
    shot.save()
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "data-stale" in page
    # A stale spot is not delivered.
    response = client.get(reverse("studio:package_download", args=[campaign.pk]))
    assert not any(n.endswith("tiktok-9x16.mp4") for n in zip_of(response).namelist())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:spot_make", args=[campaign.pk]), {"format": "all"})
    newest = Spot.objects.filter(format=tiktok).first()
    assert newest != spot and newest.status == SpotStatus.COMPLETED
    assert newest.plan["pieces"][0]["super"] == "Now with oat milk"
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "data-stale" not in page
    # Back to the first super: the spot made of it before is not brought back from under the
    # newest one; a new one is made, and it is the one shown.
    shot.on_screen_text = spot.plan["pieces"][0]["super"]
    shot.save()
    with django_capture_on_commit_callbacks(execute=True):
        again, _ = spots.request_spot(campaign, tiktok, ed)
    assert again not in (spot, newest) and again.signature == spot.signature
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "data-stale" not in page
    assert reverse("studio:spot_media", args=[campaign.pk, again.pk, "video"]) in page
    # The first spot (of the same plan, but not the newest) takes no decision.
    response = client.post(
        reverse("studio:spot_decide", args=[campaign.pk, spot.pk]), {"verdict": "approved"},
        follow=True,
    )  # fmt: skip
    assert "A newer spot of this format was made since" in response.content.decode()
    assert not spot.decisions.exists()


def test_in_and_out_points_trim_the_pieces(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, tmp_path
):
    finish = spots.finish_of(campaign)
    finish.end_card_seconds = 0
    finish.voice = "none"
    finish.save()
    client.force_login(ed)
    shot = campaign.shots.first()
    url = reverse("studio:spot_trim", args=[campaign.pk])
    response = client.post(url, {"format": tiktok.pk, "shot": shot.pk, "start": "0.5", "end": "9"})
    assert response.status_code == 302
    assert "lasts 4.00 s" in client.get(response["Location"]).content.decode()
    client.post(url, {"format": tiktok.pk, "shot": shot.pk, "start": "0.5", "end": "2.5"})
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    assert (spot.plan["pieces"][0]["in"], spot.plan["pieces"][0]["out"]) == (0.5, 2.5)
    info = media.probe(_local(spot.video_key, tmp_path, "spot.mp4"))
    assert abs(info.duration_ms - 6000) <= 120  # 2 s + 4 s, no end card
    # The package's timelines match the spot: the take files between the in and out points,
    # the supers as markers, the takes' sound and the spot's own sound, the sequence's size.
    package = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    root = package.namelist()[0].split("/")[0]
    xml = package.read(f"{root}/timeline/tiktok-9x16-spot.xml").decode()
    sequence = ElementTree.fromstring(xml).find(".//sequence")
    frame = sequence.find("media/video/format/samplecharacteristics")
    assert (frame.findtext("width"), frame.findtext("height")) == ("1080", "1920")
    assert sequence.find("media/audio/format/samplecharacteristics").findtext("samplerate") == (
        "48000"
    )
    for name, adapter in (("xml", "fcp_xml"), ("fcpxml", "fcpx_xml"), ("otio", "otio_json")):
        made = otio.adapters.read_from_string(
            package.read(f"{root}/timeline/tiktok-9x16-spot.{name}").decode(), adapter
        )
        video = [t for t in made.tracks if t.kind == "Video"]
        audio = [t for t in made.tracks if t.kind == "Audio"]
        assert len(video) == 1 and len(audio) == 2, name
        first, second = list(video[0].find_clips())
        assert first.source_range.start_time.to_seconds() == 0.5, name
        assert first.source_range.duration.to_seconds() == 2.0, name
        assert first.media_reference.target_url.startswith("../tiktok/01-"), name
        assert second.source_range.duration.to_seconds() == 4.0, name
        assert list(audio[1].find_clips())[0].media_reference.target_url == "../tiktok-9x16.mp4"
        assert "Cold brew, ready" in " ".join(m.name for m in first.markers), name
    client.post(url, {"format": tiktok.pk, "shot": shot.pk, "whole": "1"})
    assert spots.plan(campaign, tiktok).plan["pieces"][0]["out"] == 4.0


def test_preflight_refuses_what_breaks_each_rule(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(ed)
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    video = _local(spot.video_key, tmp_path, "spot.mp4")
    loudness = sound.measure(video)
    strict = dataclasses.replace(
        channels.BY_KEY["tiktok-in-feed"], max_seconds=6, max_bytes=10_000, lufs=-23,
        true_peak=-9, max_fps=15,
    )  # fmt: skip
    inner = Box(400, 800, 700, 1000)  # a safe zone the supers are not inside
    rules = {
        r["rule"]: r
        for r in preflight.check(video, strict, loudness, spot.plan["text_boxes"], inner)
    }
    for name in ("Running time", "File size", "Loudness", "True peak", "Frame rate",
                 "Text inside the safe zone"):  # fmt: skip
        assert not rules[name]["ok"], name
        assert rules[name]["fix"] and rules[name]["measured"]
    assert rules["Running time"]["measured"] == "10.0 s"
    assert rules["Plays while downloading (moov first)"]["ok"]
    assert rules["Container and codecs"]["ok"]


def test_a_spot_that_fails_preflight_is_not_delivered(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, monkeypatch
):
    short = dataclasses.replace(channels.BY_KEY["tiktok-in-feed"], max_seconds=6)
    monkeypatch.setitem(channels.BY_KEY, "tiktok-in-feed", short)
    client.force_login(ed)
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "too long: trim pieces or drop a shot" in page  # said before it is made
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED and not spot.passes
    assert [r["rule"] for r in spot.failures] == ["Running time"]
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "it cannot be delivered" in page
    names = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk]))).namelist()
    assert not any(n.endswith((".srt", "tiktok-9x16.mp4")) for n in names)
    assert any("/tiktok/" in n for n in names)  # the approved clips still are


def test_a_super_too_long_for_the_frame_is_said_before_rendering(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks
):
    shot = campaign.shots.first()
    shot.on_screen_text = "Unbelievably " * 14
    shot.save()
    client.force_login(ed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("studio:spot_make", args=[campaign.pk]), {"format": tiktok.pk}, follow=True
        )
    assert "lines in the safe area" in response.content.decode()
    assert not Spot.objects.exists()
    shot.on_screen_text = "Short"
    shot.save()
    finish = spots.finish_of(campaign)
    finish.call_to_action = "Order " * 40
    finish.save()
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert "lines in the safe area" in page and "Order Order" in page  # said on the page
    assert not Spot.objects.exists()


def test_brand_files_are_checked_by_content(client, ed, campaign, tmp_path):
    client.force_login(ed)
    url = reverse("studio:brand_file_add", args=[campaign.pk])
    fake_font = SimpleUploadedFile("brand.ttf", b"\x00\x01\x00\x00 not really a font at all")
    response = client.post(url, {"kind": "font", "name": "Brand", "file": fake_font})
    assert response.status_code == 422 and "This file is not a font" in response.content.decode()
    png = SimpleUploadedFile("music.mp3", Image.new("RGB", (20, 20)).tobytes() + b"PNG" * 10)
    response = client.post(url, {"kind": "music", "name": "Bed", "file": png})
    assert response.status_code == 422 and "This file is not sound" in response.content.decode()
    disguised = SimpleUploadedFile("bed.wav", b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk")
    response = client.post(url, {"kind": "music", "name": "Bed", "file": disguised})
    assert response.status_code == 422 and "does not play as sound" in response.content.decode()
    assert not BrandFile.objects.exists()
    wav = _sine(tmp_path / "bed.wav")
    response = client.post(
        url, {"kind": "music", "name": "Bed", "file": SimpleUploadedFile("x.bin", wav.read_bytes())}
    )
    assert response.status_code == 302
    bed = BrandFile.objects.get()
    assert (bed.kind, bed.file_type, round(bed.duration_ms / 1000)) == ("music", "wav", 12)
    font = Path(media.__file__).with_name("fonts") / "DejaVuSans-Bold.ttf"
    response = client.post(
        url, {"kind": "font", "name": "Sans", "file": SimpleUploadedFile("f", font.read_bytes())}
    )
    assert response.status_code == 302 and BrandFile.objects.filter(kind="font").exists()


def test_music_ducks_under_the_voice_and_is_an_ingredient(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(ed)
    wav = _sine(tmp_path / "bed.wav", hz=3000)  # a tone the voice hardly has
    client.post(
        reverse("studio:brand_file_add", args=[campaign.pk]),
        {"kind": "music", "name": "Bed", "file": SimpleUploadedFile("bed.wav", wav.read_bytes())},
    )
    finish = spots.finish_of(campaign)
    finish.music = BrandFile.objects.get()
    finish.keep_take_sound = False
    finish.save()
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    assert spot.passes, spot.failures
    video = _local(spot.video_key, tmp_path, "spot.mp4")
    with c2pa.Reader("video/mp4", video.open("rb")) as reader:
        store = json.loads(reader.json())
    titles = [i["title"] for i in store["manifests"][store["active_manifest"]]["ingredients"]]
    assert "Music bed" in titles
    data, rate = _decoded(video, tmp_path)
    assert abs(pyloudnorm.Meter(48000).integrated_loudness(data) + 14) <= 1
    # Ducking: the music's tone is quieter while the first line is spoken than after it.
    line = spot.plan["captions_made"][0]
    mono = data.mean(axis=1)

    def tone(start: float, end: float) -> float:
        window = mono[round(start * rate) : round(end * rate)]
        taper = np.hanning(len(window))
        spectrum = abs(np.fft.rfft(window * taper)) / taper.sum()  # amplitude, any length
        return spectrum[round(3000 * len(window) / rate)]

    speaking = tone(line["start"] + 0.2, line["end"] - 0.2)
    after = tone(line["end"] + 0.6, 3.9)
    assert speaking < after * 0.6, (speaking, after)


class _Speech(JSONHandler):
    answer: bytes = b""
    status: int = 200

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length))
        assert body["input"] and body["model"]
        self._send(self.status, raw=self.answer, content_type="audio/wav")


@pytest.mark.parametrize(
    "status,answer,said",
    [(503, b"busy", "refused the line (HTTP 503)"), (200, b"<html>oops</html>", "not sound")],
)
def test_a_speech_endpoint_down_or_answering_garbage_keeps_the_spot_before(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, settings, status, answer, said
):
    client.force_login(ed)
    before = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert before.status == SpotStatus.COMPLETED
    handler = type("Handler", (_Speech,), {"answer": answer, "status": status})
    server = FakeServer(handler).start()
    try:
        settings.STUDIO_TTS_BASE_URL = server.url
        finish = spots.finish_of(campaign)
        finish.voice = "speech"
        finish.save()
        failed = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    finally:
        server.stop()
    assert failed.status == SpotStatus.FAILED and said in failed.error
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert said in page and "The spot made before is still shown" in page
    assert reverse("studio:spot_media", args=[campaign.pk, before.pk, "video"]) in page


def test_a_speech_endpoint_voices_the_lines(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, settings, tmp_path
):
    voice = _sine(tmp_path / "line.wav", seconds=1.5, hz=440).read_bytes()
    server = FakeServer(type("Handler", (_Speech,), {"answer": voice})).start()
    try:
        settings.STUDIO_TTS_BASE_URL = server.url
        finish = spots.finish_of(campaign)
        finish.voice = "speech"
        finish.save()
        client.force_login(ed)
        spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    finally:
        server.stop()
    assert spot.status == SpotStatus.COMPLETED, spot.error
    cues = spot.plan["captions_made"]
    assert [round(c["end"] - c["start"], 1) for c in cues] == [1.5, 1.5]  # the voice's length


def test_channels_are_picked_on_the_campaign_form(client, ed, campaign):
    client.force_login(ed)
    response = client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {"name": campaign.name, "status": "planning", "status_follows_work": "on",
         "channels": ["tiktok-in-feed", "reels", "shorts"], "target_formats": ["4:5"]},
    )  # fmt: skip
    assert response.status_code == 302
    formats = {(f.channel_key, f.aspect, f.name) for f in campaign.formats.all()}
    assert formats == {
        ("tiktok-in-feed", "9:16", "TikTok in-feed"),
        ("reels", "9:16", "Instagram/Facebook Reels"),
        ("shorts", "9:16", "YouTube Shorts"),
        ("custom", "4:5", "Feed"),
    }
    form = client.get(reverse("studio:campaign_edit", args=[campaign.pk])).content.decode()
    ticked = {
        re.search(r'value="([^"]+)"', tag).group(1)
        for tag in re.findall(r'<input type="checkbox" name="channels"[^>]*>', form)
        if " checked" in tag
    }
    assert ticked == {"tiktok-in-feed", "reels", "shorts"}  # the form shows what was picked
    client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {"name": campaign.name, "status": "planning", "channels": ["reels"]},
    )
    assert [f.channel_key for f in campaign.formats.all()] == ["reels"]


def test_every_channel_row_has_its_source_and_date():
    for channel in channels.CHANNELS:
        assert channel.source and channel.checked == "2026-12-06"
        left, top, right, bottom = channel.safe.box(channel.width, channel.height)
        assert 0 <= left < right <= channel.width and 0 <= top < bottom <= channel.height
        assert channel.min_seconds < channel.max_seconds
    assert {c.aspect for c in channels.CHANNELS} == {"9:16", "1:1", "4:5", "16:9"}
    assert channels.get("custom", "4:5").width == 1080


def test_spots_are_reviewed_like_takes_and_the_client_approves_through_the_link(
    client, ed, rita, campaign, tiktok, django_capture_on_commit_callbacks
):
    from studio.models import CampaignStatus, ShareLink, SpotDecision

    client.force_login(ed)
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.passes
    # The client must approve the spot (its takes were approved before this was asked).
    campaign.client_must_approve = True
    campaign.save()
    # A member's comment at 5 s is on the second shot, and shows on that shot's page.
    second = campaign.shots.order_by("position")[1]
    client.force_login(rita)
    client.post(
        reverse("studio:spot_comment", args=[campaign.pk, spot.pk]),
        {"body": "Hold the pour longer.", "at": "5", "end": "6.5"},
    )
    (note,) = spot.comments.all()
    assert (note.shot_id, note.timecode_ms, note.end_ms) == (second.pk, 5000, 6500)
    page = client.get(second.get_absolute_url()).content.decode()
    assert "Hold the pour longer." in page and "TikTok spot" in page
    client.post(reverse("studio:spot_decide", args=[campaign.pk, spot.pk]), {"verdict": "approved"})
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert 'data-spot-approval="pending"' in page and "Waiting for the client" in page
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.APPROVED
    # The client sees the spot first through a link and approves it.
    link, token = ShareLink.create(campaign=campaign, days=3, allow_decisions=True)
    client.logout()
    entry = client.get(reverse("studio:guest_entry", args=[token])).content.decode()
    assert entry.index('id="guest-spots"') < entry.index(
        "guest-group", entry.index("guest-spots") + 20
    )
    assert reverse("studio:guest_spot", args=[token, spot.pk]) in entry
    response = client.post(
        reverse("studio:guest_spot_decide", args=[token, spot.pk]),
        {"verdict": "approved", "guest_name": "Dana"},
    )
    assert response.status_code == 302
    assert SpotDecision.objects.filter(spot=spot, guest_name="Dana").exists()
    page = client.get(reverse("studio:guest_spot", args=[token, spot.pk])).content.decode()
    assert "Approved" in page
    # The client's comment at 1 s lands on the first shot, seen by the team.
    response = client.post(
        reverse("studio:guest_spot", args=[token, spot.pk]),
        {"guest_name": "Dana", "body": "Love the open", "at": "1"},
    )
    assert response.status_code == 302
    said = spot.comments.get(guest_name="Dana")
    assert said.shot_id == campaign.shots.order_by("position").first().pk and said.visible_to_guests
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.APPROVED  # the takes in it wait for the client
    for shot in campaign.shots.all():
        client.post(
            reverse("studio:guest_decide", args=[token, shot.hero_take_id]),
            {"verdict": "approved", "guest_name": "Dana"},
        )
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.APPROVED
    # A change makes the spot stale: its approval lapses visibly and the client cannot
    # approve what no longer stands; the spot made again starts afresh.
    shot = campaign.shots.order_by("position").first()
    shot.on_screen_text = "Cold brew, anytime"
    shot.save()
    assert client.get(reverse("studio:guest_spot", args=[token, spot.pk])).status_code == 404
    client.force_login(rita)
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert 'data-spot-approval="lapsed"' in page and "lapsed" in page
    response = client.post(
        reverse("studio:spot_decide", args=[campaign.pk, spot.pk]), {"verdict": "approved"},
        follow=True,
    )  # fmt: skip
    assert "This spot is stale" in response.content.decode()
    client.force_login(ed)
    again = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert again != spot and not again.decisions.exists()
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.APPROVED


def test_a_spot_failing_preflight_cannot_be_approved(
    client, ed, rita, campaign, tiktok, django_capture_on_commit_callbacks, monkeypatch
):
    short = dataclasses.replace(channels.BY_KEY["tiktok-in-feed"], max_seconds=6)
    monkeypatch.setitem(channels.BY_KEY, "tiktok-in-feed", short)
    client.force_login(ed)
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    client.force_login(rita)
    response = client.post(
        reverse("studio:spot_decide", args=[campaign.pk, spot.pk]), {"verdict": "approved"},
        follow=True,
    )  # fmt: skip
    assert "fails its channel&#x27;s preflight" in response.content.decode()
    assert not spot.decisions.exists()


def test_a_logo_that_no_longer_reads_as_an_image_fails_the_spot_and_keeps_the_one_before(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from studio.models import Asset

    client.force_login(ed)
    before = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert before.status == SpotStatus.COMPLETED
    # A logo asset whose stored file is no longer an image (replaced in the bucket).
    logo = Asset.objects.create(
        workspace=campaign.workspace, name="Logo", kind="logo", width=400, height=400,
        sha256="0" * 64, image_key=default_storage.save("brand/logo.png", ContentFile(b"<svg/>")),
    )  # fmt: skip
    finish = spots.finish_of(campaign)
    finish.logo = logo
    finish.save()
    failed = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert failed.status == SpotStatus.FAILED
    assert "The logo could not be read as an image" in failed.error
    page = client.get(reverse("studio:spots", args=[campaign.pk])).content.decode()
    assert reverse("studio:spot_media", args=[campaign.pk, before.pk, "video"]) in page


def test_a_format_is_added_for_a_channel_on_the_deliverables_page(client, ed, campaign):
    client.force_login(ed)
    url = reverse("studio:format_add", args=[campaign.pk])
    response = client.post(url, {"name": "", "aspect": "16:9", "channel": "linkedin-portrait"})
    assert response.status_code == 302
    fmt = campaign.formats.get()
    assert (fmt.name, fmt.aspect, fmt.channel.key) == ("LinkedIn", "4:5", "linkedin-portrait")
    response = client.post(url, {"name": "X", "aspect": "16:9", "channel": "myspace"})
    assert response.status_code == 422 and "Choose one of the channels" in response.content.decode()
    page = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert '<option value="tiktok-in-feed"' in page


def test_caption_and_timeline_writers_are_safe_on_any_stored_text(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks
):
    import webvtt

    hostile = "Stop -->\n\n99\n00:00:00,000 --> 00:00:09,000\n{\\b1}WEBVTT\x07\x1b[31m"
    for shot in campaign.shots.all():  # written behind the forms, as any stored text may be
        prompt = dict(shot.prompt)
        prompt["audio"] = {"dialogue": [{"speaker": "Voice-over", "line": hostile}]}
        type(shot).objects.filter(pk=shot.pk).update(prompt=prompt, on_screen_text="Brew\x00 -->")
    finish = spots.finish_of(campaign)
    finish.voice = "scratch"
    finish.save()
    client.force_login(ed)
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    srt_text = b"".join(storage.read(spot.srt_key)).decode()
    vtt_text = b"".join(storage.read(spot.vtt_key)).decode()
    subs = pysubs2.SSAFile.from_string(srt_text)
    assert len(subs) == 2 and all("\x07" not in e.text and "\x1b" not in e.text for e in subs)
    captions = list(webvtt.from_buffer(io.StringIO(vtt_text)))
    assert len(captions) == 2 and all("-->" not in c.text for c in captions)
    package = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    root = package.namelist()[0].split("/")[0]
    for name, adapter in (("xml", "fcp_xml"), ("fcpxml", "fcpx_xml"), ("edl", "cmx_3600")):
        made = otio.adapters.read_from_string(
            package.read(f"{root}/timeline/tiktok-9x16-spot.{name}").decode(), adapter
        )
        assert len(list(made.find_clips())) >= 3, name  # two pieces and the end card


def test_the_spots_page_costs_the_same_queries_whatever_its_formats(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(ed)
    _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    url = reverse("studio:spots", args=[campaign.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for key in ("reels", "shorts", "stories"):
        fmt = add_format(campaign, key, "9:16", key)
        with django_capture_on_commit_callbacks(execute=True):
            spots.request_spot(campaign, fmt, ed)
    with CaptureQueriesContext(connection) as four:
        page = client.get(url).content.decode()
    assert page.count("passes every rule") == 4
    assert len(four) == len(one), [q["sql"][:120] for q in four.captured_queries]


def test_the_end_card_over_the_held_frame_holds_the_out_point(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, tmp_path
):
    finish = spots.finish_of(campaign)
    finish.end_card_background = "hold"
    finish.call_to_action = ""
    finish.legal_line = "Terms apply."
    finish.voice = "none"
    finish.save()
    client.force_login(ed)
    shot = campaign.shots.order_by("position").last()
    client.post(
        reverse("studio:spot_trim", args=[campaign.pk]),
        {"format": tiktok.pk, "shot": shot.pk, "start": "0", "end": "1.0"},
    )
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    video = _local(spot.video_key, tmp_path, "spot.mp4")
    # The card (from 5 s) holds the frame at the out point (1 s into the take), darkened: its
    # progress bar (the animatic's foot, where no text of the spot goes) is nearer that
    # frame's than the take's own last frame's.
    card = _frame(video, 5.5, tmp_path).convert("L")
    at_out = _frame(video, 4.95, tmp_path).convert("L")
    take = shot.hero_take
    last = media.last_frame(_local(take.video_key, tmp_path, "take.mp4"), tmp_path / "last.png")
    with Image.open(last) as opened:
        take_end = opened.convert("L").resize(card.size)

    foot = (0, 1840, 1080, 1920)
    card = card.crop(foot)

    def distance(frame):
        darkened = frame.crop(foot).point(lambda v: round(v * 0.45))
        histogram = ImageChops.difference(card, darkened).histogram()
        return sum(value * count for value, count in enumerate(histogram))

    assert distance(at_out) < distance(take_end)


def test_a_recorded_voice_over_and_the_brand_font_finish_the_spot(
    client, ed, campaign, tiktok, django_capture_on_commit_callbacks, tmp_path
):
    # A "recording": two spoken stretches (tones) with a silence between them.
    recording = tmp_path / "voice.wav"
    subprocess.run(
        [media.ffmpeg(), "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         "sine=frequency=300:duration=1.5", "-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono",
         "-f", "lavfi", "-i", "sine=frequency=300:duration=1.2", "-filter_complex",
         "[1]atrim=duration=2.5[gap];[0][gap][2]concat=n=3:v=0:a=1", str(recording)],
        check=True,
    )  # fmt: skip
    font = Path(media.__file__).with_name("fonts") / "DejaVuSans-Bold.ttf"
    client.force_login(ed)
    url = reverse("studio:brand_file_add", args=[campaign.pk])
    for kind, name, data in (("voice", "vo.wav", recording), ("font", "brand.ttf", font)):
        response = client.post(
            url, {"kind": kind, "name": kind, "file": SimpleUploadedFile(name, data.read_bytes())}
        )
        assert response.status_code == 302
    finish = spots.finish_of(campaign)
    response = client.post(
        reverse("studio:spot_finish", args=[campaign.pk]),
        {"super_position": "top", "text_colour": "#ffffff", "brand_colour": "#112233",
         "call_to_action": "Order today", "end_card_seconds": "2",
         "end_card_background": "colour", "keep_take_sound": "on", "voice": "recording",
         "voice_recording": BrandFile.objects.get(kind="voice").pk,
         "font": BrandFile.objects.get(kind="font").pk},
    )  # fmt: skip
    assert response.status_code == 302
    finish.refresh_from_db()
    assert (finish.voice, finish.text_colour, finish.super_position) == (
        "recording",
        "#FFFFFF",
        "top",
    )
    spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
    assert spot.status == SpotStatus.COMPLETED, spot.error
    assert spot.passes, spot.failures
    assert spot.plan["look"]["font_key"] == BrandFile.objects.get(kind="font").key
    # The script's two lines on the recording's two stretches of speech.
    cues = spot.plan["captions_made"]
    assert [c["words"] for c in cues] == [
        "Cold brew, ready when you are.",
        "Steeped for twelve hours.",
    ]
    assert abs(cues[0]["start"]) < 0.2 and abs(cues[0]["end"] - 1.5) < 0.2
    assert abs(cues[1]["start"] - 4.0) < 0.2 and abs(cues[1]["end"] - 5.2) < 0.2
    top = spot.plan["safe"][1]
    assert all(b["box"][1] == top for b in spot.plan["text_boxes"] if b["kind"] == "super")


def test_a_finish_form_with_a_bad_colour_is_said_and_kept(client, ed, campaign, tiktok):
    client.force_login(ed)
    response = client.post(
        reverse("studio:spot_finish", args=[campaign.pk]),
        {"super_position": "top", "text_colour": "white", "brand_colour": "#112233",
         "call_to_action": "Buy now", "end_card_seconds": "2",
         "end_card_background": "colour", "voice": "none"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert "Give a colour as #RRGGBB." in page and 'value="Buy now"' in page  # nothing lost
    assert spots.finish_of(campaign).call_to_action == "Order today"  # nothing saved


def test_a_made_spot_and_a_decision_on_it_reach_the_chat_channel(
    client, ed, rita, campaign, tiktok, django_capture_on_commit_callbacks
):
    from studio.models import NotificationChannel
    from studio.team import channel_urls
    from tests.fakes.chat_hooks_fake import FakeChat

    chat = FakeChat().start()
    try:
        NotificationChannel.objects.create(
            workspace=campaign.workspace, kind="slack", name="#spots", url_hint="x",
            url_sealed=channel_urls.seal(chat.slack_url),
        )  # fmt: skip
        client.force_login(ed)
        spot = _make(client, campaign, tiktok, django_capture_on_commit_callbacks)
        client.force_login(rita)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("studio:spot_decide", args=[campaign.pk, spot.pk]),
                {"verdict": "changes_requested", "note": "A bigger logo"},
            )
    finally:
        chat.stop()
    assert chat.violations == []
    made, decided = chat.texts("slack")
    assert "The TikTok spot is made" in made and "1 spot ready" in made
    assert "rita asked for changes to the TikTok spot: “A bigger logo”" in decided
