"""The owner's first login: kept (owner-readable only, under STUDIO_VAR_DIR) from the moment
`setup_studio --defer-login` makes the account until `runstudio` has shown it, boxed, once the
studio answers; then forgotten."""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings


def _path() -> Path:
    return Path(settings.VAR_DIR) / "first-login.json"


def keep(username: str, password: str) -> None:
    path = _path()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"username": username, "password": password}, handle)


def take() -> tuple[str, str] | None:
    """The kept login, once: the file is removed as it is read."""
    path = _path()
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    path.unlink(missing_ok=True)
    return data.get("username", ""), data.get("password", "")


def box(username: str, password: str | None, url: str = "http://127.0.0.1:8000/") -> str:
    lines = [f"Reelroom is ready: {url}"]
    if password:
        lines += [
            f"Log in as {username}, password {password}",
            "(shown this once: store it now)",
        ]
    else:
        lines.append(f"Log in as {username} with its password.")
    lines.append(f"Reset it: .venv/bin/python manage.py changepassword {username}")
    width = max(len(line) for line in lines)
    rule = "─" * (width + 2)
    body = "\n".join(f"│ {line.ljust(width)} │" for line in lines)
    return f"\n┌{rule}┐\n{body}\n└{rule}┘\n"
