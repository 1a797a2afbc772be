"""Fixtures of the team's own GPUs: fake ComfyUI backends (Comfy API v2) and fake vLLM-Omni
servers, configured as the studio's, each checking the contract it serves (tests/fakes)."""

from __future__ import annotations

import pytest


def _comfy(sample_mp4, settings, names, flavour="proxy"):
    from generation.own_gpus import offered
    from tests.fakes.comfy_fake import TOKEN, FakeComfy

    fakes = {name: FakeComfy(sample_mp4, flavour=flavour).start() for name in names}
    settings.COMFY_BACKENDS = {
        name: {"url": fake.root, "token": TOKEN, "jobs": 1} for name, fake in fakes.items()
    }
    settings.STUDIO_HTTP_TIMEOUT = 2
    offered.forget()
    yield fakes
    offered.forget()
    for fake in fakes.values():
        fake.stop()
    violations = [v for fake in fakes.values() for v in fake.seen.violations]
    assert violations == [], "requests broke the Comfy API v2 contract"


@pytest.fixture
def comfy_fake(sample_mp4, settings):
    """One fake ComfyUI behind comfy-api-proxy (tests/fakes/comfy_fake.py), the backend "gpu1"."""
    for fakes in _comfy(sample_mp4, settings, ["gpu1"]):
        yield fakes["gpu1"]


@pytest.fixture
def comfy_pair(sample_mp4, settings):
    """Two fake ComfyUI backends, "gpu1" and "gpu2", one job each."""
    yield from _comfy(sample_mp4, settings, ["gpu1", "gpu2"])


@pytest.fixture
def comfy_cloud(sample_mp4, settings):
    """A fake Comfy Cloud: outputs by 302 to a signed URL on another host, no job list."""
    for fakes in _comfy(sample_mp4, settings, ["cloud"], flavour="cloud"):
        yield fakes["cloud"]


WAN = "Wan-AI/Wan2.2-T2V-A14B-Diffusers"
LTX = "Lightricks/LTX-2"


@pytest.fixture
def video_servers(sample_mp4, settings):
    """Two fake vLLM-Omni servers (tests/fakes/vllm_fake.py): "wan" with its model declared in
    the settings, "ltx" with none (what it serves is read from its /models)."""
    from generation.own_gpus import servers
    from tests.fakes.vllm_fake import KEY, FakeVLLM

    fakes = {"wan": FakeVLLM(sample_mp4, WAN).start(), "ltx": FakeVLLM(sample_mp4, LTX).start()}
    wan = {
        "id": WAN,
        "label": "Wan 2.2 on our server",
        "sizes": ["832x480", "480x832"],
        "seconds": [5],
        "fps": 16,
        "frame_rule": "4n+1",
        "fields": ["width", "height", "num_frames", "fps", "seed", "negative_prompt"],
        "rate_per_gpu_second": "0.001",
        "gpu_seconds_per_second": "25",
    }
    settings.VIDEO_SERVERS = {
        "wan": {"name": "wan", "url": f"{fakes['wan'].url}", "token": KEY, "jobs": 1,
                "models": [wan]},
        "ltx": {"name": "ltx", "url": f"{fakes['ltx'].url}", "token": KEY, "jobs": 1,
                "models": [], "sizes": ["768x512"], "seconds": [4], "fps": 24},
    }  # fmt: skip
    settings.STUDIO_HTTP_TIMEOUT = 2
    servers.forget()
    yield fakes
    servers.forget()
    for fake in fakes.values():
        fake.stop()
    assert [v for f in fakes.values() for v in f.seen.violations] == []
