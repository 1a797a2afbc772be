"""Content Credentials on everything the studio delivers (issue 23), read back with c2pa-python's
Reader: read at ingest, the provider's credentials delivered byte for byte, takes signed as made
by their model, the animatic as the studio's own creation, a rough cut as a composite of its
takes, the burned-in label, the package's sidecars, the verify page, the keys."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import c2pa
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core import checks
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from generation import media
from generation.jobs import signing
from generation.models import Render, RenderStatus
from generation.provenance import keys, manifests
from studio.models import Decision
from studio.production import cuts
from studio.production.deliverables import add_format
from studio.review.decisions import choose_hero
from tests.factories import make_shot, stored_take, zip_of
from tests.images import upload
from tests.pipeline import request_take, settle

pytestmark = pytest.mark.django_db
S = RenderStatus


def stored_bytes(key: str) -> bytes:
    with default_storage.open(key, "rb") as handle:
        return handle.read()


def store_of(data: bytes) -> dict:
    with c2pa.Reader("video/mp4", io.BytesIO(data)) as reader:
        return json.loads(reader.json())


def active(store: dict) -> dict:
    return store["manifests"][store["active_manifest"]]


def actions(manifest: dict) -> list[dict]:
    return [
        action
        for assertion in manifest["assertions"]
        if assertion["label"].startswith("c2pa.actions")
        for action in assertion["data"]["actions"]
    ]


@pytest.fixture
def provider_ca(tmp_path):
    """A provider's own signing certificate (another CA than the studio's), as files."""
    chain, key = keys.split(keys.make_bundle("Fake media service", "Fake Sora"))
    (tmp_path / "chain.pem").write_bytes(chain)
    (tmp_path / "key.pem").write_bytes(key)
    ca = chain[chain.index(b"-----END CERTIFICATE-----") + 26 :]
    (tmp_path / "ca.pem").write_bytes(ca)
    return tmp_path


def provider_signed(sample: bytes, ca: Path, settings) -> bytes:
    """`sample` signed as the provider's media service would sign it."""
    (ca / "in.mp4").write_bytes(sample)
    chain, key = settings.STUDIO_C2PA_CERT_CHAIN, settings.STUDIO_C2PA_PRIVATE_KEY
    settings.STUDIO_C2PA_CERT_CHAIN = str(ca / "chain.pem")
    settings.STUDIO_C2PA_PRIVATE_KEY = str(ca / "key.pem")
    made = manifests.Made("video_1", "sora-2", "OpenAI media service")
    manifests.sign_take(ca / "in.mp4", ca / "signed.mp4", made)
    settings.STUDIO_C2PA_CERT_CHAIN, settings.STUDIO_C2PA_PRIVATE_KEY = chain, key
    return (ca / "signed.mp4").read_bytes()


@pytest.fixture
def sora_shot(shot):
    shot.model_key, shot.size, shot.seconds = "sora-2", "1280x720", 4
    shot.prompt = {"scene": "A cup of cold brew on a sunlit table."}
    shot.save()
    return shot


def test_a_take_with_its_provider_s_credentials_is_recorded_and_delivered_byte_for_byte(
    client, ed, rita, sora_shot, openai_fake, provider_ca, settings, sample_mp4,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    openai_fake.video_bytes = provider_signed(sample_mp4, provider_ca, settings)
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.status == S.COMPLETED
    assert take.credentials["state"] == "valid" and take.credentials["signer"] == "Fake Sora signer"
    assert stored_bytes(take.video_key) == openai_fake.video_bytes  # kept untouched
    assert take.delivered() == {}  # nothing signed on the path to playable
    client.force_login(ed)
    page = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert "Credentials</dt><dd" in page and "signed by Fake Sora signer" in page
    add_format(sora_shot.campaign, "YouTube", "16:9")
    client.force_login(rita)
    with django_capture_on_commit_callbacks(execute=True):  # approving asks for its copy
        client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    take.refresh_from_db()
    assert take.delivered()["key"] == take.video_key  # delivered as received
    archive = zip_of(client.get(reverse("studio:package_download", args=[take.shot.campaign_id])))
    record = json.loads(archive.read("spring-launch/manifest.json"))
    (entry,) = record["files"]
    assert archive.read(entry["path"]) == openai_fake.video_bytes
    assert entry["credentials"]["delivered"] == "the provider's credentials, unchanged"
    assert entry["watermark"].startswith("Visible moving Sora watermark")
    # With the provider's CA among the trust anchors, its signature is trusted.
    settings.STUDIO_C2PA_TRUST_ANCHORS = str(provider_ca / "ca.pem")
    summary, _ = manifests.read_stream(io.BytesIO(openai_fake.video_bytes))
    assert summary.state == "trusted"


def test_a_take_without_credentials_is_signed_as_made_by_its_model(
    client, ed, sora_shot, openai_fake, django_capture_on_commit_callbacks
):
    take = request_take(sora_shot, ed, django_capture_on_commit_callbacks)
    (take,) = settle(django_capture_on_commit_callbacks, [take])
    assert take.credentials["state"] == "none"
    signing.sign(take.pk)  # the queue's task, as an approval or a delivery asks for it
    take.refresh_from_db()
    copy = take.delivered()
    assert copy["key"] != take.video_key and copy["local"] is True
    store = store_of(stored_bytes(copy["key"]))
    manifest = active(store)
    assert manifest["claim_generator_info"][0]["name"] == "Reelroom"
    (created,) = actions(manifest)
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    assert created["softwareAgent"]["name"] == "Sora 2"
    assert created["parameters"]["org.reelroom.job_id"] == take.provider_job_id
    assert len(created["parameters"]["org.reelroom.prompt_sha256"]) == 64
    client.force_login(ed)
    page = client.get(reverse("studio:take_page", args=[take.pk])).content.decode()
    assert "none: Reelroom signs it at delivery" in page


def test_an_animatic_take_is_signed_as_the_studio_s_own_creation(
    ed, shot, django_capture_on_commit_callbacks
):
    (take,) = settle(
        django_capture_on_commit_callbacks,
        [request_take(shot, ed, django_capture_on_commit_callbacks)],
    )
    signing.sign(take.pk)
    take.refresh_from_db()
    (created,) = actions(active(store_of(stored_bytes(take.delivered()["key"]))))
    assert created["digitalSourceType"].endswith("/digitalCreation")
    assert "not AI-generated" in created["description"]


def test_a_rough_cut_lists_its_takes_as_ingredients_with_their_manifests(
    ed, campaign, django_capture_on_commit_callbacks
):
    fmt = add_format(campaign, "YouTube", "16:9")
    takes = []
    for title in ("Pour", "Sip"):
        take = stored_take(make_shot(campaign, title=title), 1, "1280x720", title.encode(),
                           model_key="sora-2", provider="openai")  # fmt: skip
        choose_hero(take, ed)
        takes.append(take)
    with django_capture_on_commit_callbacks(execute=False):
        cut = cuts.request_cut(campaign, fmt)
    cuts.render_cut(cut.pk)
    cut.refresh_from_db()
    store = store_of(stored_bytes(cut.video_key))
    manifest = active(store)
    ingredients = manifest["ingredients"]
    assert [i["title"] for i in ingredients] == ["Pour, take 1", "Sip, take 1"]
    assert all(i["relationship"] == "componentOf" for i in ingredients)
    for ingredient, take in zip(ingredients, takes, strict=True):
        own = store["manifests"][ingredient["active_manifest"]]
        assert actions(own)[0]["softwareAgent"]["name"] == "Sora 2"  # the take's own manifest
        assert (
            ingredient["active_manifest"]
            == active(store_of(stored_bytes(take.delivered()["key"])))["label"]
        )
    done = actions(manifest)
    assert done[0]["digitalSourceType"].endswith("/compositeWithTrainedAlgorithmicMedia")
    assert [a["action"] for a in done[1:]] == ["c2pa.placed", "c2pa.placed"]
    with c2pa.Reader("video/mp4", io.BytesIO(stored_bytes(cut.video_key))) as reader:
        assert reader.get_validation_state() == "Valid"


def _flip_in_mdat(data: bytes) -> bytes:
    at = data.index(b"mdat") + 400  # inside the picture, past the box's header
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


def test_the_verify_page_shows_the_tree_and_one_flipped_byte_fails(client, ed, shot):
    take = stored_take(shot, 1, "1280x720", b"verify me", model_key="sora-2", provider="openai")
    signed = stored_bytes(take.delivered()["key"])
    client.force_login(ed)
    url = reverse("studio:verify")
    good = client.post(url, {"video": SimpleUploadedFile("a.mp4", signed)}).content.decode()
    assert 'data-state="valid"' in good and "Valid, not trusted" in good
    assert "local test signer" in good and "trainedAlgorithmicMedia" in good
    assert "Claim generator</dt><dd>Reelroom" in good
    bad = client.post(url, {"video": SimpleUploadedFile("a.mp4", _flip_in_mdat(signed))})
    html = bad.content.decode()
    assert 'data-state="invalid"' in html and "do not validate" in html
    assert "Validation errors" in html
    # Picked from the studio: the take as delivered; an outsider's pick is not found.
    page = client.get(url, {"take": take.pk, "copy": "signed"}).content.decode()
    assert "the copy delivered" in page and 'data-state="valid"' in page


def test_the_verify_page_checks_uploads_by_content_and_hides_others_takes(
    client, ed, shot, charlie
):
    take = stored_take(shot, 1, "1280x720", b"mine")
    client.force_login(ed)
    url = reverse("studio:verify")
    png = upload(size=(20, 20)).read()
    refused = client.post(url, {"video": SimpleUploadedFile("movie.mp4", png)})
    assert refused.status_code == 422 and "not an MP4 file" in refused.content.decode()
    client.force_login(charlie)  # of another workspace
    assert client.get(url, {"take": take.pk}).status_code == 404


def test_the_label_is_burned_into_the_frame_and_recorded_in_the_manifest(
    client, ed, rita, campaign, django_capture_on_commit_callbacks, tmp_path
):
    fmt = add_format(campaign, "Reels", "16:9")
    client.force_login(ed)
    client.post(reverse("studio:format_label", args=[campaign.pk, fmt.pk]), {"label": "on"})
    fmt.refresh_from_db()
    assert fmt.ai_label
    take = stored_take(make_shot(campaign, title="Pour"), 1, "1280x720", b"x",
                       model_key="sora-2", provider="openai")  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):  # approval asks for the label
        client.post(reverse("studio:take_decide", args=[take.pk]), {"verdict": "approved"})
    take.refresh_from_db()
    labelled = take.delivered(labelled=True)
    data = stored_bytes(labelled["key"])
    store = store_of(data)
    manifest = active(store)
    assert [a["action"] for a in actions(manifest)] == ["c2pa.opened", "c2pa.edited"]
    assert "AI-generated" in actions(manifest)[1]["description"]
    (parent,) = manifest["ingredients"]  # the signed copy it was made from, history kept
    assert parent["relationship"] == "parentOf"
    (created,) = actions(store["manifests"][parent["active_manifest"]])
    assert created["digitalSourceType"].endswith("/trainedAlgorithmicMedia")
    (tmp_path / "l.mp4").write_bytes(data)
    frame = Image.open(media.first_frame(tmp_path / "l.mp4", tmp_path / "f.png")).convert("L")
    margin = max(8, frame.height // 36)
    where = (margin + 2, margin + 2, margin + 40, margin + 14)  # inside the label's box
    pixels = list(frame.crop(where).tobytes())
    assert sum(p < 40 for p in pixels) > len(pixels) / 3  # the black label
    assert max(pixels) > 200  # its white letters
    original = tmp_path / "o.mp4"
    original.write_bytes(stored_bytes(take.video_key))
    before = Image.open(media.first_frame(original, tmp_path / "o.png")).convert("L")
    assert list(before.crop(where).tobytes()) != pixels  # the label was not there before
    archive = zip_of(client.get(reverse("studio:package_download", args=[campaign.pk])))
    (entry,) = json.loads(archive.read("spring-launch/manifest.json"))["files"]
    assert entry["label"] is True and archive.read(entry["path"]) == data


def test_a_package_waits_for_a_file_still_being_signed(
    client, vic, rita, campaign, django_capture_on_commit_callbacks
):
    add_format(campaign, "YouTube", "16:9")
    take = stored_take(make_shot(campaign), 1, "1280x720", b"late")
    Render.objects.filter(pk=take.pk).update(copies={})  # its copy not made yet
    Decision.objects.create(render=take, reviewer=rita, verdict="approved")
    client.force_login(vic)
    url = reverse("studio:package_download", args=[campaign.pk])
    with django_capture_on_commit_callbacks(execute=False) as asked:
        waiting = client.get(url)
    assert waiting.status_code == 503 and waiting["Retry-After"] == "10"
    assert "being signed" in waiting.content.decode()
    page = client.get(reverse("studio:deliver", args=[campaign.pk])).content.decode()
    assert "Signing 1 file" in page and 'id="download-package"' not in page
    for callback in asked:
        callback()  # the queue signs it
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(url).streaming_content)))
    assert any(name.endswith(".c2pa") for name in archive.namelist())


def test_a_signer_that_fails_loses_nothing(
    ed, shot, settings, django_capture_on_commit_callbacks, caplog
):
    (take,) = settle(
        django_capture_on_commit_callbacks,
        [request_take(shot, ed, django_capture_on_commit_callbacks)],
    )
    settings.STUDIO_C2PA_CERT_CHAIN = "/nowhere/chain.pem"
    settings.STUDIO_C2PA_PRIVATE_KEY = "/nowhere/key.pem"
    signing.sign(take.pk)  # the task gives up, said in the log
    assert f"signing take {take.pk} failed" in caplog.text
    take.refresh_from_db()
    assert take.status == S.COMPLETED and take.video_key and take.delivered() == {}
    assert take.credentials["state"] == "none"
    settings.STUDIO_C2PA_CERT_CHAIN = settings.STUDIO_C2PA_PRIVATE_KEY = ""
    signing.sign(take.pk)  # asked again later (the delivery page asks): made
    take.refresh_from_db()
    assert take.delivered()["local"] is True


def kms_signer():
    """A signer callback as a KMS would answer it (here the key is in memory)."""
    chain, key = keys.split(keys.make_bundle("Fake KMS", "Fake KMS"))
    private = serialization.load_pem_private_key(key, None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    return c2pa.Signer.from_callback(
        lambda data: private.sign(data, ec.ECDSA(hashes.SHA256())),
        c2pa.C2paSigningAlg.ES256,
        chain.decode(),
        None,
    )


def test_a_signer_callback_signs_and_check_deploy_warns_only_on_the_local_signer(settings, shot):
    assert "reelroom.W001" in [m.id for m in checks.run_checks(include_deployment_checks=True)]
    settings.STUDIO_C2PA_SIGNER = "tests.test_provenance.kms_signer"
    assert "reelroom.W001" not in [m.id for m in checks.run_checks(include_deployment_checks=True)]
    take = stored_take(shot, 1, "1280x720", b"kms", model_key="sora-2", provider="openai")
    summary, _ = manifests.read_stream(io.BytesIO(stored_bytes(take.delivered()["key"])))
    assert summary.state == "valid" and summary.signer == "Fake KMS signer" and not summary.local


def test_the_verify_page_names_the_signer_once_and_each_ingredient_in_words(
    client, ed, shot, tmp_path
):
    pieces = []
    for number in (1, 2):
        take = stored_take(shot, number, "1280x720", f"piece {number}".encode())
        path = tmp_path / f"take{number}.mp4"
        path.write_bytes(stored_bytes(take.delivered()["key"]))
        pieces.append(manifests.Ingredient(f"Hero pour, take {number}", path))
    cut = tmp_path / "cut.mp4"
    manifests.sign_composite(pieces[0].path, cut, "Rough cut", pieces)
    client.force_login(ed)
    page = client.post(
        reverse("studio:verify"), {"video": SimpleUploadedFile("cut.mp4", cut.read_bytes())}
    ).content.decode()
    assert "Signed by Reelroom local signer." in page
    assert "Reelroom local signer (Reelroom local signer" not in page
    assert page.count("<strong>placed</strong> Hero pour, take 1") == 1
    assert page.count("<strong>placed</strong> Hero pour, take 2") == 1
    assert "<strong>placed</strong> ·" not in page and "<strong>placed</strong></li>" not in page
    assert "componentOf" not in page and page.count(": a piece placed in this file") == 2
