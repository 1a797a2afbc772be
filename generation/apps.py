from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate


class GenerationConfig(AppConfig):
    name = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        # Django's way: modules that use models are imported once the registry is ready.
        from generation import catalog, signals, tasks  # noqa: PLC0415
        from generation.own_gpus import offered, servers  # noqa: PLC0415
        from generation.provenance import checks  # noqa: F401, PLC0415 - registers the check

        catalog.register(offered.PREFIX, offered.one, offered.every)
        catalog.register(servers.PREFIX, servers.one, servers.every)
        post_migrate.connect(lambda **kwargs: tasks.ensure_schedules(), sender=self, weak=False)
        post_delete.connect(signals.delete_render_media, sender="generation.Render")
