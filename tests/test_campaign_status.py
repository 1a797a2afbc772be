"""A campaign's status follows the work (planning → in production → in review → approved),
with a manual override for the owner (issue 11)."""

from __future__ import annotations

from django.urls import reverse

from studio.models import Campaign, CampaignStatus
from studio.shots import editing
from tests.factories import make_shot
from tests.pipeline import settle


def status(campaign) -> str:
    return Campaign.objects.get(pk=campaign.pk).status


def test_the_status_follows_the_work(
    client, alice, ed, rita, campaign, shot, django_capture_on_commit_callbacks
):
    assert status(campaign) == CampaignStatus.PLANNING
    with django_capture_on_commit_callbacks(execute=True):
        (take,) = editing.request_takes(shot, ed)
    assert status(campaign) == CampaignStatus.IN_PRODUCTION
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == "completed"
    assert status(campaign) == CampaignStatus.IN_REVIEW
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    # Approved: the shot's only take is approved, so it is what is delivered (no hero needed).
    assert status(campaign) == CampaignStatus.APPROVED
    client.force_login(ed)
    client.post(reverse("studio:take_hero", args=[take.pk]))
    assert status(campaign) == CampaignStatus.APPROVED
    # A new shot without takes: the work is no longer all approved.
    other = make_shot(campaign, title="Logo", prompt={"scene": "The logo on black."})
    with django_capture_on_commit_callbacks(execute=True):
        editing.request_takes(other, ed)
    assert status(campaign) == CampaignStatus.IN_PRODUCTION
    board = client.get(campaign.get_absolute_url()).content.decode()
    assert "In production" in board


def test_an_owner_can_set_the_status_by_hand_and_it_stays(
    client, alice, ed, campaign, shot, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {"name": campaign.name, "status": "delivered"},  # the box unticked: by hand
    )
    assert status(campaign) == CampaignStatus.DELIVERED
    with django_capture_on_commit_callbacks(execute=True):
        editing.request_takes(shot, ed)
    assert status(campaign) == CampaignStatus.DELIVERED


def test_an_editor_cannot_override_the_status(client, ed, campaign):
    client.force_login(ed)
    client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {"name": "Renamed", "status": "delivered"},
    )
    campaign.refresh_from_db()
    assert campaign.name == "Renamed"
    assert campaign.status == CampaignStatus.PLANNING and campaign.status_follows_work


def test_working_out_the_status_reads_no_more_as_the_takes_grow(
    campaign, django_assert_max_num_queries
):
    from generation.models import Render, RenderStatus
    from studio.review.status import work_status

    def add_shots(count: int) -> None:
        for _ in range(count):
            shot = make_shot(campaign, prompt={"scene": "A cup."})
            Render.objects.bulk_create(
                Render(shot=shot, take=t, model_key="animatic", provider="animatic",
                       size="1280x720", seconds=4, status=RenderStatus.COMPLETED)
                for t in range(1, 5)
            )  # fmt: skip

    add_shots(2)
    with django_assert_max_num_queries(5) as few:
        assert work_status(campaign) == CampaignStatus.IN_REVIEW
    add_shots(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert work_status(campaign) == CampaignStatus.IN_REVIEW
