"""The team's own GPUs: ComfyUI behind the Comfy API v2, through the real entry points (the upload
page, the shot editor's request, the sweep) against fake backends whose every request is checked
against the published OpenAPI text (tests/fakes/comfy_fake.py)."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from generation import jobs
from generation.jobs.transitions import poll_delay
from generation.models import Backend, BackendSlot, BoundWorkflow, Render, RenderStatus
from generation.own_gpus import workflows
from generation.providers import get_provider
from generation.providers.comfy_answers import seed_of
from studio.images import check_image
from studio.shots import editing
from tests.api_helpers import call, token_for
from tests.factories import make_shot, make_user
from tests.images import upload
from tests.pipeline import request_take, settle, transitions

S = RenderStatus
DOCS = Path(__file__).resolve().parents[1] / "docs/workflows"

# A text-to-video LTX graph in API format (a trimmed export).
T2V = {
    "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl.safetensors", "type": "ltxv"}},
    "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 0]}},
    "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
    "5": {
        "class_type": "EmptyLTXVLatentVideo",
        "inputs": {"width": 768, "height": 512, "length": 97, "batch_size": 1},
    },
    "7": {
        "class_type": "LTXVConditioning",
        "inputs": {"positive": ["3", 0], "negative": ["4", 0], "frame_rate": 25},
    },
    "8": {"class_type": "KSampler", "inputs": {"seed": 1, "steps": 8, "latent_image": ["5", 0]}},
    "11": {"class_type": "SaveVideo", "inputs": {"video": ["8", 0], "filename_prefix": "take"}},
}
T2V_BINDINGS = """prompt = 3.text
negative_prompt = 4.text
seed = 8.seed
width = 5.width
height = 5.height
frames = 5.length
fps = 7.frame_rate
"""


@pytest.fixture
def ops(db):
    return make_user("ops", is_staff=True)


def add_workflow(client, user, graph, bindings, **fields):
    client.force_login(user)
    raw = graph if isinstance(graph, bytes) else json.dumps(graph).encode()
    data = {
        "label": "LTX-2 on our GPUs",
        "key": "ltx2",
        "graph": SimpleUploadedFile("workflow.json", raw, content_type="application/json"),
        "bindings": bindings,
        "sizes": "1280x704 704x1280",
        "durations": "3 5",
        "fps": "24",
        "frame_rule": "8n+1",
        "rate_per_gpu_second": "0.0005",
        "gpu_seconds_per_second": "20",
        **fields,
    }
    return client.post(reverse("studio:workflow_new"), data)


@pytest.fixture
def ltx(client, ops):
    response = add_workflow(client, ops, T2V, T2V_BINDINGS)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    return BoundWorkflow.objects.get(key="ltx2")


@pytest.fixture
def gpu_shot(shot, ltx):
    shot.model_key, shot.size, shot.seconds = "comfy-ltx2", "1280x704", 5
    shot.prompt = {"scene": "Cold brew poured over ice, in slow motion.", "negative": "text"}
    shot.save()
    return shot


@pytest.fixture
def i2v_shot(shot, client, ops):
    """A shot with a reference image on the documented LTX-2 image-to-video workflow, uploaded
    through the page as docs/providers.md tells."""
    graph = (DOCS / "ltx2-image-to-video.api.json").read_bytes()
    bindings = (DOCS / "ltx2-image-to-video.bindings.txt").read_text()
    assert add_workflow(client, ops, graph, bindings, key="ltx2-i2v").status_code == 302
    client.logout()
    image = upload(size=(1280, 704))
    shot.set_reference(image, check_image(image))
    shot.model_key, shot.size, shot.seconds = "comfy-ltx2-i2v", "1280x704", 5
    shot.prompt = {"scene": "The can opens with a hiss."}
    shot.save()
    return shot


def test_a_take_on_our_gpu_goes_from_prompt_to_stored_video(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks
):
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    assert take.provider == "comfy" and take.backend == "gpu1"
    assert take.status == S.IN_PROGRESS and take.provider_job_id.startswith("gpu1:")
    (sent,) = comfy_fake.seen.submits
    assert sent["key"] == str(take.idempotency_key)  # the take's key, single use
    graph = sent["workflow"]
    assert graph["3"]["inputs"]["text"] == take.prompt_text
    assert graph["4"]["inputs"]["text"] == "text"
    assert graph["8"]["inputs"]["seed"] == seed_of(str(take.idempotency_key))
    assert (graph["5"]["inputs"]["width"], graph["5"]["inputs"]["height"]) == (1280, 704)
    assert graph["5"]["inputs"]["length"] == 121  # 5 s at 24 fps, as LTX's 8n+1
    assert graph["7"]["inputs"]["frame_rate"] == 24
    assert graph["3"]["inputs"]["clip"] == ["2", 0]  # the rest of the graph as uploaded
    assert take.cost_estimate == Decimal("0.0500")  # 5 s × 20 GPU-s × $0.0005
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED and take.billed is True
    assert take.cost_actual == Decimal("0.0045")  # the job's 9 GPU-seconds at the rate
    with default_storage.open(take.video_key, "rb") as handle:
        assert handle.read() == comfy_fake.video_bytes
    assert not BackendSlot.objects.filter(render__isnull=False).exists()  # the slot is free
    assert set(comfy_fake.seen.auth) == {f"Bearer {comfy_fake.token}"}


def test_two_backends_five_takes_never_more_than_one_job_on_either(
    ed, gpu_shot, comfy_pair, django_capture_on_commit_callbacks, client
):
    second = make_shot(gpu_shot.campaign, "Pack shot")
    second.model_key, second.size, second.seconds = "comfy-ltx2", "704x1280", 3
    second.prompt = {"scene": "The can turns on a plinth."}
    second.save()
    with django_capture_on_commit_callbacks(execute=False):
        takes = editing.request_takes(gpu_shot, ed, variations=3)
        takes += editing.request_takes(second, ed, variations=2)
    jobs.sweep_once(now=timezone.now() + timedelta(minutes=1))
    states = {t.pk: (t.status, t.backend, t.queue_place) for t in Render.objects.all()}
    assert sorted(s for s, _, _ in states.values()).count(S.IN_PROGRESS) == 2
    waiting = sorted(place for s, _, place in states.values() if s == S.QUEUED)
    assert waiting == [1, 2, 3]  # the rest wait, with their place in line
    client.force_login(ed)
    page = client.get(gpu_shot.get_absolute_url()).content.decode()
    assert "waiting for a free GPU (place 1 in line)" in page
    key = token_for(ed, gpu_shot.campaign.workspace, scopes=["read"])
    listed = call(client, "get", f"takes?campaign_id={gpu_shot.campaign_id}", key).json()
    seen = {(t["status"], t["backend"], t["queue_place"]) for t in listed["items"]}
    assert {("queued", "", 1), ("queued", "", 2), ("queued", "", 3)} <= seen  # scripts see it
    assert {b for s, b, _ in seen if s == "in_progress"} == {"gpu1", "gpu2"}

    done = settle(django_capture_on_commit_callbacks, takes, passes=60)
    assert [t.status for t in done] == [S.COMPLETED] * 5
    assert {t.backend for t in done} == {"gpu1", "gpu2"}
    for fake in comfy_pair.values():
        assert fake.seen.most_active == 1  # never two jobs on one GPU
    made = [s for fake in comfy_pair.values() for s in fake.seen.submits if s["status"] == 201]
    assert len(made) == 5 and len({s["key"] for s in made}) == 5


def test_a_backend_restart_mid_render_ends_the_take_lost_and_not_billed(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks, client
):
    comfy_fake.faults.polls_to_finish = 50
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    settle(django_capture_on_commit_callbacks, [take], passes=2)
    take.refresh_from_db()
    assert take.status == S.IN_PROGRESS and take.progress > 0
    comfy_fake.restart()  # ComfyUI's history lived in memory
    # Polled at most every 20 s: a forgotten job is found within a minute.
    assert poll_delay(get_provider("comfy"), 1000) <= 20
    (take,) = settle(django_capture_on_commit_callbacks, [take], passes=3)
    assert take.status == S.FAILED and take.error_code == "lost_on_gpu"
    assert take.billed is False
    assert take.error_message.startswith("Lost on your GPU — not billed")
    assert not BackendSlot.objects.filter(render=take).exists()

    client.force_login(ed)
    page = client.get(gpu_shot.get_absolute_url()).content.decode()
    assert "Lost on your GPU" in page and "Generate again" in page
    again = reverse("studio:take_again", args=[take.pk])
    with django_capture_on_commit_callbacks(execute=False):
        assert client.post(again).status_code == 302
        client.post(again)  # a double click makes it once
    assert Render.objects.filter(shot=gpu_shot).count() == 2
    new = Render.objects.exclude(pk=take.pk).get()
    assert new.status == S.QUEUED and new.prompt_text == take.prompt_text


def test_a_submit_that_times_out_is_looked_up_never_sent_again(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.slow_submit = 3  # the job is made; its answer comes after the timeout
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    comfy_fake.faults.slow_submit = 0
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert len(comfy_fake.jobs) == 1 and len(comfy_fake.seen.submits) == 1
    (job_id,) = comfy_fake.jobs
    assert take.provider_job_id == f"gpu1:{job_id}"
    assert (S.RECONCILING, S.IN_PROGRESS) in transitions(take)


def test_a_reused_key_is_looked_up_and_a_cloud_without_a_list_sends_nothing_again(
    ed, gpu_shot, comfy_cloud, django_capture_on_commit_callbacks
):
    comfy_cloud.faults.slow_submit = 3
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.RECONCILING
    settle(django_capture_on_commit_callbacks, [take], passes=3)
    take.refresh_from_db()
    assert take.status == S.RECONCILING  # it cannot look the job up; it never resends
    assert len(comfy_cloud.seen.submits) == 1
    assert take.events.filter(kind="reconcile_retry", detail__code="cannot_list").exists()


def test_cloud_outputs_come_through_the_signed_redirect_without_the_token(
    ed, gpu_shot, comfy_cloud, django_capture_on_commit_callbacks
):
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    with default_storage.open(take.video_key, "rb") as handle:
        assert handle.read() == comfy_cloud.video_bytes
    (download,) = comfy_cloud.signed.headers
    assert "authorization" not in download  # the token never left the API host


def test_a_first_frame_is_uploaded_once_per_take_and_queue_full_is_honoured(
    ed, i2v_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.queue_full = 1
    take = request_take(i2v_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.QUEUED  # refused with 429 queue_full: nothing was made
    retry = take.events.get(kind="retry")
    assert retry.detail["code"] == "queue_full" and retry.detail["retry_in_seconds"] == 7
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert len(comfy_fake.seen.uploads) == 1  # sent twice, uploaded once
    (asset,) = comfy_fake.seen.uploads
    made = [s for s in comfy_fake.seen.submits if s["status"] == 201]
    assert made[0]["workflow"]["5"]["inputs"]["image"] == workflows.asset_ref(asset)
    assert take.uploads == {"gpu1": {"first_frame": asset}}


def test_a_failed_node_is_said_in_words_and_expired_is_final(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.fail_with = {
        "code": "node_execution_error",
        "message": "CUDA out of memory. Tried to allocate 2.00 GiB",
        "node_id": "8",
        "class_type": "KSampler",
    }
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.FAILED
    assert take.error_message == (
        "ComfyUI on “gpu1” stopped at node 8 (KSampler): CUDA out of memory. "
        "Tried to allocate 2.00 GiB"
    )
    comfy_fake.faults.fail_with, comfy_fake.faults.expire = None, True
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.EXPIRED and take.billed is False


def test_cancel_follows_the_jobs_own_link(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.polls_to_finish = 50
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.request_cancel(take, ed)
    take.refresh_from_db()
    assert take.status == S.CANCELLED and comfy_fake.seen.cancels == 1
    (job,) = comfy_fake.jobs.values()
    assert job.cancel_asked


def test_a_backend_that_is_down_is_shown_and_takes_go_to_another(
    ed, gpu_shot, comfy_pair, django_capture_on_commit_callbacks, client, ops
):
    comfy_pair["gpu1"].stop()
    takes = []
    for _ in range(2):
        takes.append(request_take(gpu_shot, ed, django_capture_on_commit_callbacks))
    done = settle(django_capture_on_commit_callbacks, takes, passes=60)
    assert [t.status for t in done] == [S.COMPLETED, S.COMPLETED]
    assert {t.backend for t in done} == {"gpu2"}
    gpu1 = Backend.objects.get(name="gpu1")
    assert gpu1.healthy is False and gpu1.problem == "could not be reached"
    client.force_login(ops)
    page = client.get(reverse("studio:provider_list")).content.decode()
    assert 'id="backend-gpu1"' in page and "down" in page and "LTX-2 on our GPUs" in page
    assert comfy_pair["gpu2"].token not in page


@pytest.mark.parametrize(
    ("graph", "bindings", "said"),
    [
        (T2V, "prompt = 99.text", "bound to node 99, which the workflow does not have"),
        (T2V, "prompt = 3.txt", "an input it does not have (clip, text)"),
        (T2V, "prompt = 3.clip", "wired to node 2: bind an input that holds a value"),
        (T2V, "seed = 8.seed", "Bind the prompt"),
        (T2V, "prompt: 3.text", "write it as “slot = node.input”"),
        (T2V, "prompt = 3.text\nframes = 5.length\nseconds = 5.length", "frames or seconds"),
        ({"nodes": [], "links": []}, "prompt = 3.text", "Workflow → Export (API)"),
        (b"not json", "prompt = 3.text", "The file is not JSON"),
        ({"3\u0000": T2V["3"]}, "prompt = 3.text", "holds characters a workflow cannot have"),
        (
            b'{"3": {"class_type": "X", "inputs": {"te\\u001bxt": ""}}}',
            "prompt = 3.text",
            "holds characters a workflow cannot have",
        ),
    ],
)
def test_a_workflow_bound_wrongly_is_refused_at_upload_with_the_reason(
    client, ops, graph, bindings, said
):
    response = add_workflow(client, ops, graph, bindings, label="Kept label")
    assert response.status_code == 422
    page = response.content.decode()
    assert said.replace("“", "&ldquo;") in page or said in page
    assert 'value="Kept label"' in page  # what was typed is kept
    assert not BoundWorkflow.objects.exists()


def test_sizes_and_frames_follow_the_models_rule(client, ops):
    response = add_workflow(client, ops, T2V, T2V_BINDINGS, sizes="1280x720")
    assert response.status_code == 422
    assert "multiples of 32" in response.content.decode()
    assert workflows.frames_for(5, 24, "8n+1") == 121
    assert workflows.frames_for(5, 16, "4n+1") == 81
    assert workflows.frames_for(3, 24, "any") == 72


def test_the_workflow_is_a_model_of_the_catalog_only_while_a_backend_is_configured(
    client, ed, ltx, settings
):
    from generation import catalog
    from generation.own_gpus import offered

    settings.COMFY_BACKENDS = {}
    offered.forget()
    assert "comfy-ltx2" not in {m.key for m in catalog.offered_models()}
    settings.COMFY_BACKENDS = {"gpu1": {"url": "http://127.0.0.1:9", "token": "", "jobs": 1}}
    model = catalog.get("comfy-ltx2")
    assert model is not None and model.offered and model.sizes == ("1280x704", "704x1280")
    assert catalog.validate("comfy-ltx2", "1280x704", 4, "A cup.")[0].field == "seconds"
    client.force_login(ed)
    assert "LTX-2 on our GPUs" in client.get(reverse("studio:model_catalog")).content.decode()


def test_a_slot_freed_wakes_the_first_in_line_and_the_line_moves_up(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.polls_to_finish = 50
    with django_capture_on_commit_callbacks(execute=False):
        takes = editing.request_takes(gpu_shot, ed, variations=3)
    jobs.sweep_once()  # at the real time: one sent, two in line
    first, second, third = (Render.objects.get(pk=t.pk) for t in takes)
    assert first.status == S.IN_PROGRESS
    assert (second.queue_place, third.queue_place) == (1, 2)
    assert second.next_poll_at > timezone.now() + timedelta(seconds=20)  # waits for a wake
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.request_cancel(first, ed)  # its slot frees
    second.refresh_from_db()
    assert second.next_poll_at <= timezone.now()  # woken, not polled for
    jobs.sweep_once()
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == S.IN_PROGRESS and second.queue_place is None
    assert third.status == S.QUEUED and third.queue_place == 1  # the line moved up


def test_backends_are_named_with_an_address_and_no_credentials_in_it(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from studio.settings_services import comfy_backends, video_servers

    monkeypatch.setenv("STUDIO_COMFY_JOBS_GPU2", "2")
    monkeypatch.setenv("STUDIO_COMFY_TOKEN_GPU2", "t-2")
    assert comfy_backends("gpu1=http://10.0.0.5:8189/ GPU2=https://cloud.comfy.org") == {
        "gpu1": {"url": "http://10.0.0.5:8189", "token": "", "jobs": 1},
        "gpu2": {"url": "https://cloud.comfy.org", "token": "t-2", "jobs": 2},
    }
    for bad in ("gpu1=http://me:secret@10.0.0.5:8189", "gpu1=10.0.0.5:8189", "1st=http://h"):
        with pytest.raises(ImproperlyConfigured):
            comfy_backends(bad)
    with pytest.raises(ImproperlyConfigured, match="without credentials"):
        video_servers('[{"name": "wan", "url": "http://k:s@10.0.0.7:8000/v1"}]')
    with pytest.raises(ImproperlyConfigured, match="JSON list"):
        video_servers("wan=http://10.0.0.7")


def test_a_cancel_link_to_another_host_is_not_followed(
    ed, gpu_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.polls_to_finish = 50
    comfy_fake.faults.cancel_link = f"{comfy_fake.signed.root}/api/v2/jobs/x/cancel"
    take = request_take(gpu_shot, ed, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.request_cancel(take, ed)
    take.refresh_from_db()
    assert take.status == S.CANCELLED and take.billed is None  # it may still run: said so
    assert comfy_fake.seen.cancels == 0 and comfy_fake.signed.headers == []  # token kept home


def test_an_upload_that_times_out_is_sent_again_not_looked_up(
    ed, i2v_shot, comfy_fake, django_capture_on_commit_callbacks
):
    comfy_fake.faults.slow_upload = 3  # longer than the studio waits: no job was asked for
    take = request_take(i2v_shot, ed, django_capture_on_commit_callbacks)
    assert take.status == S.QUEUED and take.events.filter(kind="retry").exists()
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert S.RECONCILING not in {to for _, to in transitions(take)}
    assert len([s for s in comfy_fake.seen.submits if s["status"] == 201]) == 1


def test_every_minute_the_backends_are_checked_and_one_that_is_down_is_marked(comfy_pair, db):
    from django_q.models import Schedule

    from generation.tasks import check_backends, ensure_schedules

    ensure_schedules()
    schedule = Schedule.objects.get(name="reelroom-gpu-health")
    assert (schedule.func, schedule.minutes) == ("generation.tasks.check_backends", 1)
    comfy_pair["gpu2"].stop()
    check_backends()
    states = dict(Backend.objects.values_list("name", "healthy"))
    assert states == {"gpu1": True, "gpu2": False}
    assert Backend.objects.get(name="gpu2").problem == "could not be reached"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(graph=json_values, bindings=st.text(max_size=60))
@hypothesis_settings(max_examples=150, deadline=None)
def test_any_upload_is_read_or_refused_in_words(graph, bindings):
    try:
        read = workflows.read_graph(json.dumps(graph).encode())
        workflows.check(read, workflows.read_bindings(bindings))
    except workflows.WorkflowError as error:
        assert str(error)
