"""The audit log (issue 39, point 6): what is recorded through the real entry points (money,
approvals and their undo, access, sign-ins and failed ones, settings, exports, deletions), with
who, when, from where and what changed; the database refusing to change or delete an entry (on
SQLite here, on PostgreSQL in `make test-postgres`); the owners' page, its filters, its paging
and its formula-safe CSV; the retention purge."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from studio.models import AuditEntry, AuditPurge, Membership, ShareLink
from studio.team import audit_log
from tests.factories import PASSWORD, make_take


def entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("id"))


def audit_url(workspace, **query) -> str:
    url = reverse("studio:audit_log", args=[workspace.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --------------------------------------------------------------------------- append-only


def test_the_database_refuses_to_change_or_delete_an_entry(workspace):
    entry = AuditEntry.objects.create(
        workspace_id=workspace.pk, actor="alice", area="money", action="budget.changed"
    )
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET actor = 'mallory'", f"DELETE FROM {table}"):
        with (
            pytest.raises(IntegrityError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor="mallory")
    with pytest.raises(IntegrityError), transaction.atomic():
        entry.delete()
    entry.refresh_from_db()
    assert entry.actor == "alice"


def test_a_retention_cut_off_cannot_reach_into_the_last_month(workspace):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditPurge.objects.create(before=timezone.now() - timedelta(days=10))
    cutoff = AuditPurge.objects.create(before=timezone.now() - timedelta(days=400))
    for change in (
        lambda: cutoff.delete(),
        lambda: AuditPurge.objects.update(before=timezone.now()),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            change()


def test_the_purge_removes_entries_past_the_retention_and_nothing_younger(workspace, settings):
    settings.STUDIO_AUDIT_RETENTION_DAYS = 365
    now = timezone.now()
    for days in (800, 400, 300, 1):
        AuditEntry.objects.create(
            workspace_id=workspace.pk, actor="x", area="access", action=f"d{days}",
            at=now - timedelta(days=days),
        )  # fmt: skip
    assert audit_log.purge() == 2
    assert sorted(AuditEntry.objects.values_list("action", flat=True)) == ["d1", "d300"]
    assert audit_log.purge() == 0  # nothing more to do: no cut-off written for nothing


# --------------------------------------------------------------------------- what is recorded


def test_a_budget_change_says_who_from_where_and_before_and_after(client, alice, campaign):
    client.force_login(alice)
    client.post(
        reverse("studio:campaign_edit", args=[campaign.pk]),
        {
            "name": campaign.name,
            "budget": "250.00",
            "status": "planning",
            "status_follows_work": "on",
        },
        REMOTE_ADDR="203.0.113.7",
    )
    (entry,) = entries("budget.changed")
    assert (entry.area, entry.actor, entry.actor_id, entry.ip) == (
        "money", "alice", alice.pk, "203.0.113.7",
    )  # fmt: skip
    assert entry.changes == {"budget (USD)": [None, "250.00"]}
    assert entry.workspace_id == campaign.workspace_id


def test_takes_requested_record_their_price(ed, campaign, shot, django_capture_on_commit_callbacks):
    from studio.shots import editing

    with django_capture_on_commit_callbacks(execute=True):
        (take,) = editing.request_takes(shot, ed)
    (entry,) = entries("take.requested")
    assert entry.area == "money" and entry.changes["model"] == shot.model_key
    assert Decimal(entry.changes["estimate (USD)"]) == take.cost_estimate


def test_decisions_and_their_undo(client, rita, ed, shot):
    take = make_take(shot, user=ed)
    client.force_login(rita)
    client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    decision = take.decisions.get()
    client.post(reverse("studio:decision_undo", args=[decision.pk]))
    made, undone = entries("decision.made")[0], entries("decision.undone")[0]
    assert made.actor == undone.actor == "rita" and made.area == "approvals"
    assert made.changes["verdict"] == "approved" and undone.target == f"take {take.pk}"


def test_access_changes_are_recorded(client, alice, vic, workspace, campaign):
    client.force_login(alice)
    start = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    membership = Membership.objects.get(user=vic)
    client.post(
        reverse("studio:member_role", args=[workspace.slug, membership.pk]), {"role": "reviewer"}
    )
    client.post(
        reverse("studio:member_add", args=[workspace.slug]),
        {"email": "new@example.com", "role": "viewer"},
    )
    client.post(
        reverse("studio:share_links", args=[campaign.pk]),
        {"label": "Client", "days": "7", "preset": "review"},
    )
    link = ShareLink.objects.get()
    client.post(reverse("studio:share_revoke", args=[campaign.pk, link.pk]))
    client.post(reverse("studio:member_remove", args=[workspace.slug, membership.pk]))
    (role,) = entries("member.role_changed")
    assert role.target == "vic" and role.changes == {"role": ["viewer", "reviewer"]}
    assert entries("invitation.sent")[0].target == "new@example.com"
    assert [e.target for e in entries("link.created")] == ["guest link “Client”"]
    assert entries("link.revoked") and entries("member.removed")[0].target == "vic"
    done_here = AuditEntry.objects.filter(area="access", id__gt=start)
    assert {e.actor for e in done_here} == {"alice"}  # the fixtures' members were "system"


def test_sign_ins_and_failed_sign_ins_are_recorded(client, alice, workspace):
    client.post(
        reverse("login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR="198.51.100.9"
    )
    client.post(reverse("login"), {"username": "nobody-here", "password": "x"})
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    failed = entries("sign_in.failed")
    assert [(e.target, e.workspace_id, e.ip) for e in failed] == [
        ("alice", workspace.pk, "198.51.100.9"),
        ("nobody-here", None, "127.0.0.1"),  # an unknown name: in no workspace's log
    ]
    assert entries("sign_in")[0].actor == "alice"


def test_exports_and_deletions_are_recorded(client, alice, campaign, shot):
    client.force_login(alice)
    b"".join(
        client.get(
            reverse("studio:campaign_spend", args=[campaign.pk]), {"format": "csv"}
        ).streaming_content
    )
    client.post(reverse("studio:shot_delete", args=[campaign.pk, shot.pk]))
    assert entries("exported")[0].target == f"spend of “{campaign.name}” (CSV)"
    deleted = entries("shot.deleted")[0]
    assert deleted.area == "deletions" and shot.title in deleted.target


def test_deleting_the_workspace_keeps_its_log(alice, workspace, campaign):
    before = AuditEntry.objects.count()
    workspace.delete()  # memberships, campaigns: recorded as they go, nothing refused
    assert AuditEntry.objects.count() > before
    assert AuditEntry.objects.filter(action="member.removed", target="alice").exists()


# --------------------------------------------------------------------------- the owners' page


def test_only_owners_read_the_log(client, alice, ed, workspace, charlie):
    for user, status in ((alice, 200), (ed, 403), (charlie, 404)):
        client.force_login(user)
        assert client.get(audit_url(workspace)).status_code == status


def test_filters_and_paging_keep_the_queries_constant(
    client, alice, workspace, django_assert_max_num_queries
):
    AuditEntry.objects.bulk_create(
        AuditEntry(
            workspace_id=workspace.pk, actor="ed" if n % 2 else "rita",
            area="money" if n % 3 == 0 else "approvals", action=f"a.{n}", target=f"t{n}",
            at=timezone.now() - timedelta(days=n),
        )
        for n in range(250, 0, -1)  # written as time passes: the newest last
    )  # fmt: skip
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        page = client.get(audit_url(workspace)).content.decode()
    assert page.count("data-audit-action=") == 100 and 'id="audit-older"' in page
    older = AuditEntry.objects.filter(workspace_id=workspace.pk).order_by("-id")[99].pk
    with django_assert_max_num_queries(8):
        second = client.get(audit_url(workspace, before=older)).content.decode()
    assert "a.101" in second and 'a.1"' not in second
    only = client.get(audit_url(workspace, area="money", actor="ed")).content.decode()
    shown = only.count("data-audit-action=")
    assert shown == len([n for n in range(1, 251) if n % 3 == 0 and n % 2])
    since = (timezone.now() - timedelta(days=5)).date().isoformat()
    recent = client.get(audit_url(workspace, since=since)).content.decode()
    assert 4 <= recent.count('data-audit-action="a.') <= 6
    bad = client.get(audit_url(workspace, since="2026-12-31", until="2026-01-01"))
    assert bad.status_code == 422 and "must not be after" in bad.content.decode()


def test_the_csv_is_formula_safe_and_its_export_is_recorded(client, alice, workspace):
    AuditEntry.objects.create(
        workspace_id=workspace.pk, actor="=HYPERLINK(\"http://x\")", area="settings",
        action="format.added", target="+cmd|' /C calc'!A0", changes={"name": "@SUM(1)"},
    )  # fmt: skip
    client.force_login(alice)
    response = client.get(audit_url(workspace, format="csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["at (UTC)", "who", "from"]
    (row,) = [r for r in rows[1:] if r[4] == "format.added"]
    assert row[1].startswith("'=") and row[5].startswith("'+")
    assert entries("audit.exported")[0].actor == "alice"


def test_a_date_filter_finds_every_entry_of_the_day_whatever_the_clocks(client, alice, workspace):
    """Two web servers' clocks a few minutes apart write entries whose times are not in id
    order around midnight: the day's filter still finds exactly the day's entries."""
    midnight = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    offsets = [-30, -3, 2, -1, 4, -2, 60 * 24 + 1, 60 * 24 - 1]  # minutes from midnight
    for n, minutes in enumerate(offsets):
        AuditEntry.objects.create(
            workspace_id=workspace.pk, actor="x", area="access", action=f"skew.{n}",
            at=midnight + timedelta(minutes=minutes),
        )  # fmt: skip
    client.force_login(alice)
    day = midnight.date().isoformat()
    page = client.get(audit_url(workspace, since=day, until=day, action="skew")).content.decode()
    shown = {n for n, m in enumerate(offsets) if f'data-audit-action="skew.{n}"' in page}
    assert shown == {n for n, m in enumerate(offsets) if 0 <= m < 60 * 24}


def test_hostile_filters_are_refused_plainly(client, alice, workspace):
    client.force_login(alice)
    for query in (
        {"before": "99999999999999999999"},
        {"since": "0001-01-01"},
        {"until": "9999-12-31"},
        {"since": "2026-02-30"},
        {"actor": "a\x00b"},
        {"area": "everything"},
    ):
        response = client.get(reverse("studio:audit_log", args=[workspace.slug]), query)
        assert response.status_code == 422, query
