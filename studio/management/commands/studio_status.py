"""`manage.py studio_status`: what the queue and the takes look like now — queue depth, worker
clusters, takes in flight per provider and state, the oldest take not yet final."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.status import Stat

from generation.models import IN_FLIGHT
from studio.models import Take


class Command(BaseCommand):
    help = "Print queue depth, clusters, takes in flight per provider and the oldest open take."

    def handle(self, *args, **options):
        now = timezone.now()
        broker = get_broker()
        self.stdout.write(f"queue {broker.list_key}: {broker.queue_size()} task(s) waiting")
        clusters = Stat.get_all(broker=broker)
        self.stdout.write(f"clusters: {len(clusters)}")
        for stat in clusters:
            age = (now - stat.timestamp).total_seconds()
            self.stdout.write(
                f"  {stat.cluster_id} on {stat.host}: {stat.status}, "
                f"{len(stat.workers)} workers, heartbeat {age:.0f} s ago"
            )
        rows = (
            Take.objects.filter(status__in=IN_FLIGHT)
            .values("provider", "status")
            .annotate(n=Count("pk"))
            .order_by("provider", "status")
        )
        total = sum(r["n"] for r in rows)
        self.stdout.write(f"takes in flight: {total}")
        for row in rows:
            self.stdout.write(f"  {row['provider']:<10} {row['status']:<12} {row['n']}")
        oldest = Take.objects.filter(status__in=IN_FLIGHT).order_by("created_at").first()
        if oldest is None:
            self.stdout.write("oldest open take: none")
            return
        age = (now - oldest.created_at).total_seconds()
        self.stdout.write(
            f"oldest open take: {oldest.pk} ({oldest.provider}, {oldest.status}, job "
            f"{oldest.provider_job_id or '-'}), {age:.0f} s old"
        )
