"""Batch keys and reconciliation: a replayed form makes nothing twice, and a lost create never
lets two takes adopt one provider job."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from generation.models import Render, RenderStatus
from studio.shots import editing
from tests.factories import completed_take, generate, make_shot, make_take
from tests.pipeline import settle

S = RenderStatus


def test_a_remix_with_the_pages_batch_key_is_made_once(
    client, ed, shot, django_capture_on_commit_callbacks
):
    """The take cards' remix form carries the page's batch key, already used by the page's
    Save and generate: the remix gets its own key derived from it, never a 500."""
    client.force_login(ed)
    batch = str(uuid.uuid4())
    assert (
        generate(client, shot, django_capture_on_commit_callbacks, batch_key=batch)[0].status_code
        == 302
    )
    (original,) = settle(django_capture_on_commit_callbacks)
    assert original.status == S.COMPLETED
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("studio:take_remix", args=[original.pk]),
                {"prompt": "Same, at dusk.", "batch_key": batch},
            )
        assert response.status_code == 302
    (remix,) = Render.objects.filter(remix_of=original)
    assert remix.prompt_text == "Same, at dusk."
    assert Render.objects.filter(shot=shot).count() == 2


def test_a_batch_key_is_scoped_to_its_shot(
    client, ed, campaign, django_capture_on_commit_callbacks
):
    first, second = make_shot(campaign, title="One"), make_shot(campaign, title="Two")
    client.force_login(ed)
    batch = str(uuid.uuid4())
    generate(client, first, django_capture_on_commit_callbacks, batch_key=batch)[0]
    generate(client, second, django_capture_on_commit_callbacks, batch_key=batch)[0]
    assert Render.objects.filter(shot=first).count() == 1
    assert Render.objects.filter(shot=second).count() == 1  # its own take, not the first's


def test_a_batch_key_of_another_kind_of_request_is_refused(
    ed, shot, django_capture_on_commit_callbacks
):
    original = completed_take(shot, ed, django_capture_on_commit_callbacks)
    batch = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        (remix,) = editing.request_takes(
            shot, ed, remix_of=original, remix_prompt="At dusk.", batch_key=batch
        )
    # The same key for a plain generate of this shot must not hand back the remix.
    with pytest.raises(editing.TakeRequestError, match="already used"):
        editing.request_takes(shot, ed, batch_key=batch)
    assert Render.objects.filter(shot=shot).count() == 2


@pytest.fixture
def sora_shot(shot, openai_fake):
    shot.model_key, shot.size, shot.seconds = "sora-2", "1280x720", 4
    shot.prompt = {"scene": "A cup of cold brew on a table."}
    shot.save()
    return shot


def test_three_variations_whose_creates_were_lost_never_share_a_job(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    """All three creates are accepted and their answers lost. The variations share model, size,
    seconds and prompt, so each one's reconciliation sees three matching jobs: none may be
    adopted twice; a take that cannot be told apart fails and says it may have been billed."""
    openai_fake.faults.drop_after_create = 3
    with django_capture_on_commit_callbacks(execute=True):
        takes = editing.request_takes(sora_shot, ed, variations=3)
    assert [t.status for t in Render.objects.order_by("take")] == [S.RECONCILING] * 3
    assert len(openai_fake.live_jobs()) == 3
    takes = settle(django_capture_on_commit_callbacks, takes)
    adopted = [t.provider_job_id for t in takes if t.provider_job_id]
    assert len(adopted) == len(set(adopted)), "one job adopted by two takes"
    for take in takes:
        assert take.status in (S.COMPLETED, S.FAILED)
        if take.status == S.FAILED:
            assert take.error_code == "reconcile_ambiguous"
            assert take.billed is None and "may have been billed" in take.error_message
    assert len(openai_fake.seen.creates) == 3  # nothing was sent again


def test_one_lost_create_among_answered_variations_adopts_the_only_unowned_job(
    ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    openai_fake.faults.drop_after_create = 1  # the first variation's answer is lost
    with django_capture_on_commit_callbacks(execute=True):
        takes = editing.request_takes(sora_shot, ed, variations=3)
    statuses = sorted(Render.objects.values_list("status", flat=True))
    assert statuses.count(S.RECONCILING) == 1
    takes = settle(django_capture_on_commit_callbacks, takes)
    assert [t.status for t in takes] == [S.COMPLETED] * 3
    assert len({t.provider_job_id for t in takes}) == 3
    assert len(openai_fake.seen.creates) == 3


def test_the_database_refuses_one_job_for_two_takes(ed, shot):
    from django.db import IntegrityError, transaction

    common = dict(status="in_progress", provider="openai", stored=False)
    make_take(shot, 1, provider_job_id="video_1", prompt_text="a", **common)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_take(shot, 2, provider_job_id="video_1", prompt_text="b", **common)
