from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_migrate, post_save


class StudioConfig(AppConfig):
    name = "studio"
    verbose_name = "Studio"

    def ready(self):
        # Django's way: modules that use models are imported once the registry is ready.
        from studio import signals, tasks  # noqa: PLC0415
        from studio.team import audit_hooks, chat_hooks, sso  # noqa: PLC0415

        # The company's sign-in sets the membership first: the audit entry of the sign-in is
        # then written in the workspace it gave.
        user_logged_in.connect(sso.follow_the_groups)
        audit_hooks.connect()
        chat_hooks.connect()

        post_migrate.connect(lambda **kwargs: tasks.ensure_schedules(), sender=self, weak=False)
        post_save.connect(signals.follow_the_work, sender="generation.RenderEvent")
        post_save.connect(signals.split_the_one_take, sender="generation.RenderEvent")
        # A take saved or deleted as the engine's Render or as the studio's Take (a proxy sends
        # its own sender): the same bookkeeping either way.
        for take in ("generation.Render", "studio.Take"):
            post_delete.connect(signals.delete_unused_reference, sender=take)
            post_save.connect(signals.spend_of_take, sender=take)
            post_delete.connect(signals.spend_of_take, sender=take)
        post_save.connect(signals.spend_of_transition, sender="generation.RenderEvent")
