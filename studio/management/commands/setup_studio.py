"""Make sure a demo workspace and an owner account exist; print the login the first time."""

from __future__ import annotations

import os
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from studio.models import Membership, Role, Workspace

DEMO_WORKSPACE = "Demo Studio"


class Command(BaseCommand):
    help = "Create the demo workspace and an owner account if they are missing."

    def add_arguments(self, parser):
        parser.add_argument("--username", default=os.environ.get("STUDIO_OWNER_USERNAME", "owner"))

    @transaction.atomic
    def handle(self, *args, username: str, **options):
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
            self.stdout.write(
                self.style.SUCCESS(
                    "\n  Reelroom owner account created. Log in at http://127.0.0.1:8000/\n"
                    f"    username: {username}\n    password: {password}\n"
                    "  This is shown once; change it with "
                    f"`.venv/bin/python manage.py changepassword {username}`.\n"
                )
            )
        else:
            self.stdout.write(f"Owner account '{username}' exists; log in with its password.")
        Membership.objects.get_or_create(
            workspace=workspace, user=user, defaults={"role": Role.OWNER}
        )
