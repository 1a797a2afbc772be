"""Shared builders of the test suite: a shot editor's form data, generating through the
editor, takes as rows or through the whole pipeline, guest links, a delivered campaign. One
home, imported by test modules (never from another test module)."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
import zipfile
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from generation.jobs import signing
from generation.models import Render, RenderStatus
from studio.models import Campaign, Decision, Shot, Workspace
from studio.production.deliverables import add_format
from studio.shots import editing
from tests.media_files import mp4
from tests.pipeline import settle

S = RenderStatus
PASSWORD = "correct horse battery staple"


def make_user(username: str, **extra):
    return get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=PASSWORD, **extra
    )


def make_campaign(workspace: Workspace, name: str = "Spring launch", **fields) -> Campaign:
    return Campaign.objects.create(workspace=workspace, name=name, **fields)


def make_shot(campaign: Campaign, title: str = "Hero pour", **fields) -> Shot:
    fields.setdefault("position", campaign.next_shot_position())
    return Shot.objects.create(campaign=campaign, title=title, **fields)


def editor_data(**overrides):
    data = {
        "title": "Hero pour",
        "model_key": "animatic",
        "size": "1280x720",
        "seconds": "4",
        "mode": "layers",
        "scene": "Cold brew is poured over ice in a tall glass.",
        "subject": "A tall glass of cold brew",
        "beats": "The coffee swirls into the ice",
        "camera_movement": "slow push-in",
        "camera_lens_mm": "85",
        "camera_framing": "CU",
        "camera_depth_of_field": "f/2.0",
        "camera_angle": "eye level",
        "lighting_direction": "window light from the left",
        "lighting_quality": "soft",
        "lighting_color_temperature": "warm",
        "audio_dialogue": "Mia (excited): It's here!",
        "audio_sfx": "ice cracking",
        "audio_ambience": "quiet cafe",
        "audio_music": "soft acoustic guitar",
        "style_film_reference": "premium commercial",
        "style_grade": "warm",
        "style_palette": "amber",
        "variations": "1",
        "seg-TOTAL_FORMS": "0",
        "seg-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def generate(client, shot, capture, **overrides):
    """Save and generate through the editor's form, as a person would: (response, data sent).
    A fresh batch key unless one is given."""
    data = editor_data(**{"batch_key": str(uuid.uuid4()), **overrides})
    with capture(execute=True):
        response = client.post(
            reverse("studio:shot_generate", args=[shot.campaign_id, shot.pk]), data
        )
    return response, data


def make_take(shot, take=1, status=S.COMPLETED, user=None, *, stored=None, **fields) -> Render:
    """A take as a row, as the tests set one up (`tests.pipeline.request_take` asks for one
    through the real path instead): the animatic's, 4 s at 1280x720 unless `fields` say
    otherwise; a completed one has an MP4 in storage (`stored=False`: none, `True`: one
    whatever its status)."""
    values = {
        "model_key": "animatic",
        "provider": "animatic",
        "size": "1280x720",
        "seconds": 4,
        "prompt_text": "A cup of cold brew.",
        "completed_at": timezone.now() if status == S.COMPLETED else None,
        "created_by": user,
        "budget_account": shot.campaign_id,
        **fields,
    }
    render = Render.objects.create(shot=shot, take=take, status=status, **values)
    if (status == S.COMPLETED if stored is None else stored) and not render.video_key:
        render.video_key = default_storage.save(f"t/{render.pk}.mp4", ContentFile(mp4(b"x")))
        render.save(update_fields=["video_key"])
    return render


def completed_take(shot, user, capture, **shot_fields):
    for name, value in shot_fields.items():
        setattr(shot, name, value)
    shot.save()
    with capture(execute=True):
        (take,) = editing.request_takes(shot, user)
    (take,) = settle(capture, [take])
    assert take.status == S.COMPLETED
    return take


def guest(token, *parts):
    return (
        reverse("studio:guest_take", args=[token, *parts])
        if parts
        else reverse("studio:guest_entry", args=[token])
    )


def stored_take(shot, take, size, data: bytes, **fields) -> Render:
    """A completed take stored as the pipeline stores one: the video (an MP4 carrying `data`)
    and its signed copy."""
    data = mp4(data)
    key = default_storage.save(f"t/{shot.pk}-{take}-{size}.mp4", ContentFile(data))
    made = Render.objects.create(
        shot=shot, take=take, model_key=fields.pop("model_key", "animatic"),
        provider=fields.pop("provider", "animatic"), size=size, seconds=4,
        prompt_text=f"Prompt as sent for {shot.title} take {take}.", status=S.COMPLETED,
        video_key=key, bytes=len(data), sha256=hashlib.sha256(data).hexdigest(),
        width=int(size.split("x")[0]), height=int(size.split("x")[1]), billed=True,
        budget_account=shot.campaign_id, **fields,
    )  # fmt: skip
    signing.sign(made.pk)
    made.refresh_from_db()
    return made


def delivered_campaign(campaign, rita):
    add_format(campaign, "YouTube", "16:9")
    add_format(campaign, "Reels", "9:16")
    pour = make_shot(campaign, title="Hero pour")
    sip = make_shot(campaign, title="The sip!")
    approved = [
        stored_take(pour, 1, "1280x720", b"pour wide " * 100, provider_job_id="job-1"),
        stored_take(pour, 2, "720x1280", b"pour tall " * 90, provider_job_id="job-2"),
        stored_take(sip, 1, "1280x720", b"sip wide " * 80, cost_actual=Decimal("0.5")),
    ]
    waiting = stored_take(sip, 2, "720x1280", b"sip tall, not approved")
    for take in approved:
        Decision.objects.create(render=take, reviewer=rita, verdict="approved", note="Lovely")
    return approved, waiting


def zip_of(response) -> zipfile.ZipFile:
    body = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(body)
    return zipfile.ZipFile(io.BytesIO(body))


def form_fields(html: str) -> dict:
    """The form as the browser would send it back (inputs, textareas, the hidden layers)."""
    data = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        data[name] = value.replace("&quot;", '"').replace("&amp;", "&").replace("&#x27;", "'")
    for name, value in re.findall(
        r'<textarea[^>]*name="([^"]+)"[^>]*>\n?(.*?)</textarea>', html, re.S
    ):
        data[name] = value.replace("&amp;", "&").replace("&#x27;", "'").replace("&quot;", '"')
    data.pop("csrfmiddlewaretoken", None)
    for tag in re.findall(r'<input type="checkbox"[^>]*>', html):  # ticked boxes send "on"
        name = re.search(r'name="([^"]+)"', tag).group(1)
        if " checked" in tag:
            data[name] = "on"
        else:
            data.pop(name, None)  # unticked boxes are not sent
    return data
