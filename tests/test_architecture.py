"""The shape of the house (docs/architecture.md): small rooms, thin views. The layer rules
themselves are import-linter contracts in pyproject.toml, run by `make test` (lint-imports);
ruff's PLC0415 forbids imports inside functions outside tests."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_VIEW_LINES = 40


def _modules():
    for package in ("studio", "generation"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_400_lines():
    big = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert big == {}, f"split these by what they are about: {big}"


def test_no_view_is_over_40_lines():
    long = {}
    for path in sorted((ROOT / "studio" / "views").glob("*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Name)
                and d.id == "login_required"
                or isinstance(d, ast.Call | ast.Name | ast.Attribute)
                and "require" in ast.unparse(d)
                for d in node.decorator_list
            ):
                first = min([d.lineno for d in node.decorator_list] + [node.lineno])
                length = node.end_lineno - first + 1
                if length > MAX_VIEW_LINES:
                    long[f"{path.name}:{node.name}"] = length
    assert long == {}, f"views read input, call one domain function and render: {long}"


def test_generation_never_names_the_studio():
    """Not even inside a function or a string import (import-linter sees only imports)."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "generation").rglob("*.py")
        if "migrations" not in p.parts
        and any(
            isinstance(n, ast.Import | ast.ImportFrom)
            and any(
                (getattr(n, "module", None) or "").startswith("studio")
                or a.name.startswith("studio")
                for a in n.names
            )
            for n in ast.walk(ast.parse(p.read_text()))
        )
    ]
    assert offenders == []


def test_a_providers_identity_lives_in_one_place():
    from generation import catalog
    from generation.providers import REGISTRY

    assert set(REGISTRY) == set(catalog.PROVIDER_LABELS)
    for name, provider in REGISTRY.items():
        assert provider.name == name and provider.label == catalog.PROVIDER_LABELS[name]
    routed = {route.provider for model in catalog.MODELS.values() for route in model.routes}
    assert routed <= set(REGISTRY)


def test_the_studios_signals_listen_only_to_the_engine():
    """Signals run generation → studio; the studio calls itself directly (a decision or a hero
    choice recuts through studio.queue, not through a signal on its own tables). The studio's
    Take is the engine's Render seen from the studio (a proxy, no table): heard alike."""
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    from studio import signals

    heard = {
        (signal is post_save, model._meta.label)
        for signal in (post_save, post_delete)
        for model in apps.get_models()
        for receiver in signal._live_receivers(model)[0]
        if getattr(receiver, "__module__", "") == signals.__name__
    }
    assert heard == {
        (False, "generation.Render"),
        (True, "generation.Render"),
        (True, "generation.RenderEvent"),
        (False, "studio.Take"),
        (True, "studio.Take"),
    }


def test_the_engine_reads_no_studio_table():
    """import-linter sees imports, not ORM lookups: generation's code (its migrations aside)
    never filters across the shot into the studio's tables (a budget is summed by the account
    on the take)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "generation"
    crossing = re.compile(r"\bshot__|\"studio\.(?!Shot\")|apps\.get_model\(\s*\"studio\"")
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if crossing.search(line)
    ]
    assert found == [], found


def test_the_studio_reads_takes_through_its_take():
    """One home for the take: the studio's reads go through `Take` (its queryset says live,
    finished, of a campaign); only the engine's own bookkeeping names `Render.objects`."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "studio"
    allowed = {"management/commands/seed_workspace.py", "signals.py"}  # writes, not reads
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and str(path.relative_to(root)) not in allowed
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bRender\.objects\b|shot__deleted_at__isnull=True", line)
    ]
    assert found == [], found
