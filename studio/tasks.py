"""Studio tasks run by the django-q2 cluster."""

from __future__ import annotations


def send_digests() -> int:
    from studio.review import send_digests as send

    return send()


def ensure_schedules(**kwargs) -> None:
    """The daily digest, created once by name (after every migrate)."""
    from django_q.models import Schedule

    Schedule.objects.update_or_create(
        name="reelroom-daily-digest",
        defaults={
            "func": "studio.tasks.send_digests",
            "schedule_type": Schedule.DAILY,
            "repeats": -1,
        },
    )
