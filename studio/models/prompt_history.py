"""A shot's prompt history (a version per save, compared and restored) and the workspace's
reusable prompt templates. Shots are passed in (typed as models), never imported: the shot
module imports this one."""

from __future__ import annotations

import difflib
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.utils import timezone

from generation import catalog, prompts, text
from studio.models.team import Workspace


class Prompted(Protocol):
    """What a version or a template reads of a shot (the Shot imports this module, so it is
    named by what it has, not imported)."""

    prompt: dict
    model_key: str
    size: str
    seconds: int
    campaign: Any

    def compiled_prompt(self) -> str: ...


class PromptVersion(models.Model):
    """Every save of a shot's prompt, so any earlier version can be compared and restored."""

    shot = models.ForeignKey("studio.Shot", on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    prompt = text.CleanJSONField(default=dict)
    compiled_text = models.TextField(blank=True)
    model_key = models.CharField(max_length=64)
    size = models.CharField(max_length=16)
    seconds = models.PositiveSmallIntegerField()
    note = text.LineField(max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["shot", "number"], name="one_version_number_per_shot")
        ]

    def __str__(self) -> str:
        return f"v{self.number} of {self.shot}"

    def diff(
        self, shot: Prompted
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str | int, str | int]]]:
        """This version against the shot as it is now: the compiled text line by line
        (removed / added / same) and the settings that changed."""
        kinds = {"-": "removed", "+": "added", " ": "same"}
        lines = [
            (kinds[line[0]], line[2:])
            for line in difflib.ndiff(
                self.compiled_text.splitlines(), shot.compiled_prompt().splitlines()
            )
            if line[0] in kinds
        ]
        settings_changes = [
            (label, old, new)
            for label, old, new in (
                ("Model", self.model_key, shot.model_key),
                ("Size", self.size, shot.size),
                ("Seconds", self.seconds, shot.seconds),
            )
            if old != new
        ]
        return lines, settings_changes

    def same_as(self, shot: Prompted) -> bool:
        return (self.prompt, self.model_key, self.size, self.seconds) == (
            shot.prompt,
            shot.model_key,
            shot.size,
            shot.seconds,
        )


class PromptTemplate(models.Model):
    """A shot's prompt saved for reuse across the workspace."""

    workspace = models.ForeignKey(
        Workspace, on_delete=models.CASCADE, related_name="prompt_templates"
    )
    name = text.LineField(max_length=120)
    prompt = text.CleanJSONField(default=dict)
    model_key = models.CharField(max_length=64)
    size = models.CharField(max_length=16)
    seconds = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def save_from(cls, shot: Prompted, name: str, user) -> PromptTemplate:
        return cls.objects.create(
            workspace_id=shot.campaign.workspace_id,
            name=name,
            prompt=shot.prompt,
            model_key=shot.model_key,
            size=shot.size,
            seconds=shot.seconds,
            created_by=user,
        )

    @classmethod
    def choice(cls, choice: str, workspace_id: int, model_key: str) -> dict | None:
        """The template picker's value: "seed:<key>" (a seed example, made with the shot's
        model when it is offered) or "ws:<id>" (this workspace's template)."""
        kind, _, key = choice.partition(":")
        if kind == "seed" and key in prompts.SEED_TEMPLATES:
            seed = prompts.SEED_TEMPLATES[key]
            model = catalog.get(model_key)
            return {
                "label": seed["label"],
                "prompt": prompts.template_prompt(key),
                "model_key": model_key if model and model.offered else catalog.DEFAULT_MODEL,
                "size": seed["size"],
                "seconds": seed["seconds"],
            }
        pk = int(key) if kind == "ws" and key.isascii() and key.isdigit() and len(key) < 19 else 0
        template = cls.objects.filter(pk=pk, workspace_id=workspace_id).first()
        if template is None:
            return None
        return {
            "label": template.name,
            "prompt": template.prompt,
            "model_key": template.model_key,
            "size": template.size,
            "seconds": template.seconds,
        }
