"""`manage.py catalog_check`: the catalog against the installed runware-sdk's model schemas."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from generation.catalog import freshness


class Command(BaseCommand):
    help = (
        "Compare the catalog's Runware rows with the installed runware-sdk's typed params: "
        "models, durations and resolutions missing, stale or deactivated. Exits 1 on a stale row."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            findings = freshness.check()
        except freshness.SDKUnavailable as error:
            raise CommandError(str(error)) from None
        for kind in (freshness.STALE, freshness.MISSING, freshness.DEACTIVATED):
            rows = [f for f in findings if f.kind == kind]
            self.stdout.write(f"{kind}: {len(rows)}")
            for finding in rows:
                self.stdout.write(f"  {finding}")
        stale = sum(1 for f in findings if f.kind == freshness.STALE)
        if stale:
            raise CommandError(f"{stale} row(s) name what the SDK no longer has: correct them.")
        self.stdout.write("The catalog names nothing the SDK no longer has.")
