"""Sign-off as the team changes (issue 34, points 5–6): a member removed from the workspace, or
moved below reviewer, approves nothing any more — her decisions stay in the take's history,
marked, she leaves the required approvers with a note on the campaign, and every status says
the truth at once; a decision identical to one's standing one is not recorded twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from studio.models import Campaign, CampaignStatus, Decision, Membership
from studio.review.states import with_approvals
from tests.factories import delivered_campaign, zip_of

pytestmark = pytest.mark.django_db


def _membership(user, workspace):
    return Membership.objects.get(user=user, workspace=workspace)


def _package_names(client, campaign):
    response = client.get(reverse("studio:package_download", args=[campaign.pk]))
    if response.status_code == 404:  # nothing approved: no package
        return []
    archive = zip_of(response)
    return [n for n in archive.namelist() if n.endswith(".mp4")]


@pytest.mark.parametrize("how", ["removed", "made viewer"])
def test_a_member_who_leaves_no_longer_approves(client, alice, rita, workspace, campaign, how):
    approved, _ = delivered_campaign(campaign, rita)  # rita's approvals are the only ones
    client.force_login(alice)
    assert len(_package_names(client, campaign)) == 3
    membership = _membership(rita, workspace)
    if how == "removed":
        url = reverse("studio:member_remove", args=[workspace.slug, membership.pk])
        response = client.post(url, follow=True)
    else:
        url = reverse("studio:member_role", args=[workspace.slug, membership.pk])
        response = client.post(url, {"role": "viewer"}, follow=True)
    assert "Their approvals no longer count (1 campaign updated)." in response.content.decode()
    # Nothing of hers counts: no take approved, nothing delivered, the campaign not approved.
    assert [t.approval.label for t in with_approvals(approved)] == ["To review"] * 3
    assert _package_names(client, campaign) == []
    campaign.refresh_from_db()
    assert campaign.status != CampaignStatus.APPROVED
    grid = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert 'data-status="approved"' not in grid
    # Her decisions stay in the history, marked.
    assert Decision.objects.count() == 0 and Decision.history.count() == 3
    page = client.get(reverse("studio:take_page", args=[approved[0].pk])).content.decode()
    assert "no longer counts" in page and "rita was " in page


def test_a_required_approver_who_leaves_is_dropped_with_a_note(
    client, alice, ed, rita, workspace, campaign
):
    approved, _ = delivered_campaign(campaign, rita)
    campaign.approvers.set([rita, ed])
    for take in approved:
        Decision.objects.create(render=take, reviewer=ed, verdict="approved")
    client.force_login(alice)
    assert len(_package_names(client, campaign)) == 3  # both required approvers approved
    client.post(
        reverse("studio:member_remove", args=[workspace.slug, _membership(rita, workspace).pk])
    )
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert list(campaign.approvers.all()) == [ed]
    assert "rita is no longer a required approver: removed from the workspace" in (
        campaign.approvers_note
    )
    board = client.get(campaign.get_absolute_url()).content.decode()
    assert 'id="approvers-note"' in board and "no longer a required approver" in board
    # ed, the one required approver left, approved: the takes stay approved and delivered.
    assert [t.approval.label for t in with_approvals(approved)] == ["Approved"] * 3
    assert len(_package_names(client, campaign)) == 3
    # Saving the campaign's sign-off clears the note.
    edit = reverse("studio:campaign_edit", args=[campaign.pk])
    assert "no longer a required approver" in client.get(edit).content.decode()
    client.post(edit, {"name": campaign.name, "status": campaign.status, "approvers": [ed.pk]})
    assert Campaign.objects.get(pk=campaign.pk).approvers_note == ""


def test_raising_a_role_withdraws_nothing(client, alice, rita, workspace, campaign):
    approved, _ = delivered_campaign(campaign, rita)
    client.force_login(alice)
    url = reverse("studio:member_role", args=[workspace.slug, _membership(rita, workspace).pk])
    response = client.post(url, {"role": "editor"}, follow=True)
    assert "no longer count" not in response.content.decode()
    assert Decision.objects.count() == 3


def test_selecting_all_never_records_a_decision_twice(client, rita, campaign):
    approved, waiting = delivered_campaign(campaign, rita)
    client.force_login(rita)
    ids = [t.pk for t in [*approved, waiting]]
    response = client.post(
        reverse("studio:decide_selected"), {"take": ids, "verdict": "approved"}, follow=True
    )
    html = response.content.decode()
    assert f"Take {waiting.take} approved." in html
    assert "3 already had this decision of yours." in html
    assert Decision.objects.filter(reviewer=rita).count() == 4  # one each, none twice
    grid = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    assert "Select all to review" in grid
    again = client.post(reverse("studio:decide_selected"), {"take": ids, "verdict": "approved"})
    assert again.status_code == 302 and Decision.objects.filter(reviewer=rita).count() == 4
    # A different verdict, or a new note, is a new decision.
    decide = reverse("studio:take_decide", args=[waiting.pk])
    client.post(decide, {"verdict": "approved", "note": "Better now"})
    assert Decision.objects.filter(reviewer=rita).count() == 5


def test_the_grid_marks_only_undecided_cells_to_review(client, rita, campaign):
    approved, waiting = delivered_campaign(campaign, rita)
    client.force_login(rita)
    grid = client.get(reverse("studio:deliverables", args=[campaign.pk])).content.decode()
    boxes = [part.split(">")[0] for part in grid.split('name="take" value="')[1:]]
    to_review = [box.split('"')[0] for box in boxes if "data-to-review" in box]
    assert to_review == [str(waiting.pk)]
