"""Personas and small helpers shared by every test module.

alice owns the workspace, ed edits, rita reviews, vic views; charlie belongs to another
workspace and is an outsider here.
"""

from __future__ import annotations

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.backends.sqlite3.base import DatabaseOperations as SqliteOperations
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from generation.jobs import signing
from studio.images import check_image
from studio.models import (
    Asset,
    Comment,
    Cut,
    CutStatus,
    Decision,
    Format,
    Invitation,
    Membership,
    Role,
    ShareLink,
    Spot,
    SpotStatus,
    Workspace,
    audit_triggers,
)
from studio.production import spots
from tests.factories import make_campaign, make_shot, make_take, make_user
from tests.fakes.chat_fake import API_KEY as CHAT_KEY
from tests.fakes.chat_fake import MODEL as CHAT_MODEL
from tests.fakes.chat_fake import ChatFake
from tests.gpu_fixtures import (  # noqa: F401 - the own-GPU fixtures
    comfy_cloud,
    comfy_fake,
    comfy_pair,
    video_servers,
)
from tests.images import upload
from tests.media_files import mp4


def _flush_the_audit_log_too(flush):
    """Between transactional tests the test database is emptied (Django's flush: DELETE on
    SQLite). The audit log's triggers refuse that, as they should in the product: here they are
    dropped for the flush and made again in the same transaction."""

    def sql_flush(self, style, tables, **kwargs):
        sql = flush(self, style, tables, **kwargs)
        if "studio_auditentry" not in tables:
            return sql
        return [*audit_triggers.SQLITE_DROP, *sql, *audit_triggers.SQLITE_CREATE]

    return sql_flush


SqliteOperations.sql_flush = _flush_the_audit_log_too(SqliteOperations.sql_flush)

# Hypothesis: a bounded profile for `make test`, a deep one on demand; the example database in
# the run's temporary folder (tests/settings.py), never in the repository.
_examples = DirectoryBasedExampleDatabase(os.path.join(os.environ["STUDIO_VAR_DIR"], "hypothesis"))
# "ci" is derandomized: the same examples every run, so a green build stays green; "deep"
# explores new ones (and remembers failures in the example database).
hypothesis_settings.register_profile(
    "ci", max_examples=12, derandomize=True, database=None, print_blob=True
)
hypothesis_settings.register_profile("deep", max_examples=400, database=_examples)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def workspace(db):
    return Workspace.objects.create(name="Northwind Coffee")


@pytest.fixture
def other_workspace(db):
    return Workspace.objects.create(name="Elsewhere Inc")


def _member(workspace, username, role):
    user = make_user(username)
    Membership.objects.create(workspace=workspace, user=user, role=role)
    return user


@pytest.fixture
def alice(workspace):
    return _member(workspace, "alice", Role.OWNER)


@pytest.fixture
def ed(workspace):
    return _member(workspace, "ed", Role.EDITOR)


@pytest.fixture
def rita(workspace):
    return _member(workspace, "rita", Role.REVIEWER)


@pytest.fixture
def vic(workspace):
    return _member(workspace, "vic", Role.VIEWER)


@pytest.fixture
def charlie(other_workspace):
    return _member(other_workspace, "charlie", Role.OWNER)


@pytest.fixture
def team(alice, ed, rita, vic, charlie):
    return {"owner": alice, "editor": ed, "reviewer": rita, "viewer": vic, "outsider": charlie}


@pytest.fixture
def campaign(workspace):
    return make_campaign(workspace, brief="Launch the new cold brew.")


@pytest.fixture
def shot(campaign):
    return make_shot(campaign, prompt={"scene": "Cold brew poured over ice"})


@pytest.fixture(scope="session")
def sample_mp4(tmp_path_factory, django_db_setup) -> bytes:
    """A real 4-second 1280×720 H.264 + AAC MP4, rendered once by the animatic."""
    from generation.media.animatic import render

    out = tmp_path_factory.mktemp("media") / "sample.mp4"
    spec = {
        "title": "Sample",
        "prompt": "A cup of coffee on a table.",
        "width": 1280,
        "height": 720,
        "seconds": 4,
        "audio": True,
        "structure": {"scene": "A cup of coffee on a table."},
    }
    render(spec, out, lambda percent: None)
    return out.read_bytes()


def _running_fake(fake, settings, **configure):
    """Start a fake provider, point the settings at it, stop it after, and fail the test if
    any request broke the documented contract."""
    fake.start()
    for name, value in configure.items():
        setattr(settings, name, value(fake) if callable(value) else value)
    settings.STUDIO_HTTP_TIMEOUT = 2
    yield fake
    fake.stop()
    assert fake.seen.violations == [], "requests broke the documented contract"


@pytest.fixture
def openai_fake(sample_mp4, settings):
    from tests.fakes.openai_fake import API_KEY, FakeOpenAI

    yield from _running_fake(
        FakeOpenAI(sample_mp4),
        settings,
        OPENAI_API_KEY=API_KEY,
        OPENAI_BASE_URL=lambda fake: fake.url,
    )


@pytest.fixture
def chat(settings):
    """The fake language model (tests/fakes/chat_fake.py), configured as the studio's planner;
    it waits 3 s on a "slow" brief, longer than the 1 s the studio gives it."""
    fake = ChatFake(slow_seconds=3).start()
    settings.STUDIO_LLM_BASE_URL = fake.url
    settings.STUDIO_LLM_API_KEY = CHAT_KEY
    settings.STUDIO_LLM_MODEL = CHAT_MODEL
    settings.STUDIO_LLM_TIMEOUT = 1.0
    yield fake
    fake.stop()


@pytest.fixture
def runware_fake(sample_mp4, settings):
    from tests.fakes.runware_fake import API_KEY, FakeRunware

    yield from _running_fake(
        FakeRunware(sample_mp4),
        settings,
        RUNWARE_API_KEY=API_KEY,
        RUNWARE_BASE_URL=lambda fake: fake.url,
    )


def configured_secrets(settings=None) -> list[str]:
    """The keys and webhook secrets the test run configures (tests/fakes, tests/test_webhooks)
    and whatever the settings hold now."""
    from django.conf import settings as live

    from tests.fakes.chat_hooks_fake import SLACK_SECRET, TEAMS_SECRET
    from tests.fakes.comfy_fake import TOKEN as COMFY_TOKEN
    from tests.fakes.openai_fake import API_KEY as OPENAI_KEY
    from tests.fakes.runware_fake import API_KEY as RUNWARE_KEY
    from tests.fakes.vllm_fake import KEY as VLLM_KEY
    from tests.fakes.webhook_keys import SECRET as WEBHOOK_SECRET
    from tests.oidc_server import CLIENT_SECRET as OIDC_SECRET

    found = {OPENAI_KEY, RUNWARE_KEY, WEBHOOK_SECRET, WEBHOOK_SECRET.removeprefix("whsec_")}
    found.add(CHAT_KEY)
    found.update({COMFY_TOKEN, VLLM_KEY})
    found.update({SLACK_SECRET, TEAMS_SECRET, OIDC_SECRET})
    for name in (
        "OPENAI_API_KEY",
        "RUNWARE_API_KEY",
        "OPENAI_WEBHOOK_SECRET",
        "STUDIO_LLM_API_KEY",
        "STUDIO_OIDC_CLIENT_SECRET",
    ):
        found.add(getattr(live, name, ""))
    return sorted(s for s in found if s and len(s) >= 8)


@pytest.fixture(autouse=True)
def _no_secret_leaks(request):
    """Every test: no configured key or webhook secret in any log record, page, header, task
    payload or value written to the database (tests/leaks.py)."""
    import logging

    from django.db import connection
    from django_q.signals import pre_enqueue

    from tests import leaks

    recorder = leaks.reset()
    root = logging.getLogger()
    root.addHandler(leaks.HANDLER)
    pre_enqueue.connect(leaks.record_task, dispatch_uid="leak-recorder")
    secrets_before = configured_secrets()
    with connection.execute_wrapper(leaks.record_sql):
        yield recorder
    root.removeHandler(leaks.HANDLER)
    pre_enqueue.disconnect(dispatch_uid="leak-recorder")
    if request.node.get_closest_marker("leaks_on_purpose"):
        return
    found = recorder.leaks(set(secrets_before) | set(configured_secrets()))
    assert not found, "a secret leaked:\n" + "\n".join(found[:5])


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttles and heartbeats live in the cache: every test starts with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _throwaway_var_dir():
    """tests/settings.py points STUDIO_VAR_DIR at a fresh temporary folder; remove it after."""
    import shutil

    from django.conf import settings

    yield
    if settings.VAR_DIR.name.startswith("reelroom-test-"):
        shutil.rmtree(settings.VAR_DIR, ignore_errors=True)


# The access matrix's world (tests/access_matrix.py): every persona and one of everything.
@pytest.fixture
def ctx(team, workspace, campaign):
    make_user("newcomer")
    target_user = make_user("tess")
    target = Membership.objects.create(workspace=workspace, user=target_user, role=Role.VIEWER)
    first = make_shot(campaign, title="First")
    shot = make_shot(campaign, title="Second")
    image = upload(size=(1000, 1000))
    shot.set_reference(image, check_image(image))
    shot.record_version(team["owner"], "first version")
    take = make_take(
        shot,
        prompt_text="A cup.",
        video_key=default_storage.save("access/take.mp4", ContentFile(mp4(b"access"))),
    )
    signing.sign(take.pk)  # its delivered copy, as the store phase makes it
    take.refresh_from_db()
    link, token = ShareLink.create(
        campaign=campaign, days=3, allow_download=True, allow_decisions=True
    )
    # The take is approved and serves the campaign's one format: the package holds it.
    decision = Decision.objects.create(render=take, reviewer=team["owner"], verdict="approved")
    fmt = Format.objects.create(campaign=campaign, name="YouTube", aspect="16:9")
    cut = Cut.objects.create(
        campaign=campaign, format=fmt, status=CutStatus.COMPLETED, signature="s", width=1280,
        height=720, video_key=take.video_key,
    )  # fmt: skip
    opening = make_take(
        first, prompt_text="A door.",
        video_key=default_storage.save("access/first.mp4", ContentFile(mp4(b"first"))),
    )  # fmt: skip
    signing.sign(opening.pk)
    Decision.objects.create(render=opening, reviewer=team["owner"], verdict="approved")
    # The campaign's current spot of the format (as the renderer leaves it), shown to guests.
    spot = Spot.objects.create(
        campaign=campaign, format=fmt, status=SpotStatus.COMPLETED,
        signature=spots.plan(campaign, fmt).signature, duration_ms=8000,
        video_key=take.video_key, thumbnail_key=take.video_key, vtt_key=take.video_key,
        srt_key=default_storage.save("access/spot.srt", ContentFile(b"")),
    )  # fmt: skip
    asset_image = upload(size=(400, 400))
    asset = Asset.objects.create(
        workspace=workspace, name="Logo", kind="logo", width=400, height=400, sha256="0" * 64,
        image_key=default_storage.save("access/logo.png", asset_image),
    )  # fmt: skip
    return {
        "decision": decision,
        "format": fmt,
        "cut": cut,
        "spot": spot,
        "asset": asset,
        "take": take,
        "comment": Comment.objects.create(render=take, author=team["owner"], body="First!"),
        "guest_comment": Comment.objects.create(
            render=take, guest_name="Cleo", body="Lovely.", share_link=link, visible_to_guests=True
        ),
        "link": link,
        "token": token,
        "invitation": Invitation.open(workspace, "joiner@example.com", "viewer", team["owner"]),
        "team": team,
        "workspace": workspace,
        "campaign": campaign,
        "shot": shot,
        "target": target,
    }
