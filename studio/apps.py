from django.apps import AppConfig
from django.db.models.signals import post_migrate


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Studio"

    def ready(self):
        post_migrate.connect(_after_migrate, sender=self)


def _after_migrate(sender, **kwargs):
    from studio.tasks import ensure_schedules

    ensure_schedules()
