"""A voice-over made by an OpenAI-compatible speech endpoint (`POST {base}/audio/speech`), where
one is configured (`STUDIO_TTS_BASE_URL`, `STUDIO_TTS_API_KEY`, `STUDIO_TTS_MODEL`,
`STUDIO_TTS_VOICE`). The answer is kept only when ffmpeg reads it as sound: an endpoint that is
down, refuses, or answers anything else is said so, and nothing is kept."""

from __future__ import annotations

from pathlib import Path

import httpx
from django.conf import settings

from generation.media import MediaError
from generation.media.sound import audio_seconds, sniff

MAX_BYTES = 50 * 1024 * 1024


class SpeechError(Exception):
    """The speech endpoint could not make the line; the message says what to do."""


def configured() -> bool:
    return bool(settings.STUDIO_TTS_BASE_URL)


def synthesise(words: str, out: Path) -> Path:
    if not configured():
        raise SpeechError("No speech endpoint is configured (STUDIO_TTS_BASE_URL).")
    headers = {"Content-Type": "application/json"}
    if settings.STUDIO_TTS_API_KEY:
        headers["Authorization"] = f"Bearer {settings.STUDIO_TTS_API_KEY}"
    body = {
        "model": settings.STUDIO_TTS_MODEL,
        "voice": settings.STUDIO_TTS_VOICE,
        "input": words,
        "response_format": "wav",
    }
    try:
        with (
            httpx.Client(
                base_url=settings.STUDIO_TTS_BASE_URL, timeout=settings.STUDIO_HTTP_TIMEOUT
            ) as client,
            client.stream("POST", "/audio/speech", json=body, headers=headers) as response,
        ):
            if response.status_code >= 400:
                raise SpeechError(
                    f"The speech endpoint refused the line (HTTP {response.status_code}). "
                    "Check its settings, or choose the scratch voice to judge timing."
                )
            size = 0
            with out.open("wb") as handle:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise SpeechError("The speech endpoint answered with too much data.")
                    handle.write(chunk)
    except httpx.HTTPError:
        out.unlink(missing_ok=True)
        raise SpeechError(
            "The speech endpoint could not be reached. Try again later, or choose the scratch "
            "voice to judge timing."
        ) from None
    with out.open("rb") as handle:
        kind = sniff(handle.read(16))
    try:
        if not kind:
            raise MediaError("not sound")
        if kind != "wav":  # asked for WAV; another kind is read as what it is
            out = out.rename(out.with_suffix(f".{kind}"))
        audio_seconds(out)
    except MediaError:
        out.unlink(missing_ok=True)
        raise SpeechError(
            "The speech endpoint answered with something that is not sound. Check its settings."
        ) from None
    return out
