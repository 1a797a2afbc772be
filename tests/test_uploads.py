"""Request bodies are refused by size before they are read; ffmpeg reads only the one file."""

from __future__ import annotations

import shutil

import pytest
from django.urls import reverse

from generation import media
from tests.images import upload


def reference_url(shot):
    return reverse("studio:reference_upload", args=[shot.campaign_id, shot.pk])


def test_an_oversized_body_is_refused_from_its_declared_length(client, ed, shot):
    client.force_login(ed)
    response = client.post(
        reference_url(shot), {"image": upload()}, CONTENT_LENGTH=str(200 * 1024 * 1024)
    )
    assert response.status_code == 413
    assert "the limit is 21 MB" in response.content.decode()
    shot.refresh_from_db()
    assert not shot.reference_image


def test_an_upload_larger_than_the_limit_is_cut_off_while_it_streams(client, ed, shot, settings):
    """Without the middleware (a chunked body has no Content-Length), the upload handler
    counts bytes as they arrive and stops the upload: a clear 400, nothing saved."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "RequestBodyLimit" not in m]
    settings.STUDIO_MAX_UPLOAD_BYTES = 64 * 1024
    client.force_login(ed)
    big = upload(name="big.png", data=b"\x89PNG" + b"\0" * (200 * 1024))
    response = client.post(reference_url(shot), {"image": big})
    assert response.status_code == 400
    shot.refresh_from_db()
    assert not shot.reference_image


def test_a_playlist_in_disguise_cannot_make_ffmpeg_read_other_files(tmp_path, sample_mp4):
    """A provider (or anyone who can put bytes where a result is downloaded) sends an ffconcat
    list instead of an MP4. ffmpeg would detect it on its own and read another file of the
    same folder, passing it off as this take; read as an MP4 on the local disk only, it is
    refused."""
    (tmp_path / "other-take.mp4").write_bytes(sample_mp4)
    crafted = tmp_path / "result.part"
    crafted.write_text("ffconcat version 1.0\nfile other-take.mp4\n")
    with pytest.raises(media.MediaError):
        media.probe(crafted)
    with pytest.raises(media.MediaError):
        media.thumbnail(crafted, tmp_path / "poster.jpg")
    assert not (tmp_path / "poster.jpg").exists()


def test_a_real_mp4_still_probes_and_thumbnails(tmp_path, sample_mp4):
    video = tmp_path / "take.mp4"
    video.write_bytes(sample_mp4)
    info = media.probe(video)
    assert (info.width, info.height, info.has_audio) == (1280, 720, True)
    poster = media.thumbnail(video, tmp_path / "poster.jpg")
    assert poster.stat().st_size > 0
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_a_spritesheet_is_a_strip_of_frames(tmp_path, sample_mp4):
    from PIL import Image

    video = tmp_path / "take.mp4"
    video.write_bytes(sample_mp4)
    strip = media.spritesheet(video, tmp_path / "sprites.jpg", seconds=4)
    with Image.open(strip) as image:
        assert image.size == (1600, 90)  # ten 160-px frames of a 16:9 video


def test_the_sweep_removes_temporary_files_that_dead_workers_left(db):
    import os
    import time

    from generation import jobs, storage

    stale = storage.temp_dir() / "killed-download.part"
    live = storage.temp_dir() / "live-download.part"
    stale.write_bytes(b"half a video")
    live.write_bytes(b"still arriving")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    jobs.reap()
    assert not stale.exists() and live.exists()
    live.unlink()
