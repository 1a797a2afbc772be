from django.contrib import admin

from generation.models import Render, RenderEvent


class RenderEventInline(admin.TabularInline):  # type: ignore[type-arg]  # generic only in stubs
    model = RenderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "from_status", "to_status", "kind", "detail"]


@admin.register(Render)
class RenderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic only in stubs
    list_display = [
        "__str__",
        "model_key",
        "provider",
        "status",
        "progress",
        "billed",
        "cost_actual",
        "created_at",
    ]
    list_filter = ["status", "provider", "model_key"]
    search_fields = ["provider_job_id", "idempotency_key"]
    raw_id_fields = ["shot", "remix_of", "created_by"]
    readonly_fields = ["idempotency_key"]
    inlines = [RenderEventInline]
