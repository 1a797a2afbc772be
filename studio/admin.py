from django.contrib import admin

from studio.models import AuditEntry, Campaign, Comment, Decision, Membership, Shot, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "workspace", "status", "budget", "due_date"]
    list_filter = ["status", "workspace"]
    search_fields = ["name", "brief"]


@admin.register(Shot)
class ShotAdmin(admin.ModelAdmin):
    list_display = ["title", "campaign", "position", "model_key", "size", "seconds"]
    list_filter = ["model_key"]
    search_fields = ["title"]
    raw_id_fields = ["campaign", "hero_take"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["render", "author", "guest_name", "timecode_ms", "created_at", "resolved_at"]
    raw_id_fields = ["render", "parent", "author"]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["render", "reviewer", "verdict", "created_at"]
    list_filter = ["verdict"]
    raw_id_fields = ["render", "reviewer"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """For operators: every entry, those of no workspace too (sign-ins by unknown names).
    Read-only, as the database has it."""

    list_display = ["at", "workspace_id", "actor", "ip", "area", "action", "target"]
    list_filter = ["area"]
    search_fields = ["actor", "action", "target"]
    show_full_result_count = False  # a million rows: no COUNT(*) per page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
