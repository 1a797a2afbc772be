"""OpenAI-compatible video servers on the team's GPUs (vLLM-Omni): more than one server, each
with its own address, key and models, through the real entry points against fake servers
(tests/fakes/vllm_fake.py) that check the multipart fields they receive."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from generation import catalog, jobs
from generation.models import Backend, RenderStatus
from generation.own_gpus import servers
from generation.providers.comfy_answers import seed_of
from tests.factories import make_user
from tests.gpu_fixtures import LTX
from tests.pipeline import request_take, settle

S = RenderStatus
WAN_KEY = "own-wan-wan2-2-t2v-a14b-diffusers"


@pytest.fixture
def wan_shot(shot, video_servers):
    shot.model_key, shot.size, shot.seconds = WAN_KEY, "832x480", 5
    shot.prompt = {"scene": "A cup of cold brew on a marble table.", "negative": "text, logo"}
    shot.save()
    return shot


def test_a_take_goes_to_the_server_of_its_model_with_the_fields_it_takes(
    ed, wan_shot, video_servers, django_capture_on_commit_callbacks
):
    take = request_take(wan_shot, ed, django_capture_on_commit_callbacks)
    assert take.provider == "videoserver" and take.backend == "wan"
    assert take.provider_job_id == "wan:video_1"
    (form,) = video_servers["wan"].seen.creates
    assert form["model"] == "Wan-AI/Wan2.2-T2V-A14B-Diffusers" and form["size"] == "832x480"
    assert (form["width"], form["height"], form["seconds"]) == ("832", "480", "5")
    assert form["num_frames"] == "81" and form["fps"] == "16"  # Wan's 4n+1 at 16 fps
    assert form["seed"] == str(seed_of(str(take.idempotency_key)))
    assert form["negative_prompt"] == "text, logo"
    assert video_servers["ltx"].seen.creates == []  # the other server serves another model
    assert take.cost_estimate == Decimal("0.1250")  # 5 s × 25 GPU-s × $0.001
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.cost_actual == Decimal("0.0120")  # 12 GPU-s
    with default_storage.open(take.video_key, "rb") as handle:
        assert handle.read() == video_servers["wan"].video_bytes


def test_models_a_server_lists_are_offered_after_its_connection_test(
    client, ed, shot, video_servers, django_capture_on_commit_callbacks
):
    keys = {m.key for m in catalog.offered_models()}
    assert WAN_KEY in keys and not any(k.startswith("own-ltx-") for k in keys)
    ops = make_user("ops", is_staff=True)
    client.force_login(ops)
    answer = client.post(reverse("studio:provider_test", args=["videoserver"]))
    assert f"ltx: answers; it serves {LTX}." in answer.content.decode()
    assert Backend.objects.get(name="ltx").discovered == [LTX]
    model = catalog.get("own-ltx-ltx-2")
    assert model is not None and model.offered and model.sizes == ("768x512",)
    shot.model_key, shot.size, shot.seconds = "own-ltx-ltx-2", "768x512", 4
    shot.prompt = {"scene": "The can turns on a plinth."}
    shot.save()
    take = request_take(shot, ed, django_capture_on_commit_callbacks)
    assert take.backend == "ltx"
    (form,) = video_servers["ltx"].seen.creates
    assert form["model"] == LTX and "num_frames" not in form  # only the fields it declares
    page = client.get(reverse("studio:provider_list")).content.decode()
    assert video_servers["ltx"].key not in page and "OpenAI-compatible video server" in page


def test_cancel_is_a_delete_and_no_remix_is_offered(
    ed, wan_shot, video_servers, django_capture_on_commit_callbacks
):
    take = request_take(wan_shot, ed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.request_cancel(take, ed)
    take.refresh_from_db()
    assert take.status == S.CANCELLED and video_servers["wan"].seen.deletes == ["video_1"]
    problems = catalog.validate(WAN_KEY, "832x480", 5, "A cup.", remix=True)
    assert [(p.field, p.message) for p in problems] == [
        ("remix", "Wan 2.2 on our server cannot remix a take.")
    ]


def test_a_lost_answer_is_never_sent_again_to_a_server_without_a_list(
    ed, wan_shot, video_servers, django_capture_on_commit_callbacks, monkeypatch
):
    import httpx

    real = httpx.Client.post

    def post_then_drop(self, url, *args, **kwargs):
        real(self, url, *args, **kwargs)  # the server makes the video; its answer is lost
        raise httpx.ReadTimeout("timed out")

    monkeypatch.setattr(httpx.Client, "post", post_then_drop)
    take = request_take(wan_shot, ed, django_capture_on_commit_callbacks)
    monkeypatch.setattr(httpx.Client, "post", real)
    assert take.status == S.RECONCILING
    settle(django_capture_on_commit_callbacks, [take], passes=3)
    take.refresh_from_db()
    assert take.status == S.RECONCILING and len(video_servers["wan"].seen.creates) == 1
    assert take.events.filter(kind="reconcile_retry", detail__code="cannot_list").exists()
    servers.forget()


def test_a_server_that_takes_json_gets_json_with_numbers(
    ed, wan_shot, video_servers, settings, sample_mp4, django_capture_on_commit_callbacks
):
    from tests.fakes.vllm_fake import KEY, FakeVLLM

    fake = FakeVLLM(sample_mp4, "Wan-AI/Wan2.2-T2V-A14B-Diffusers", json_body=True).start()
    try:
        wan = {**settings.VIDEO_SERVERS["wan"], "url": fake.url, "token": KEY}
        wan["models"] = [{**wan["models"][0], "multipart": False}]
        settings.VIDEO_SERVERS = {**settings.VIDEO_SERVERS, "wan": wan}
        servers.forget()
        take = request_take(wan_shot, ed, django_capture_on_commit_callbacks)
        assert take.provider_job_id == "wan:video_1"
        (sent,) = fake.seen.creates
        assert sent["num_frames"] == "81" and sent["prompt"] == take.prompt_text
        (body,) = fake.seen.bodies
        assert body["num_frames"] == 81 and body["width"] == 832  # numbers, not text
        assert fake.seen.violations == []
    finally:
        fake.stop()
