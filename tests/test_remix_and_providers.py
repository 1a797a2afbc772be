from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from generation.models import Render, RenderStatus
from tests.factories import completed_take, make_take
from tests.pipeline import settle

S = RenderStatus


def remix(client, take, prompt, capture, batch=None):
    with capture(execute=True):
        return client.post(
            reverse("studio:take_remix", args=[take.pk]),
            {"prompt": prompt, "batch_key": batch or str(uuid.uuid4())},
        )


def test_an_openai_remix_is_a_new_take_of_the_same_video(
    client, ed, shot, openai_fake, django_capture_on_commit_callbacks
):
    original = completed_take(
        shot,
        ed,
        django_capture_on_commit_callbacks,
        model_key="sora-2",
        size="1280x720",
        seconds=4,
        prompt={"scene": "A cup of cold brew on a table."},
    )
    client.force_login(ed)
    page = client.get(shot.get_absolute_url()).content.decode()
    assert f'action="{reverse("studio:take_remix", args=[original.pk])}"' in page
    batch = str(uuid.uuid4())
    for _ in range(2):  # re-sent form: one remix
        response = remix(
            client, original, "Same shot, but at dusk.", django_capture_on_commit_callbacks, batch
        )
    assert response.status_code == 302
    new = Render.objects.get(remix_of=original)
    assert (new.take, new.prompt_text, new.size, new.seconds) == (
        2,
        "Same shot, but at dusk.",
        "1280x720",
        4,
    )
    job = openai_fake.jobs[new.provider_job_id]
    assert job.remixed_from == original.provider_job_id and job.prompt == new.prompt_text
    (new,) = settle(django_capture_on_commit_callbacks, [new])
    assert new.status == S.COMPLETED


def test_a_runware_remix_sends_the_video_id(
    client, ed, shot, runware_fake, settings, django_capture_on_commit_callbacks
):
    settings.OPENAI_API_KEY = ""
    runware = completed_take(
        shot,
        ed,
        django_capture_on_commit_callbacks,
        model_key="veo-3.1-fast",
        size="1280x720",
        seconds=4,
        prompt={"scene": "A cup of cold brew on a table."},
    )
    # Veo is not remixable in the catalog: the form is not offered and a forced post fails.
    client.force_login(ed)
    remix(client, runware, "At dusk.", django_capture_on_commit_callbacks)
    assert not Render.objects.filter(remix_of=runware).exists()

    from generation import catalog

    sora = catalog.MODELS["sora-2"]
    original = make_take(
        shot,
        9,
        model_key="sora-2",
        provider="runware",
        provider_model=sora.route("runware").model_id,
        prompt_text="A cup.",
        provider_job_id="task-uuid",
        provider_output_id="out-12345678",
        stored=False,
    )
    settings.OPENAI_API_KEY = "sk-any"  # Sora stays usable only through a gateway...
    response = remix(client, original, "At dusk.", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Render.objects.filter(remix_of=original).exists()  # ...not through Runware


def test_the_runware_adapter_remixes_by_video_id(runware_fake):
    from generation.providers.base import JobSpec
    from generation.providers.runware import RunwareProvider

    spec = JobSpec(
        idempotency_key=str(uuid.uuid4()),
        model_key="veo-3.1-fast",
        model_id="google:3@3",
        size="1280x720",
        width=1280,
        height=720,
        seconds=4,
        prompt="Same shot, but at dusk.",
        remix_of_job_id="out-12345678",
    )
    status = RunwareProvider().remix("task-of-the-original", spec)
    assert status.job_id == spec.idempotency_key
    task = runware_fake.seen.creates[-1]
    assert task["inputs"] == {"videoId": "out-12345678"}
    assert "width" not in task and "height" not in task
    assert task["positivePrompt"] == "Same shot, but at dusk."


def test_an_animatic_remix_renders_the_change(client, ed, shot, django_capture_on_commit_callbacks):
    original = completed_take(shot, ed, django_capture_on_commit_callbacks)
    client.force_login(ed)
    remix(
        client,
        original,
        "The same cup, now with a paper straw.",
        django_capture_on_commit_callbacks,
    )
    new = Render.objects.get(remix_of=original)
    (new,) = settle(django_capture_on_commit_callbacks, [new])
    assert new.status == S.COMPLETED and new.prompt_text.endswith("paper straw.")


def test_a_remix_needs_a_prompt(client, ed, shot, django_capture_on_commit_callbacks):
    original = completed_take(shot, ed, django_capture_on_commit_callbacks)
    client.force_login(ed)
    response = remix(client, original, "  ", django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert not Render.objects.filter(remix_of=original).exists()
    follow = client.get(response["Location"])
    assert "Describe the change you want" in follow.content.decode()


@pytest.fixture
def operator(db):
    from tests.factories import make_user

    return make_user("olivia", is_staff=True)


def test_the_providers_page_shows_configuration_but_never_keys(
    client, operator, openai_fake, runware_fake
):
    client.force_login(operator)
    html = client.get(reverse("studio:provider_list")).content.decode()
    assert html.count('"badge status-completed">configured</span>') == 3
    assert html.count("not configured</span>") == 2  # no GPU servers of the team's own
    assert openai_fake.url in html and runware_fake.url in html
    from tests.fakes.openai_fake import API_KEY as OPENAI_KEY
    from tests.fakes.runware_fake import API_KEY as RUNWARE_KEY

    assert OPENAI_KEY not in html and RUNWARE_KEY not in html


def test_test_connection_reports_in_words(client, operator, openai_fake, runware_fake, settings):
    client.force_login(operator)

    def test(name):
        return client.post(
            reverse("studio:provider_test", args=[name]), HTTP_HX_REQUEST="true"
        ).content.decode()

    assert "the key was accepted and /videos answered" in test("openai")
    assert "Connected to 127.0.0.1: the key was accepted." in test("runware")
    assert "Ready: renders locally with ffmpeg" in test("animatic")
    settings.OPENAI_API_KEY = "sk-wrong"
    settings.RUNWARE_API_KEY = "rw-wrong"
    assert "refused the API key" in test("openai")
    assert "refused the API key" in test("runware")
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    assert "Could not reach 127.0.0.1" in test("openai")
    assert client.post(reverse("studio:provider_test", args=["nope"])).status_code == 404


def test_only_staff_see_providers(client, team, operator):
    """Keys and paid test calls are the operators', not every workspace owner's: for anyone
    but staff the page does not exist."""
    for role in ("owner", "editor", "reviewer", "viewer", "outsider"):
        client.force_login(team[role])
        assert client.get(reverse("studio:provider_list")).status_code == 404
        assert client.post(reverse("studio:provider_test", args=["animatic"])).status_code == 404
        assert "Providers</a>" not in client.get(reverse("studio:dashboard")).content.decode()
    client.force_login(operator)
    assert client.get(reverse("studio:provider_list")).status_code == 200
    assert client.post(reverse("studio:provider_test", args=["animatic"])).status_code == 200
    assert client.get(reverse("studio:provider_test", args=["animatic"])).status_code == 405
