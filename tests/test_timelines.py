"""Review into the edit (issue 24, points 3–4): a take's comments as markers and each format's
cut as a timeline, written by OpenTimelineIO's adapters and read back with them: clip count,
order and durations equal the cut's, marker times equal the comments' milliseconds at the
file's frame rate (24, 25 and 29.97, drop-frame), ranges as duration markers."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from fractions import Fraction
from xml.etree import ElementTree

import opentimelineio as otio
import pytest
from django.urls import reverse
from django.utils import timezone

from generation.models import Render
from studio.models import Comment, Decision, ShareLink
from studio.production import timelines
from studio.production.deliverables import add_format
from tests.factories import guest, make_shot, stored_take, zip_of

pytestmark = pytest.mark.django_db


def cut_of(campaign, rita, ed, fps):
    """Two approved takes of 4 and 5 s at `fps`, with a point comment, a range and a reply."""
    add_format(campaign, "YouTube", "16:9")
    takes = []
    for title, ms in (("Pour", 4000), ("Sip", 5000)):
        take = stored_take(make_shot(campaign, title=title), 1, "1280x720", title.encode())
        Render.objects.filter(pk=take.pk).update(fps=Decimal(str(fps)), duration_ms=ms)
        Decision.objects.create(render=take, reviewer=rita, verdict="approved")
        takes.append(take)
    point = Comment.objects.create(render=takes[0], author=rita, body="Too dark", timecode_ms=1500)
    Comment.objects.create(
        render=takes[0], author=ed, body="Agreed", timecode_ms=1500, parent=point
    )
    Comment.objects.create(render=takes[1], author=ed, body="Hold the can", timecode_ms=500,
                           end_ms=2250, resolved_at=timezone.now())  # fmt: skip
    return takes


def frames(ms, fps):
    return round(ms * fps / 1000)


def clips_and_markers(timeline):
    clips = list(timeline.video_tracks()[0].find_clips())
    return clips, [[m for m in c.markers] for c in clips]


@pytest.mark.parametrize("fps", [24, 25, 29.97])
def test_the_cut_timeline_reads_back_with_opentimelineio(client, vic, rita, ed, campaign, fps):
    cut_of(campaign, rita, ed, fps)
    client.force_login(vic)
    fmt = campaign.formats.get()

    def download(kind):
        url = reverse("studio:format_timeline", args=[campaign.pk, fmt.pk, kind])
        response = client.get(url)
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        return response.content.decode()

    want_frames = [frames(4000, fps), frames(5000, fps)]
    for kind, adapter, options in (("otio", "otio_json", {}), ("xml", "fcp_xml", {})):
        back = otio.adapters.read_from_string(download(kind), adapter, **options)
        clips, markers = clips_and_markers(back)
        assert [c.name for c in clips] == ["01-pour-take1.mp4", "02-sip-take1.mp4"]
        assert [c.media_reference.target_url for c in clips] == [
            "../youtube/01-pour-take1.mp4", "../youtube/02-sip-take1.mp4"]  # fmt: skip
        assert [round(c.duration().value) for c in clips] == want_frames
        assert abs(clips[0].duration().rate - fps) < 0.01
        (first,), (second,) = markers
        assert round(first.marked_range.start_time.value) == frames(1500, fps)
        assert first.marked_range.duration.value == 0  # a point
        assert first.name == "rita: Too dark"  # the author in the note; the reply is not a marker
        assert round(second.marked_range.start_time.value) == frames(500, fps)
        assert round(second.marked_range.duration.value) == frames(2250, fps) - frames(500, fps)
        assert second.name == "ed: Hold the can [resolved]"
        if kind == "otio":  # FCP 7 XML markers have no colour
            assert second.color == otio.schema.MarkerColor.GREEN  # resolved; open ones red
            assert first.color == otio.schema.MarkerColor.RED
    # EDL: the clips with OTIO's CMX 3600 reader; the LOC markers' SMPTE timecodes (drop-frame
    # ";" at 29.97, which the reader does not parse) checked with OTIO's timecode arithmetic.
    edl = download("edl")
    rate = 30000 / 1001 if fps == 29.97 else fps
    back = otio.adapters.read_from_string(edl, "cmx_3600", rate=rate)
    assert [round(c.duration().value) for c in back.video_tracks()[0].find_clips()] == want_frames
    locs = re.findall(r"\* LOC: (\d\d:\d\d:\d\d[:;]\d\d)", edl)
    assert (";" in locs[0]) is (fps == 29.97)
    at = [otio.opentime.from_timecode(tc, rate).value for tc in locs]
    assert at == [frames(1500, fps), frames(500, fps)]
    # FCPXML: marker start and duration are rational seconds of whole frames.
    xml = ElementTree.fromstring(download("fcpxml").encode())
    seconds = [float(Fraction(m.get("start").removesuffix("s"))) for m in xml.iter("marker")]
    assert [round(s * fps) for s in seconds] == [frames(1500, fps), frames(500, fps)]
    if fps != 29.97:  # the FCPXML reader truncates NTSC rates to whole frames per second
        back = otio.adapters.read_from_string(download("fcpxml"), "fcpx_xml")
        video = back.video_tracks()[0]
        assert [round(c.duration().value) for c in video.find_clips()] == want_frames
        # The takes' sound under them, clip for clip.
        sound = back.audio_tracks()[0]
        assert [round(c.duration().value) for c in sound.find_clips()] == want_frames
    rows = list(csv.DictReader(io.StringIO(download("csv"))))
    assert [r["author"] for r in rows] == ["rita", "ed"]
    assert rows[1]["resolved"] == "yes" and int(rows[1]["frames"]) > 0


def test_a_take_s_markers_and_the_package_s_timelines(client, vic, rita, ed, campaign):
    pour, _sip = cut_of(campaign, rita, ed, 24)
    client.force_login(vic)
    response = client.get(reverse("studio:take_markers", args=[pour.pk, "otio"]))
    back = otio.adapters.read_from_string(response.content.decode(), "otio_json")
    (clip,) = back.find_clips()
    assert [m.name for m in clip.markers] == ["rita: Too dark"]
    assert client.get(reverse("studio:take_markers", args=[pour.pk, "doc"])).status_code == 404
    archive = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    names = archive.namelist()
    for suffix in ("otio", "fcpxml", "xml", "edl"):
        assert f"spring-launch/timeline/youtube.{suffix}" in names
    cut = otio.adapters.read_from_string(
        archive.read("spring-launch/timeline/youtube.otio").decode(), "otio_json"
    )
    for clip in cut.find_clips():  # each clip names a file the package holds
        assert "spring-launch/" + clip.media_reference.target_url.removeprefix("../") in names


def test_a_guest_package_s_timeline_carries_only_what_guests_may_see(client, rita, ed, campaign):
    cut_of(campaign, rita, ed, 24)
    _link, token = ShareLink.create(campaign=campaign, days=3, allow_download=True)
    client.get(guest(token))
    archive = zip_of(client.get(reverse("studio:guest_package", args=[token])))
    cut = otio.adapters.read_from_string(
        archive.read("spring-launch/timeline/youtube.otio").decode(), "otio_json"
    )
    assert [m for c in cut.find_clips() for m in c.markers] == []  # the team's notes stay home


def test_rates_and_timecodes():
    assert timelines.rate_of(Decimal("29.970")) == 29.97
    assert timelines.rate_of(Decimal("23.976")) == 23.98
    assert timelines.rate_of(None) == 24.0
    # Drop-frame: the minute's first two frame labels are skipped (frame 1800 is ;02).
    assert timelines.timecode(1799, 29.97) == "00:00:59;29"
    assert timelines.timecode(1800, 29.97) == "00:01:00;02"
    assert timelines.timecode(frames(61_000, 29.97), 29.97) == "00:01:01;00"
    assert timelines.timecode(frames(1500, 25), 25) == "00:00:01:13"
