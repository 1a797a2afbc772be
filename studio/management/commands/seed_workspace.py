"""`manage.py seed_workspace`: a workspace the size of a busy studio's year, for measuring the
pages at scale (bench/scale.py uses it) — by default 100 campaigns × 100 shots × 10 takes
(100 000 takes), with their events (created, sent, rendering, stored), comments on one take in
five and decisions on one in three, a few takes of each campaign still in flight. Written in
batches with bulk inserts (a minute or two on PostgreSQL); the takes' media are not made (the
pages never read them).

    python manage.py seed_workspace --campaigns 100 --shots 100 --takes 10 --owner alice
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from generation.models import EventKind, Render, RenderEvent, RenderStatus
from studio.models import Campaign, Comment, Decision, Membership, Shot, Workspace

BATCH = 5000
S = RenderStatus


class Command(BaseCommand):
    help = "Seed a big workspace (campaigns × shots × takes, with events, comments, decisions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--campaigns", type=int, default=100)
        parser.add_argument("--shots", type=int, default=100, help="per campaign")
        parser.add_argument("--takes", type=int, default=10, help="per shot")
        parser.add_argument("--owner", default="owner", help="the owner's username (made)")
        parser.add_argument("--name", default="Scale")

    def handle(self, *args: Any, **options: Any) -> None:
        users = get_user_model().objects
        owner = users.filter(username=options["owner"]).first() or users.create_user(
            options["owner"], password=None
        )
        reviewer = users.create_user(f"{options['owner']}-reviewer", password=None)
        with transaction.atomic():
            workspace = Workspace.objects.create(name=options["name"])
            Membership.objects.create(workspace=workspace, user=owner, role="owner")
            Membership.objects.create(workspace=workspace, user=reviewer, role="reviewer")
        made = 0
        for number in range(1, options["campaigns"] + 1):
            with transaction.atomic():
                made += self._campaign(
                    workspace, number, options["shots"], options["takes"], owner, reviewer
                )
        self.stdout.write(
            f"seeded workspace {workspace.slug} ({workspace.pk}): {options['campaigns']} "
            f"campaigns, {made} takes, owner {owner.get_username()}"
        )

    def _campaign(
        self, workspace: Workspace, number: int, shots: int, takes: int, owner: Any, reviewer: Any
    ) -> int:
        campaign = Campaign.objects.create(
            workspace=workspace,
            name=f"Campaign {number}",
            brief=f"Launch {number}: cold brew in a can, for people who run at dawn.",
            budget=Decimal("5000"),
        )
        made_shots = Shot.objects.bulk_create(
            Shot(
                campaign=campaign,
                title=f"Shot {i}",
                position=i,
                seconds=4,
                prompt={"scene": f"Campaign {number}, shot {i}: a can on a wet rock at dawn."},
            )
            for i in range(1, shots + 1)
        )
        start = timezone.now() - timedelta(days=number)
        renders = [
            self._take(shot, t, takes, start + timedelta(seconds=shot.position * 60 + t), owner)
            for shot in made_shots
            for t in range(1, takes + 1)
        ]
        renders = Render.objects.bulk_create(renders, batch_size=BATCH)
        RenderEvent.objects.bulk_create(
            (event for render in renders for event in _events(render)), batch_size=BATCH
        )
        Comment.objects.bulk_create(
            (
                Comment(
                    render=render,
                    author=reviewer,
                    body=f"Hold the can a beat longer (take {render.take}).",
                    timecode_ms=1200,
                    created_at=render.created_at + timedelta(minutes=5),
                )
                for render in renders[::5]
                if render.status == S.COMPLETED
            ),
            batch_size=BATCH,
        )
        Decision.objects.bulk_create(
            (
                Decision(
                    render=render,
                    reviewer=reviewer,
                    verdict="approved" if render.take % 2 else "changes_requested",
                    created_at=render.created_at + timedelta(minutes=10),
                )
                for render in renders[::3]
                if render.status == S.COMPLETED
            ),
            batch_size=BATCH,
        )
        return len(renders)

    @staticmethod
    def _take(shot: Shot, take: int, takes_per_shot: int, at: Any, owner: Any) -> Render:
        # The last take of every tenth shot (the first, the eleventh…) is still rendering; one
        # in fifty failed.
        rendering = take == takes_per_shot and shot.position % 10 == 1
        failed = not rendering and (shot.position * 10 + take) % 50 == 0
        status = S.IN_PROGRESS if rendering else S.FAILED if failed else S.COMPLETED
        return Render(
            shot=shot,
            take=take,
            created_by=owner,
            budget_account=shot.campaign_id,
            model_key="sora-2",
            provider="openai",
            provider_model="sora-2",
            provider_job_id=f"video_{shot.pk}_{take}",
            size="1280x720",
            seconds=4,
            prompt_text=f"{shot.prompt['scene']} Take {take}.",
            status=status,
            progress=40 if rendering else 100,
            next_poll_at=at + timedelta(days=400) if rendering else None,
            billed=status == S.COMPLETED,
            cost_estimate=Decimal("0.40"),
            cost_actual=Decimal("0.40") if status == S.COMPLETED else None,
            video_key=f"seed/{shot.pk}/take-{take}.mp4" if status == S.COMPLETED else "",
            thumbnail_key=f"seed/{shot.pk}/take-{take}.jpg" if status == S.COMPLETED else "",
            duration_ms=4000 if status == S.COMPLETED else None,
            error_code="content_policy" if failed else "",
            error_message="The provider refused the prompt." if failed else "",
            created_at=at,
            submitted_at=at,
            completed_at=at + timedelta(minutes=2) if status == S.COMPLETED else None,
        )


def _events(render: Render) -> list[RenderEvent]:
    at = render.created_at
    steps = [("", S.QUEUED, EventKind.CREATED), (S.QUEUED, S.SUBMITTING, EventKind.TRANSITION)]
    steps.append((S.SUBMITTING, S.IN_PROGRESS, EventKind.TRANSITION))
    if render.status == S.COMPLETED:
        steps += [(S.IN_PROGRESS, S.STORING, EventKind.TRANSITION)]
        steps += [(S.STORING, S.COMPLETED, EventKind.TRANSITION)]
    elif render.status == S.FAILED:
        steps.append((S.IN_PROGRESS, S.FAILED, EventKind.TRANSITION))
    return [
        RenderEvent(
            render=render,
            at=at + timedelta(seconds=20 * i),
            from_status=before,
            to_status=after,
            kind=kind,
            detail={},
        )
        for i, (before, after, kind) in enumerate(steps)
    ]
