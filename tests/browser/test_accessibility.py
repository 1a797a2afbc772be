"""axe-core (axe-playwright-python) on every main page: no serious or critical violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from studio.models import ShareLink
from studio.production.deliverables import add_format
from tests.factories import make_take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def serious(page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {_where(v['nodes'])}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _where(nodes) -> list:
    """The first few elements at fault, with axe's words on why."""
    return [(n["target"], (n.get("failureSummary") or "")[:240]) for n in nodes[:3]]


def test_main_pages_have_no_serious_accessibility_violations(page, log_in, alice, campaign, shot):
    take = make_take(shot)
    make_take(shot, take=2)
    _link, token = ShareLink.create(campaign=campaign, days=1)
    add_format(campaign, "YouTube", "16:9")
    add_format(campaign, "Reels", "9:16")
    found = {}
    page.goto("/login/")
    found["/login/"] = serious(page)
    log_in("alice")
    for path in (
        "/",
        "/c/new/",
        f"/c/{campaign.pk}/edit/",
        f"/c/{campaign.pk}/",
        shot.get_absolute_url(),
        f"/takes/{take.pk}/",
        f"/compare/?a={take.pk}&b={take.pk + 1}",
        "/review/",
        f"/c/{campaign.pk}/activity/",
        f"/c/{campaign.pk}/share/",
        f"/w/{campaign.workspace.slug}/members/",
        f"/s/{token}/",
        f"/s/{token}/takes/{take.pk}/",
        f"/c/{campaign.pk}/grid/",
        f"/c/{campaign.pk}/grid/missing/",
        f"/c/{campaign.pk}/storyboard/",
        f"/c/{campaign.pk}/deliver/",
        f"/c/{campaign.pk}/spend/",
        f"/w/{campaign.workspace.slug}/spend/",
        f"/w/{campaign.workspace.slug}/assets/",
    ):
        page.goto(path)
        found[path] = serious(page)
    assert {path: v for path, v in found.items() if v} == {}
