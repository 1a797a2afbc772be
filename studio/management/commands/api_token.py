"""`manage.py api_token`: an API token from the command line (bootstrapping automation, or a
token for a deployment's own scripts). Prints the key once; only its hash is kept.

    python manage.py api_token --workspace demo-studio --user owner --scopes read,generate
    python manage.py api_token --workspace demo-studio --service --scopes read --name "DAM sync"
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from studio.models import Membership, Scope, TokenKind, Workspace
from studio.team import tokens


class Command(BaseCommand):
    help = "Make an API token (personal, or the workspace's service account's) and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--user", help="the member a personal token acts as")
        parser.add_argument("--service", action="store_true", help="a service account's token")
        parser.add_argument("--scopes", default="read", help=f"comma-separated: {Scope.values}")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--name", default="Command line")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"No workspace {options['workspace']!r}.")
        scopes = [s.strip() for s in options["scopes"].split(",") if s.strip()]
        if unknown := set(scopes) - set(Scope.values):
            raise CommandError(f"Unknown scopes {sorted(unknown)}; known: {Scope.values}.")
        if options["service"]:
            by, role, kind = None, "owner", TokenKind.SERVICE
        else:
            by = get_user_model().objects.filter(username=options["user"] or "").first()
            membership = Membership.objects.filter(workspace=workspace, user=by).first()
            if membership is None:
                raise CommandError("Name a member of the workspace with --user, or --service.")
            role, kind = membership.role, TokenKind.PERSONAL
        try:
            made = tokens.make(
                workspace, by, name=options["name"], scopes=scopes, days=options["days"],
                kind=kind, role=role,
            )  # fmt: skip
        except tokens.TokenError as error:
            raise CommandError(error.message) from None
        self.stdout.write(made.key)
