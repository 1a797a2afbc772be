"""Money that nothing can erase (issue 18, points 1–4): deleting a shot keeps its takes on the
books, billing unknown counts at the estimate, a provider's reported cost is checked, and
"Generate missing formats" queues only the plan the person confirmed. Each through its real
entry point: the views, the tasks, the fake Runware server."""

from __future__ import annotations

import csv
import io
import math
import re
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from generation import budget, catalog
from generation.models import Render, RenderStatus
from studio.models import Shot
from studio.production.deliverables import add_format, plan_missing
from tests.factories import make_shot, make_take
from tests.pipeline import request_take, settle

S = RenderStatus
VEO = "veo-3.1-fast"


def _veo(shot, seconds: int = 8):
    shot.model_key, shot.size, shot.seconds = VEO, "1920x1080", seconds
    shot.prompt = {"scene": "Cold brew poured over ice, in slow motion."}
    shot.save()
    return shot


def _per_take(seconds: int = 8) -> Decimal:
    return budget.estimate(VEO, "1920x1080", seconds, True)


def _csv(client, url) -> list[dict]:
    response = client.get(url, {"format": "csv"})
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page).group(1)


# --------------------------------------------------------------------------- 1. deleted shots


def test_a_shot_deleted_while_someone_moves_it_gives_no_number_twice(campaign):
    """The race the PostgreSQL suite found: one person deletes shot 3 (the board renumbers)
    while another, holding the page from before, moves it up. The stale move must not hand
    its old number to a neighbour that already has another."""
    shots = [make_shot(campaign, f"Shot {i}") for i in range(1, 6)]
    stale = Shot.objects.get(pk=shots[2].pk)
    Shot.objects.get(pk=shots[2].pk).remove()
    assert stale.move("up") is False
    positions = sorted(Shot.objects.filter(campaign=campaign).values_list("position", flat=True))
    assert positions == [1, 2, 3, 4]


def test_deleting_a_shot_keeps_its_takes_on_the_books_and_cancels_the_one_in_flight(
    client, ed, campaign, runware_fake, django_capture_on_commit_callbacks
):
    shot = _veo(make_shot(campaign, title="Slow ice pour"))
    done = request_take(shot, ed, django_capture_on_commit_callbacks)
    (done,) = settle(django_capture_on_commit_callbacks, [done])
    assert done.status == S.COMPLETED and done.billed is True
    runware_fake.faults.polls_to_finish = 10_000  # the second take is still rendering
    rendering = request_take(shot, ed, django_capture_on_commit_callbacks)
    assert rendering.status == S.IN_PROGRESS
    before = budget.committed(campaign.pk)
    assert before == done.cost_actual + rendering.cost_estimate

    client.force_login(ed)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("studio:shot_delete", args=[campaign.pk, shot.pk]), follow=True
        )
    page = response.content.decode()
    assert "deleted" in page and "kept on the campaign" in page and "cancelled" in page
    assert not Shot.objects.filter(pk=shot.pk).exists()  # gone from every page
    assert Shot.with_deleted.get(pk=shot.pk).deleted_at is not None  # archived, not deleted
    done.refresh_from_db()
    rendering.refresh_from_db()
    assert done.status == S.COMPLETED  # nothing billed was deleted
    # Cancelled at the provider while it rendered: whether it was billed is unknown, so it
    # keeps its estimate on the books.
    assert rendering.status == S.CANCELLED and rendering.billed is None
    assert budget.committed(campaign.pk) == before

    spend = client.get(reverse("studio:campaign_spend", args=[campaign.pk])).content.decode()
    assert _figure(spend, "settled") == f"${done.cost_actual:.2f}"
    assert "2 takes of deleted shots" in spend
    rows = _csv(client, reverse("studio:campaign_spend", args=[campaign.pk]))
    assert [r["shot_deleted"] for r in rows] == ["yes", "yes"]
    assert sum(Decimal(r["counted"]) for r in rows) == before
    assert client.get(reverse("studio:take_page", args=[done.pk])).status_code == 404
    board = client.get(reverse("studio:campaign_board", args=[campaign.pk])).content.decode()
    assert "Slow ice pour" not in board


def test_the_deleted_shots_budget_cannot_be_spent_again(
    client, ed, campaign, runware_fake, django_capture_on_commit_callbacks
):
    campaign.budget = _per_take() * 1 + Decimal("0.10")  # room for one take
    campaign.save()
    first = _veo(make_shot(campaign, title="First"))
    take = request_take(first, ed, django_capture_on_commit_callbacks)
    settle(django_capture_on_commit_callbacks, [take])
    client.force_login(ed)
    client.post(reverse("studio:shot_delete", args=[campaign.pk, first.pk]))
    second = _veo(make_shot(campaign, title="Second"))
    response = client.post(
        reverse("studio:shot_generate", args=[campaign.pk, second.pk]), _editor_data(second)
    )
    assert response.status_code == 422 and "budget" in response.content.decode()
    assert Render.objects.count() == 1


def test_the_admin_cannot_delete_a_shot_with_takes(ed, campaign, shot):
    from django.db.models import ProtectedError

    make_take(shot, model_key=VEO, provider="runware", size="1920x1080", seconds=8,
              billed=True, cost_estimate=Decimal("1.2"), stored=False)  # fmt: skip
    with pytest.raises(ProtectedError):
        shot.delete()
    with pytest.raises(ProtectedError):
        campaign.delete()


# --------------------------------------------------------------------------- 2. billing unknown


def _editor_data(shot) -> dict:
    from tests.factories import editor_data

    return editor_data(
        title=shot.title, model_key=shot.model_key, size=shot.size, seconds=str(shot.seconds)
    )


def test_generate_cancel_generate_again_cannot_walk_past_the_budget(
    client, ed, campaign, runware_fake, django_capture_on_commit_callbacks
):
    campaign.budget = _per_take() * Decimal("1.5")
    campaign.save()
    shot = _veo(make_shot(campaign))
    runware_fake.faults.polls_to_finish = 10_000
    client.force_login(ed)
    url = reverse("studio:shot_generate", args=[campaign.pk, shot.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, _editor_data(shot)).status_code == 302
    (take,) = Render.objects.all()
    assert take.status == S.IN_PROGRESS
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:take_cancel", args=[take.pk]))
    take.refresh_from_db()
    assert take.status == S.CANCELLED and take.billed is None
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(url, _editor_data(shot))
    assert again.status_code == 422 and "budget" in again.content.decode()
    assert Render.objects.count() == 1
    spend = client.get(reverse("studio:campaign_spend", args=[campaign.pk])).content.decode()
    assert _figure(spend, "unknown") == f"${take.cost_estimate:.2f}"
    assert f"{take.cost_estimate:.2f}" in re.search(r'data-figure="budget">([^<]*)<', spend)[1]
    (row,) = _csv(client, reverse("studio:campaign_spend", args=[campaign.pk]))
    assert row["billed"] == "unknown" and Decimal(row["counted"]) == take.cost_estimate
    assert Decimal(row["settled"]) == 0


@pytest.mark.parametrize(
    "status, billed, counts",
    [
        (S.FAILED, None, True),  # a permanent poll error, the 6-hour deadline
        (S.EXPIRED, None, True),
        (S.CANCELLED, None, True),
        (S.FAILED, False, False),  # rejected at submit
        (S.CANCELLED, False, False),  # cancelled before it was sent
        (S.COMPLETED, True, True),
    ],
)
def test_what_counts_against_a_budget(campaign, shot, status, billed, counts):
    take = make_take(
        shot, 1, status, model_key=VEO, provider="runware", size="1920x1080", seconds=8,
        billed=billed, cost_estimate=Decimal("1.2"), stored=False,
    )  # fmt: skip
    assert budget.committed(campaign.pk) == (Decimal("1.2000") if counts else 0)
    assert budget.counted_cost(take) == (Decimal("1.2000") if counts else 0)


# --------------------------------------------------------------------------- 3. reported cost


@pytest.mark.parametrize("reported", [-1, math.nan, 1e30, "a lot"])
def test_a_reported_cost_that_cannot_be_right_falls_back_to_the_estimate(
    client, ed, shot, runware_fake, reported, django_capture_on_commit_callbacks
):
    runware_fake.faults.cost = reported
    take = request_take(_veo(shot), ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED  # recording it never raised
    assert take.cost_actual == take.cost_estimate and take.cost_rejected
    assert take.events.filter(detail__cost_rejected=take.cost_rejected).exists()
    client.force_login(ed)
    page = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert "data-cost-rejected" in page and "recorded at its estimate" in page
    spend = client.get(reverse("studio:campaign_spend", args=[shot.campaign_id])).content.decode()
    assert _figure(spend, "settled") == f"${take.cost_estimate:.2f}"
    (row,) = _csv(client, reverse("studio:campaign_spend", args=[shot.campaign_id]))
    assert row["cost_rejected"] and Decimal(row["settled"]) == take.cost_estimate


def test_a_plausible_reported_cost_is_kept(
    ed, shot, runware_fake, django_capture_on_commit_callbacks
):
    runware_fake.faults.cost = 0
    take = request_take(_veo(shot), ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.cost_actual == 0 and take.cost_rejected == ""


# --------------------------------------------------------------------------- 4. the plan confirmed


def test_generate_missing_queues_only_the_plan_the_person_confirmed(
    client, ed, campaign, django_capture_on_commit_callbacks
):
    add_format(campaign, "YouTube", "16:9")
    make_shot(campaign, title="One", prompt={"scene": "A cup on a table."})
    client.force_login(ed)
    url = reverse("studio:deliverables_missing", args=[campaign.pk])
    seen = client.get(url).content.decode()
    signature = re.search(r'name="signature" value="([0-9a-f]+)"', seen).group(1)
    assert signature == plan_missing(campaign).signature
    make_shot(campaign, title="Two", prompt={"scene": "A glass of ice."})  # the plan grows
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"batch_key": str(uuid.uuid4()), "signature": signature})
    page = response.content.decode()
    assert response.status_code == 409 and not Render.objects.exists()
    assert "Nothing was queued" in page and "Two" in page  # the new plan, to confirm
    fresh = re.search(r'name="signature" value="([0-9a-f]+)"', page).group(1)
    assert fresh != signature
    with django_capture_on_commit_callbacks(execute=False):
        done = client.post(url, {"batch_key": str(uuid.uuid4()), "signature": fresh})
    assert done.status_code == 302 and Render.objects.count() == 2


def test_a_plan_whose_budget_moved_is_shown_again(
    client, ed, campaign, settings, django_capture_on_commit_callbacks
):
    settings.RUNWARE_API_KEY = "test-key-not-real"
    model = catalog.get("kling-3-standard")
    per_take = model.price_per_second("1280x720", True) * 5
    campaign.budget = per_take * 2 + Decimal("0.01")
    campaign.save()
    add_format(campaign, "YouTube", "16:9")
    for i in range(2):
        make_shot(campaign, title=f"Shot {i}", model_key=model.key, size="1280x720", seconds=5)
    plan = plan_missing(campaign)
    assert plan.fits == 2
    campaign.budget = per_take + Decimal("0.01")  # an owner lowered it meanwhile
    campaign.save()
    client.force_login(ed)
    response = client.post(
        reverse("studio:deliverables_missing", args=[campaign.pk]),
        {"batch_key": str(uuid.uuid4()), "signature": plan.signature},
    )
    assert response.status_code == 409 and not Render.objects.exists()
    assert "Only the first 1 of 2 fit" in response.content.decode()
