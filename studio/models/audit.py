"""The audit log: who changed money, approvals, access, settings, exports and deletions, when,
from where and what changed. Append-only: the database itself refuses to update or delete a
row (triggers made by migration 0023, on SQLite and PostgreSQL). Rows older than the retention
cut-off may be deleted, and only after an `AuditPurge` row says so (`manage.py audit_purge`).

The rows name things by id and by the words they had, never by foreign key: deleting a
workspace, a person or a campaign must not touch the log (a cascade or SET NULL would be an
UPDATE or DELETE the triggers refuse)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Area(models.TextChoices):
    MONEY = "money", "Money"
    APPROVALS = "approvals", "Approvals"
    ACCESS = "access", "Access"
    SETTINGS = "settings", "Settings"
    EXPORTS = "exports", "Exports"
    DELETIONS = "deletions", "Deletions"


class AuditEntry(models.Model):
    at = models.DateTimeField(default=timezone.now)
    # The workspace it happened in (none for a sign-in by an unknown name).
    workspace_id = models.BigIntegerField(null=True, blank=True)
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor = models.CharField(max_length=200)
    ip = models.GenericIPAddressField(null=True, blank=True)
    area = models.CharField(max_length=16, choices=Area)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["workspace_id", "-id"], name="audit_by_workspace"),
            models.Index(fields=["workspace_id", "area", "-id"], name="audit_by_area"),
            models.Index(fields=["workspace_id", "actor", "-id"], name="audit_by_actor"),
            models.Index(fields=["at"], name="audit_by_time"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.target}"

    def changes_said(self) -> list[tuple[str, str]]:
        """Each change as words: "before → after", or the value recorded."""
        return [
            (name, " → ".join(map(_said, value)) if _pair(value) else _said(value))
            for name, value in self.changes.items()
        ]


def _pair(value) -> bool:
    return isinstance(value, list) and len(value) == 2


def _said(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


class AuditPurge(models.Model):
    """A retention cut-off: entries from before `before` may be deleted (the triggers allow a
    DELETE of those and of nothing else)."""

    before = models.DateTimeField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-before"]

    def __str__(self) -> str:
        return f"entries before {self.before:%Y-%m-%d} may go"
