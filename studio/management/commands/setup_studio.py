"""Make sure a demo workspace and an owner account exist; print the login the first time."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from generation import catalog
from generation.prompts import SEED_TEMPLATES, template_prompt
from generation.provenance import keys
from studio.management import first_login
from studio.models import Campaign, CampaignStatus, Format, Membership, Role, Shot, Workspace

DEMO_WORKSPACE = "Demo Studio"


class Command(BaseCommand):
    help = "Create the demo workspace and an owner account if they are missing."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("STUDIO_OWNER_USERNAME", "owner"))
        parser.add_argument(
            "--defer-login",
            action="store_true",
            help="Keep a new owner's login for runstudio to show once the studio is up.",
        )

    @transaction.atomic
    def handle(self, *args, username: str, defer_login: bool = False, **options):
        workspace, _ = Workspace.objects.get_or_create(
            slug="demo", defaults={"name": DEMO_WORKSPACE}
        )
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = os.environ.get("STUDIO_OWNER_PASSWORD") or secrets.token_urlsafe(12)
            user = User.objects.create_user(
                username=username, password=password, email=f"{username}@example.com"
            )
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            if defer_login:
                first_login.keep(username, password)
                self.stdout.write("Owner account created; the login shows once the studio is up.")
            else:
                self.stdout.write(self.style.SUCCESS(first_login.box(username, password)))
        else:
            self.stdout.write(f"Owner account '{username}' exists; log in with its password.")
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Role.OWNER}
        )
        if keys.uses_local():  # Content Credentials work offline from the first take
            self.stdout.write(
                f"Content Credentials: the local test signer ({keys.ensure_local()}) — valid, "
                "trusted by nobody; see docs/provenance.md for a trusted one."
            )
        if not workspace.campaigns.exists():
            create_demo_campaign(workspace, user)
            self.stdout.write("Demo campaign “Northwind Coffee — Cold Brew launch” created.")


DEMO_SHOTS = [
    ("Bean to cup", "coffee-timeline"),
    ("One continuous push-in", "continuity-test"),
    ("Product hero", "product-commercial"),
    ("Morning ritual", "screenwriter-narrative"),
]


def create_demo_campaign(workspace, user) -> Campaign:
    """A coffee brand's launch, its shots built from the seed examples, so a newcomer's first
    screen is a real board with real structured prompts and a timeline."""
    campaign = Campaign.objects.create(
        workspace=workspace,
        name="Northwind Coffee — Cold Brew launch",
        brief="Launch Northwind's new cold brew for spring: four vertical spots for social, "
        "warm and premium, ending on the cup and the logo.",
        product="Northwind Cold Brew",
        tagline="Slow brewed. Poured cold.",
        call_to_action="Find it at northwind.example",
        status=CampaignStatus.PLANNING,  # it follows the work from the first take
        budget=Decimal("250.00"),
        due_date=timezone.localdate() + timedelta(days=21),
        brand_style="Premium, warm and unhurried; natural textures",
        brand_palette="amber, espresso brown, cream",
        brand_sound="gentle acoustic guitar",
        brand_banned_words="cheap, instant",
        created_by=user,
    )
    Format.objects.create(campaign=campaign, name="Reels", aspect="9:16", position=1)
    Format.objects.create(campaign=campaign, name="YouTube", aspect="16:9", position=2)

    animatic = catalog.require(catalog.DEFAULT_MODEL)
    for position, (title, key) in enumerate(DEMO_SHOTS, start=1):
        seed = SEED_TEMPLATES[key]
        shot = Shot.objects.create(
            campaign=campaign,
            position=position,
            title=title,
            prompt=template_prompt(key),
            model_key=animatic.key,
            size=seed["size"],
            seconds=seed["seconds"],
        )
        shot.record_version(
            user,
            shot.compiled_prompt(),
            note=f"From the example “{seed['label']}”",
        )
    return campaign
