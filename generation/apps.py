from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self):
        from generation import signals

        post_migrate.connect(_after_migrate, sender=self)
        post_delete.connect(signals.delete_render_media, sender="generation.Render")


def _after_migrate(sender, **kwargs):
    from generation.tasks import ensure_schedules

    ensure_schedules()
