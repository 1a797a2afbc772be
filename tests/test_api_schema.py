"""Schemathesis against the studio as `make run` starts it: every operation of the served
OpenAPI document, positive and negative examples, the coverage and fuzzing phases and the
stateful phase over the links it infers. No response may be a 5xx, every response must match
the document (status, content type, headers, body), and every check of schemathesis holds
(tests/schemathesis.toml says which rule answers 422)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.studio_process import StudioProcess

HERE = Path(__file__).resolve().parent
EXAMPLES = "6"  # per operation and phase: every operation is reached, the run stays ~1 minute


@pytest.fixture(scope="module")
def studio(tmp_path_factory):
    process = StudioProcess(tmp_path_factory.mktemp("api-schema"))
    process.env["STUDIO_API_RATE"] = "100000/m"  # the limit itself: tests/test_api.py
    process.start()
    yield process
    process.stop()


def test_every_operation_holds_to_the_served_schema(studio, tmp_path):
    made = studio.manage(
        "api_token", "--workspace", "demo", "--user", "owner",
        "--scopes", "read,generate,review,deliver,admin", "--name", "schemathesis",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    key = made.stdout.strip()
    schemathesis = Path(sys.executable).parent / "schemathesis"
    run = subprocess.run(
        [
            str(schemathesis), "--config-file", str(HERE / "schemathesis.toml"), "--no-color",
            "run", f"{studio.url}/api/v1/openapi.json",
            "--header", f"Authorization: Bearer {key}",
            "--checks", "all", "--mode", "all",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--max-examples", EXAMPLES, "--seed", "20261207",
            "--report", "junit", "--report-dir", str(tmp_path),
        ],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    said = run.stdout + run.stderr
    assert run.returncode == 0, said[-12000:]
    assert "Tested: 29" in said, said[-3000:]  # every operation was reached
    assert "5xx" not in said.split("SUMMARY")[-1]
