"""Uploading a ComfyUI workflow as a model of the catalog: the graph in API format, the slots
bound to its node inputs, the sizes and lengths it makes, its frame rule and its price in
GPU-seconds. Everything is checked against the graph before anything is saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction

from generation.models import BoundWorkflow, FrameRule
from generation.own_gpus import workflows

MAX_SIDE = 4096


def _sizes(value: str, rule: str) -> list[str]:
    sizes = []
    multiple = 32 if rule == FrameRule.LTX else 8
    for part in value.replace(",", " ").split():
        width, x, height = part.lower().partition("x")
        if not (x and width.isdigit() and height.isdigit()):
            raise forms.ValidationError(f"“{part}” is not a size: write it as 1280x704.")
        w, h = int(width), int(height)
        if not (64 <= w <= MAX_SIDE and 64 <= h <= MAX_SIDE):
            raise forms.ValidationError(f"{part}: each side must be 64 to {MAX_SIDE} pixels.")
        if w % multiple or h % multiple:
            raise forms.ValidationError(
                f"{part}: this model's sides must be multiples of {multiple} pixels."
            )
        sizes.append(f"{w}x{h}")
    if not sizes:
        raise forms.ValidationError("Name at least one size the workflow makes.")
    return list(dict.fromkeys(sizes))


def _durations(value: str) -> list[int]:
    found = []
    for part in value.replace(",", " ").split():
        if not part.isdigit() or not 1 <= int(part) <= 60:
            raise forms.ValidationError(f"“{part}” is not a length of 1 to 60 seconds.")
        found.append(int(part))
    if not found:
        raise forms.ValidationError("Name at least one length in seconds.")
    return sorted(set(found))


class WorkflowForm(forms.Form):
    label = forms.CharField(
        max_length=80, help_text="As the catalog names it, e.g. LTX-2 on our GPUs."
    )
    key = forms.SlugField(
        max_length=40, help_text="Its model key is comfy-<key>; a new version needs a new key."
    )
    graph = forms.FileField(
        label="Workflow (API format)",
        help_text="In ComfyUI: Workflow → Export (API). The editor's own save is refused.",
    )
    bindings = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="One per line: slot = node.input, e.g. prompt = 6.text. Slots: "
        + ", ".join(workflows.SLOTS)
        + ".",
    )
    sizes = forms.CharField(max_length=300, help_text="Width x height, e.g. 1280x704 704x1280.")
    durations = forms.CharField(max_length=100, help_text="Seconds, e.g. 3 5.")
    fps = forms.IntegerField(initial=24, validators=[MinValueValidator(1), MaxValueValidator(60)])
    frame_rule = forms.ChoiceField(choices=FrameRule.choices, initial=FrameRule.ANY)
    rate_per_gpu_second = forms.DecimalField(
        label="Price per GPU-second ($)",
        initial=Decimal(0),
        min_value=Decimal(0),
        max_value=Decimal(1),
        decimal_places=5,
        help_text="What the team counts a second of its GPU at (0: free).",
    )
    gpu_seconds_per_second = forms.DecimalField(
        label="GPU-seconds per second of video",
        initial=Decimal(30),
        min_value=Decimal("0.1"),
        max_value=Decimal(10000),
        decimal_places=2,
        help_text="The estimate a hard budget is checked against; each take records its own.",
    )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"].lower()
        if BoundWorkflow.objects.filter(key=key).exists():
            raise forms.ValidationError("A workflow has this key already; choose another.")
        return key

    def clean_graph(self) -> dict[str, Any]:
        upload = self.cleaned_data["graph"]
        if upload.size > workflows.MAX_BYTES:
            raise forms.ValidationError("The workflow is larger than 2 MB.")
        try:
            return workflows.read_graph(upload.read())
        except workflows.WorkflowError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_bindings(self) -> dict[str, list[str]]:
        try:
            return workflows.read_bindings(self.cleaned_data["bindings"])
        except workflows.WorkflowError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "graph" in data and "bindings" in data:
            try:
                workflows.check(data["graph"], data["bindings"])
            except workflows.WorkflowError as error:
                self.add_error("bindings", str(error))
        rule = data.get("frame_rule", FrameRule.ANY)
        for name, read in (("sizes", lambda v: _sizes(v, rule)), ("durations", _durations)):
            if name in data:
                try:
                    data[name] = read(data[name])
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return data

    @transaction.atomic
    def save(self, user: Any) -> BoundWorkflow:
        fields = {name: self.cleaned_data[name] for name in self.fields}
        return BoundWorkflow.objects.create(**fields, created_by=user)
