"""Takes stored in a real S3 protocol peer: moto's server on 127.0.0.1."""

from __future__ import annotations

import socket
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from botocore.exceptions import ClientError
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from generation import jobs, media
from generation.models import RenderStatus
from studio.settings import s3_media_storage
from tests.factories import make_take
from tests.pipeline import request_take, settle

S = RenderStatus
BUCKET = "reelroom-takes"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class S3:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)

    def start(self):
        self.server.start()

    def stop(self):
        self.server.stop()

    def restart(self):
        # moto keeps its buckets in the process, so a new server on the same port sees them.
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


@pytest.fixture
def s3(settings, monkeypatch):
    server = S3()
    server.start()
    server.client().create_bucket(Bucket=BUCKET)
    for name, value in {
        "STUDIO_S3_BUCKET": BUCKET,
        "STUDIO_S3_ENDPOINT_URL": server.endpoint,
        "STUDIO_S3_REGION": "us-east-1",
        "STUDIO_S3_ACCESS_KEY_ID": "testing",
        "STUDIO_S3_SECRET_ACCESS_KEY": "testing",
        "STUDIO_S3_ADDRESSING_STYLE": "path",
    }.items():
        monkeypatch.setenv(name, value)
    settings.STUDIO_S3_BUCKET = BUCKET
    settings.STORAGES = {**settings.STORAGES, "default": s3_media_storage()}
    yield server
    server.stop()


def test_a_take_is_stored_privately_and_previewed_with_a_presigned_range_request(
    client, ed, shot, s3, django_capture_on_commit_callbacks
):
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    head = s3.client().head_object(Bucket=BUCKET, Key=take.video_key)
    assert head["ContentLength"] == take.bytes
    acl = s3.client().get_object_acl(Bucket=BUCKET, Key=take.video_key)
    assert not any(g["Grantee"].get("URI", "").endswith("AllUsers") for g in acl["Grants"])

    client.force_login(ed)
    response = client.get(reverse("studio:take_media", args=[take.pk, "video"]))
    assert response.status_code == 302
    url = response["Location"]
    assert url.startswith(f"{s3.endpoint}/{BUCKET}/")
    assert int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0]) <= 900
    assert httpx.get(url.split("?")[0]).status_code == 403  # private without a signature
    part = httpx.get(url, headers={"Range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 0-99/{take.bytes}"
    assert len(part.content) == 100

    with django_capture_on_commit_callbacks(execute=True):
        take.delete()
    for key in (take.video_key, take.thumbnail_key):
        with pytest.raises(ClientError):
            s3.client().head_object(Bucket=BUCKET, Key=key)


def test_storage_down_during_upload_is_retried_and_never_completed_early(
    ed, shot, s3, django_capture_on_commit_callbacks
):
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS  # rendered; the animatic's file is in the bucket
    with django_capture_on_commit_callbacks(execute=False):
        jobs.poll(take.pk)  # completed at the provider: now storing
    take.refresh_from_db()
    assert take.status == S.STORING

    s3.stop()
    jobs.store(take.pk)
    take.refresh_from_db()
    assert take.status == S.STORING and not take.video_key and not take.sha256
    retry = take.events.get(kind="store_retry")
    assert retry.detail["retry_in_seconds"] > 0
    assert take.next_poll_at > timezone.now()

    s3.restart()
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    head = s3.client().head_object(Bucket=BUCKET, Key=take.video_key)
    assert head["ContentLength"] == take.bytes


def test_healthz_checks_the_bucket(client, s3, settings, db):
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}
    assert client.get("/healthz").json()["checks"]["storage"] == {"ok": True, "backend": "s3"}
    s3.stop()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
    assert "testing" not in response.content.decode()  # no credentials in the answer
    s3.restart()


@pytest.mark.parametrize(
    "provider, fake, model_key, size, seconds",
    [
        ("openai", "openai_fake", "sora-2", "1280x720", 4),
        ("runware", "runware_fake", "kling-3-pro", "1920x1080", 5),
    ],
)
def test_each_provider_end_to_end_into_the_bucket(
    client,
    ed,
    shot,
    s3,
    tmp_path,
    request,
    provider,
    fake,
    model_key,
    size,
    seconds,
    django_capture_on_commit_callbacks,
):
    request.getfixturevalue(fake)
    shot.model_key, shot.size, shot.seconds = model_key, size, seconds
    shot.prompt = {"scene": "A cup of cold brew on a table."}
    shot.save()
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert (take.status, take.provider) == (S.COMPLETED, provider)
    body = s3.client().get_object(Bucket=BUCKET, Key=take.video_key)["Body"].read()
    assert len(body) == take.bytes
    local = tmp_path / "from-s3.mp4"
    local.write_bytes(body)
    info = media.probe(local)  # playable: ffmpeg reads what is in the bucket
    assert abs(info.duration_ms - take.duration_ms) < 50 and info.video_codec == "h264"
    client.force_login(ed)
    url = client.get(reverse("studio:take_media", args=[take.pk, "video"]))["Location"]
    assert httpx.get(url).content == body


def test_the_delivery_package_streams_from_the_bucket(client, vic, rita, campaign, s3):
    import hashlib
    import io
    import json
    import zipfile

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from generation.jobs import signing
    from studio.models import Decision
    from studio.production.deliverables import add_format
    from tests.factories import make_shot
    from tests.media_files import mp4

    add_format(campaign, "YouTube", "16:9")
    data = mp4(bytes(range(256)) * 4096)  # 1 MiB that is not all zeros
    key = default_storage.save("bucket/take.mp4", ContentFile(data))
    take = make_take(make_shot(campaign), video_key=key, bytes=len(data),
                     sha256=hashlib.sha256(data).hexdigest())  # fmt: skip
    signing.sign(take.pk)  # its signed copy, read from and written to the bucket
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(vic)
    response = client.get(reverse("studio:package_download", args=[campaign.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    record = json.loads(archive.read("spring-launch/manifest.json"))
    (entry,) = record["files"]
    assert hashlib.sha256(archive.read(entry["path"])).hexdigest() == entry["sha256"]
    assert archive.read(entry["c2pa"])  # its manifest store, beside it


def test_put_replaces_an_object_at_exactly_its_key_with_one_request(s3, tmp_path):
    from django.core.files.storage import default_storage

    from generation import storage

    requests = []
    default_storage.connection.meta.client.meta.events.register(
        "before-call.s3", lambda model, **kw: requests.append(model.name)
    )
    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    first.write_bytes(b"an earlier attempt")
    second.write_bytes(b"the take's poster")
    assert storage.put("shot-1/take-1-1.jpg", first) == "shot-1/take-1-1.jpg"
    assert storage.put("shot-1/take-1-1.jpg", second) == "shot-1/take-1-1.jpg"
    body = s3.client().get_object(Bucket=BUCKET, Key="shot-1/take-1-1.jpg")["Body"].read()
    assert body == b"the take's poster"
    assert requests == ["PutObject", "PutObject"]  # no HEAD before a write


def test_uploads_to_the_bucket_hold_a_bounded_number_of_parts_in_memory(s3):
    from django.core.files.storage import default_storage

    config = default_storage.transfer_config
    # s3transfer reads each part of a file object into memory: at most 4 × 8 MB in flight.
    assert config.max_concurrency * config.multipart_chunksize <= 32 * 1024 * 1024
    assert config.max_in_memory_upload_chunks * config.multipart_chunksize <= 32 * 1024 * 1024
