from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_q.models import Schedule

from tests.factories import make_take


def test_migrate_creates_the_schedules_once_and_the_sweep_needs_none(db):
    """The sweep runs in every cluster's main process, not from the schedule: migrate removes
    the minute schedule that restarted the old chain of sweep tasks."""
    Schedule.objects.create(name="reelroom-sweep", func="generation.tasks.sweep", minutes=1)
    from generation.tasks import ensure_schedules

    ensure_schedules()
    names = set(Schedule.objects.values_list("name", flat=True))
    assert "reelroom-daily-digest" in names
    assert "reelroom-sweep" not in names


@pytest.mark.parametrize("model", ["workspace", "campaign", "shot", "comment", "decision"])
def test_operators_can_browse_the_admin(client, shot, model):
    admin = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    # Every take carries its shot's title as it was asked for.
    make_take(shot, status="queued", stored=False, title=shot.title)
    client.force_login(admin)
    assert client.get(reverse(f"admin:studio_{model}_changelist")).status_code == 200
    response = client.get(reverse("admin:generation_render_changelist"))
    assert response.status_code == 200 and "Take 1 of Hero pour" in response.content.decode()
