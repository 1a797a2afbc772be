"""Run test modules again on PostgreSQL (`make test` does, for the access, fuzz and
hostile-input suites): several holes show only there (PostgreSQL refuses NUL in text, closes a
connection that SQLite's in-memory database keeps). PostgreSQL on 127.0.0.1:5432 is the
machine's; without it the run says so and passes, except on CI (CI=true), which has it.

    python -m tests.postgres_suites tests/test_access.py ...
"""

from __future__ import annotations

import os
import subprocess
import sys

from tests.services import PG

DATABASE = "reelroom_hostile"  # pytest-django makes and drops test_reelroom_hostile


def reachable() -> str:
    """'' when PostgreSQL answers, else why not."""
    try:
        import psycopg

        psycopg.connect(dbname="postgres", connect_timeout=3, **PG).close()
    except Exception as error:
        return str(error)
    return ""


def main(paths: list[str]) -> int:
    problem = reachable()
    if problem:
        print(f"PostgreSQL on 127.0.0.1:5432 is not reachable ({problem}).")
        if os.environ.get("CI") == "true":
            return 1
        print("The suites ran on SQLite only; start PostgreSQL to run them there too.")
        return 0
    url = f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{DATABASE}"
    print(f"On PostgreSQL: {' '.join(paths)}", flush=True)
    command = [sys.executable, "-m", "pytest", "--create-db", "-p", "no:cacheprovider", *paths]
    return subprocess.call(command, env={**os.environ, "DATABASE_URL": url})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
