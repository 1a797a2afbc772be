from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from generation.models import Render, RenderStatus
from studio.models import CampaignStatus, Decision, Verdict
from studio.views.campaigns import DASHBOARD_PAGE
from tests.factories import make_campaign, make_shot, make_take


def test_it_lists_campaigns_with_their_figures(client, alice, rita, workspace):
    campaign = make_campaign(workspace, name="Cold brew launch", budget=Decimal("50.00"))
    shot = make_shot(campaign)
    make_shot(campaign, title="Second")
    make_take(shot, 1, RenderStatus.IN_PROGRESS)
    make_take(shot, 2, RenderStatus.QUEUED)
    make_take(shot, 3, RenderStatus.COMPLETED, billed=True, cost_actual=Decimal("1.20"))
    decided = make_take(shot, 4, RenderStatus.COMPLETED, billed=True, cost_actual=Decimal("0.80"))
    Decision.objects.create(render=decided, reviewer=rita, verdict=Verdict.APPROVED)
    make_take(shot, 5, RenderStatus.FAILED, billed=False, cost_estimate=Decimal("9"))

    client.force_login(alice)
    response = client.get(reverse("studio:dashboard"))
    row = response.context["campaigns"][0]
    assert (row.shot_count, row.takes_in_flight, row.takes_awaiting_review) == (2, 2, 1)
    assert row.spend == Decimal("2.00")
    html = response.content.decode()
    assert "Cold brew launch" in html
    assert "$2.00 / $50.00" in html


def test_it_shows_only_the_current_workspace(client, alice, charlie, workspace, other_workspace):
    make_campaign(workspace, name="Ours")
    make_campaign(other_workspace, name="Theirs")
    client.force_login(charlie)
    html = client.get(reverse("studio:dashboard")).content.decode()
    assert "Theirs" in html and "Ours" not in html


def test_archived_campaigns_move_to_their_own_list(client, alice, workspace):
    make_campaign(workspace, name="Old one", status=CampaignStatus.ARCHIVED)
    make_campaign(workspace, name="Live one")
    client.force_login(alice)
    active = client.get(reverse("studio:dashboard")).content.decode()
    archived = client.get(reverse("studio:dashboard") + "?archived=1").content.decode()
    assert "Live one" in active and "Old one" not in active
    assert "Old one" in archived and "Live one" not in archived


def test_a_user_without_workspace_is_told_what_to_do(client, db):
    from tests.factories import make_user

    client.force_login(make_user("loner"))
    response = client.get(reverse("studio:dashboard"))
    assert "not in a workspace yet" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_dashboard_query_count_is_constant(
    client, alice, workspace, django_assert_num_queries, count
):
    for i in range(count):
        shot = make_shot(make_campaign(workspace, name=f"Campaign {i}"))
        make_take(shot, 1, RenderStatus.QUEUED)
    client.force_login(alice)
    # session, user, memberships, the count of campaigns, a page of them with every figure
    with django_assert_num_queries(5):
        response = client.get(reverse("studio:dashboard"))
    assert len(response.context["campaigns"]) == min(count, DASHBOARD_PAGE)
    html = response.content.decode()
    assert ('rel="next"' in html) == (count > DASHBOARD_PAGE)
    if count > DASHBOARD_PAGE:
        older = client.get(reverse("studio:dashboard"), {"page": 2})
        assert len(older.context["campaigns"]) == count - DASHBOARD_PAGE


def test_campaign_crud(client, alice, ed, workspace):
    client.force_login(ed)
    response = client.post(
        reverse("studio:campaign_create"),
        {
            "name": "Summer",
            "status": "planning",
            "target_formats": ["16:9", "9:16"],
            "brand_banned_words": "cheap, free",
            "budget": "999",
        },
    )
    assert response.status_code == 302
    campaign = workspace.campaigns.get(name="Summer")
    assert campaign.target_formats == ["16:9", "9:16"]
    assert campaign.banned_words() == ["cheap", "free"]
    assert campaign.budget is None  # only an owner sets the budget

    client.force_login(alice)
    response = client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {"name": "Summer 2027", "status": "in_production", "budget": "120.50"},
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.name, campaign.budget) == ("Summer 2027", Decimal("120.50"))

    response = client.post(reverse("studio:campaign_archive", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ARCHIVED
    client.post(reverse("studio:campaign_archive", args=[campaign.pk]))
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNING


def test_an_invalid_campaign_keeps_the_input(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("studio:campaign_create"),
        {"name": "", "brief": "Keep this brief", "status": "planning", "budget": "-5"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Keep this brief" in html
    assert "This field is required." in html
    assert "A budget cannot be negative." in html


def test_the_seed_command_makes_a_workspace_the_pages_can_show(client, db):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from studio.models import Comment, Workspace

    call_command("seed_workspace", campaigns=2, shots=3, takes=10, owner="big", stdout=None)
    workspace = Workspace.objects.get(name="Scale")
    takes = Render.objects.filter(shot__campaign__workspace=workspace)
    assert takes.count() == 60
    assert takes.filter(status=RenderStatus.IN_PROGRESS).exists()  # a few still rendering
    assert Comment.objects.filter(render__in=takes).exists()
    assert Decision.objects.filter(render__in=takes).exists()
    assert all(t.events.exists() for t in takes[:5])
    client.force_login(get_user_model().objects.get(username="big"))
    page = client.get(reverse("studio:dashboard")).content.decode()
    assert page.count('class="badge status-') == 2
