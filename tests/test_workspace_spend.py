"""The workspace's spend page adds up each campaign's stored figures (CampaignSpend) and
computes again only the campaigns whose money or approvals moved since (issue 26): through the
view, with the real transitions, decisions, deletions and approvers."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from generation.jobs.transitions import advance
from generation.models import Render, RenderStatus
from studio.models import CampaignSpend
from studio.production import spend
from studio.review import decisions
from studio.shots import editing
from tests.factories import make_campaign, make_shot, make_take
from tests.pipeline import settle

S = RenderStatus


def _figure(page: str, name: str) -> str:
    return re.search(rf'data-figure="{name}">([^<]*)<', page).group(1)


def _page(client, workspace) -> str:
    return client.get(reverse("studio:workspace_spend", args=[workspace.slug])).content.decode()


def _campaign_page(client, campaign) -> str:
    return client.get(reverse("studio:campaign_spend", args=[campaign.pk])).content.decode()


def _billed(shot, take, cost, user=None, **fields):
    return make_take(
        shot, take, S.COMPLETED, user, billed=True, cost_estimate=cost, duration_ms=4000, **fields
    )


def test_it_adds_up_the_campaigns_as_their_own_pages_count_them(client, ed, rita, workspace):
    spring = make_campaign(workspace, "Spring")
    autumn = make_campaign(workspace, "Autumn")
    make_campaign(workspace, "Winter")  # no takes yet: no row
    _billed(make_shot(spring), 1, Decimal("1.2500"), ed)
    in_flight = make_take(make_shot(autumn), 1, S.IN_PROGRESS, ed, cost_estimate=Decimal("0.75"))
    decisions.decide(_billed(in_flight.shot, 2, Decimal("2.0000"), ed), rita, "approved")
    client.force_login(ed)
    page = _page(client, workspace)
    assert _figure(page, "settled") == "$3.25"
    assert _figure(page, "reserved") == "$0.75"
    assert _figure(page, "per-take") == "$3.25"  # one approved take
    assert _figure(_campaign_page(client, spring), "settled") == "$1.25"
    assert _figure(_campaign_page(client, autumn), "settled") == "$2.00"
    by_campaign = re.search(r'data-spend-by="campaign">(.*?)</table>', page, re.S).group(1)
    assert by_campaign.index("Autumn") < by_campaign.index("Spring")  # the most spent first
    assert "Winter" not in by_campaign
    by_person = re.search(r'data-spend-by="person">(.*?)</table>', page, re.S).group(1)
    assert ">ed<" in by_person and "<td>3</td>" in by_person


def test_stored_figures_are_read_without_reading_a_take(client, ed, workspace):
    client.force_login(ed)
    for n in range(3):
        campaign = make_campaign(workspace, f"Campaign {n}")
        _billed(make_shot(campaign), 1, Decimal("0.40"), ed)
    _page(client, workspace)  # computes and stores them
    with CaptureQueriesContext(connection) as few:
        page = _page(client, workspace)
    assert _figure(page, "settled") == "$1.20"
    read = " ".join(q["sql"] for q in few.captured_queries)
    assert "generation_render" not in read and "studio_decision" not in read
    for n in range(3, 8):
        campaign = make_campaign(workspace, f"Campaign {n}")
        for take in range(1, 4):
            _billed(make_shot(campaign), take, Decimal("0.40"), ed)
    _page(client, workspace)
    with CaptureQueriesContext(connection) as many:
        page = _page(client, workspace)
    assert _figure(page, "settled") == "$7.20"
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_take_that_moves_money_after_the_page_was_computed_shows_at_once(
    client, ed, campaign, workspace
):
    shot = make_shot(campaign)
    take = make_take(shot, 1, S.IN_PROGRESS, ed, cost_estimate=Decimal("0.50"))
    client.force_login(ed)
    assert _figure(_page(client, workspace), "reserved") == "$0.50"
    # The provider says it is done and billed at its own figure: settled, no longer reserved.
    advance(take, S.IN_PROGRESS, S.STORING, billed=True, cost_actual=Decimal("0.4200"))
    page = _page(client, workspace)
    assert (_figure(page, "settled"), _figure(page, "reserved")) == ("$0.42", "$0.00")
    advance(take, S.STORING, S.FAILED, error_code="gone", error_message="Gone.")
    page = _page(client, workspace)
    assert "failed and billed: 1" in page and _figure(page, "settled") == "$0.42"
    make_take(shot, 2, S.QUEUED, ed, cost_estimate=Decimal("0.30"))  # a new take requested
    assert _figure(_page(client, workspace), "reserved") == "$0.30"


def test_a_take_made_through_the_pipeline_counts_once_it_finishes(
    client, ed, campaign, shot, workspace, django_capture_on_commit_callbacks
):
    client.force_login(ed)
    assert "0 takes;" in _page(client, workspace)
    with django_capture_on_commit_callbacks(execute=True):
        (take,) = editing.request_takes(shot, ed)
    assert "1 take;" in _page(client, workspace)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    page = _page(client, workspace)
    assert "1 take;" in page and "failed and billed: 0" in page
    by_model = re.search(r'data-spend-by="model">(.*?)</table>', page, re.S).group(1)
    assert "<td>1</td>" in by_model


def _approvers(client, campaign, approvers):
    response = client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {"name": campaign.name, "status": campaign.status, "status_follows_work": "on",
         "approvers": approvers},
    )  # fmt: skip
    assert response.status_code == 302
    assert sorted(campaign.approvers.values_list("pk", flat=True)) == sorted(approvers)


def test_decisions_deletions_and_approvers_are_followed(client, alice, ed, rita, campaign):
    shot = make_shot(campaign)
    first = _billed(shot, 1, Decimal("1.00"), ed)
    second = _billed(make_shot(campaign, title="Logo"), 1, Decimal("3.00"), ed)
    client.force_login(alice)
    workspace = campaign.workspace
    assert _figure(_page(client, workspace), "per-take") == "—"
    decision = decisions.decide(first, rita, "approved")
    assert _figure(_page(client, workspace), "per-take") == "$4.00"  # 4.00 over one take
    decisions.decide(second, rita, "approved")
    assert _figure(_page(client, workspace), "per-take") == "$2.00"
    # Alice must approve too (the campaign's form): nobody's approval is complete any more.
    _approvers(client, campaign, [alice.pk, rita.pk])
    assert _figure(_page(client, workspace), "per-take") == "—"
    _approvers(client, campaign, [])
    assert _figure(_page(client, workspace), "per-take") == "$2.00"
    assert decisions.undo(decision.pk, rita) == first
    assert _figure(_page(client, workspace), "per-take") == "$4.00"
    shot.remove(ed)
    page = _page(client, workspace)
    assert _figure(page, "deleted").startswith("1 take of deleted shots: $1.00")
    assert _figure(page, "settled") == "$4.00"  # still counted


def test_a_change_while_the_figures_are_computed_is_not_lost(
    client, ed, campaign, workspace, monkeypatch
):
    shot = make_shot(campaign)
    _billed(shot, 1, Decimal("1.00"), ed)
    computed = spend.figures_by_campaign

    def a_take_lands_meanwhile(takes):
        figures = computed(takes)  # read before the new take exists
        _billed(shot, 2, Decimal("5.00"), ed)
        return figures

    monkeypatch.setattr(spend, "figures_by_campaign", a_take_lands_meanwhile)
    client.force_login(ed)
    assert _figure(_page(client, workspace), "settled") == "$1.00"
    stored = CampaignSpend.objects.get(campaign=campaign)
    assert stored.seen < stored.version  # stored as of before the take: out of date
    monkeypatch.setattr(spend, "figures_by_campaign", computed)
    assert _figure(_page(client, workspace), "settled") == "$6.00"
    stored.refresh_from_db()
    assert stored.seen == stored.version
    assert Render.objects.count() == 2


def test_figures_that_cannot_be_read_are_computed_again(client, ed, campaign, workspace):
    _billed(make_shot(campaign), 1, Decimal("2.50"), ed)
    client.force_login(ed)
    _page(client, workspace)
    stored = CampaignSpend.objects.get(campaign=campaign)
    for unreadable in ({}, {"settled": "x"}, []):
        CampaignSpend.objects.filter(pk=stored.pk).update(figures=unreadable)
        assert _figure(_page(client, workspace), "settled") == "$2.50"
        assert Decimal(CampaignSpend.objects.get(pk=stored.pk).figures["settled"]) == Decimal("2.5")


def test_the_takes_of_a_person_deleted_since_count_as_nobodys(
    client, alice, ed, campaign, workspace
):
    gone = get_user_model().objects.create_user("gone")
    shot = make_shot(campaign)
    _billed(shot, 1, Decimal("1.00"), gone)
    _billed(shot, 2, Decimal("2.00"), None)
    client.force_login(alice)
    assert ">gone<" in _page(client, workspace)
    gone.delete()  # their takes stay, with nobody as their maker
    by_person = re.search(
        r'data-spend-by="person">(.*?)</table>', _page(client, workspace), re.S
    ).group(1)
    assert ">gone<" not in by_person
    assert by_person.count("<tr><td>—</td><td>2</td>") == 1


def test_a_take_deleted_after_the_page_was_computed_leaves_its_figures(
    client, ed, campaign, workspace
):
    shot = make_shot(campaign)
    _billed(shot, 1, Decimal("1.00"), ed)
    unbilled = make_take(shot, 2, S.FAILED, ed, billed=False, cost_estimate=Decimal("0.40"))
    client.force_login(ed)
    assert "2 takes;" in _page(client, workspace)
    unbilled.delete()  # known not billed: the only kind a take may be deleted as
    page = _page(client, workspace)
    assert "1 take;" in page and "failed and not billed: 0" in page
