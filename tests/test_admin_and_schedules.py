from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django_q.models import Schedule

from generation.models import Render


def test_migrate_creates_the_schedules_once(db):
    names = set(Schedule.objects.values_list("name", flat=True))
    assert {"reelroom-sweep", "reelroom-daily-digest"} <= names
    sweep = Schedule.objects.get(name="reelroom-sweep")
    assert (sweep.func, sweep.schedule_type, sweep.minutes) == (
        "generation.tasks.sweep_loop",
        Schedule.MINUTES,
        1,
    )
    from generation.tasks import ensure_schedules

    ensure_schedules()
    assert Schedule.objects.filter(name="reelroom-sweep").count() == 1


@pytest.mark.parametrize("model", ["workspace", "campaign", "shot", "comment", "decision"])
def test_operators_can_browse_the_admin(client, shot, model):
    admin = get_user_model().objects.create_superuser("op", "op@example.com", "pw")
    Render.objects.create(
        shot=shot,
        take=1,
        model_key="animatic",
        provider="animatic",
        size="1280x720",
        seconds=4,
        prompt_text="p",
        title=shot.title,  # every take carries its shot's title as it was asked for
    )
    client.force_login(admin)
    assert client.get(reverse(f"admin:studio_{model}_changelist")).status_code == 200
    response = client.get(reverse("admin:generation_render_changelist"))
    assert response.status_code == 200 and "Take 1 of Hero pour" in response.content.decode()
