"""The scratch voice: eSpeak NG (the library and its data come inside the `espeakng-loader`
wheel, so nothing is installed by hand) reading a line into a WAV file, so a spot's timing can be
judged offline. It is a guide voice, never a voice to publish, and is labelled so everywhere.

eSpeak keeps global state and is not thread-safe: each line is spoken in a child process
(`python -m generation.media.scratch_voice OUT.wav [LANGUAGE]`, the text on standard input).
A market's lines are read in its language ("de", "fr", "ar": eSpeak's voice of that name),
English where eSpeak has no voice of it."""

from __future__ import annotations

import ctypes
import subprocess
import sys
import wave
from pathlib import Path
from typing import Any

import espeakng_loader

SYNCHRONOUS = 0x02  # AUDIO_OUTPUT_SYNCHRONOUS
CHARS_UTF8 = 1
POS_CHARACTER = 1
TIMEOUT = 60

CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class VoiceError(Exception):
    """The voice could not be made."""


def speak(text: str, out: Path, language: str = "en") -> Path:
    """`text` read by the scratch voice into the WAV file `out` (mono, eSpeak's 22.05 kHz), in
    `language` (an ISO 639 code)."""
    language = language if language.isascii() and language.isalpha() else "en"
    result = subprocess.run(
        [sys.executable, "-m", "generation.media.scratch_voice", str(out), language[:3]],
        input=text.encode(),
        capture_output=True,
        timeout=TIMEOUT,
        cwd=Path(__file__).resolve().parents[2],
    )
    if result.returncode != 0 or not out.is_file() or out.stat().st_size <= 44:
        raise VoiceError(
            "The scratch voice could not read this line: "
            + result.stderr.decode(errors="replace").strip()[-200:]
        )
    return out


def _speak_here(text: str, out: Path, language: str = "en") -> None:
    library = ctypes.CDLL(espeakng_loader.get_library_path())
    data = str(Path(espeakng_loader.get_data_path()).parent)
    library.espeak_Initialize.restype = ctypes.c_int
    rate = library.espeak_Initialize(SYNCHRONOUS, 0, data.encode(), 0)
    if rate <= 0:
        raise VoiceError("eSpeak NG did not start")
    samples: list[bytes] = []

    def collect(wav: Any, count: int, _events: Any) -> int:
        if wav and count > 0:
            samples.append(ctypes.string_at(wav, count * 2))
        return 0

    callback = CALLBACK(collect)
    library.espeak_SetSynthCallback(callback)
    if library.espeak_SetVoiceByName(language.encode()) != 0:  # EE_OK: that language's voice
        library.espeak_SetVoiceByName(b"en")
    encoded = text.encode()
    library.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip
    error = library.espeak_Synth(
        encoded, len(encoded) + 1, 0, POS_CHARACTER, 0, CHARS_UTF8, None, None
    )
    library.espeak_Synchronize()
    if error != 0 or not samples:
        raise VoiceError(f"eSpeak NG could not read the line (error {error})")
    with wave.open(str(out), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate)
        handle.writeframes(b"".join(samples))


if __name__ == "__main__":
    _speak_here(sys.stdin.read(), Path(sys.argv[1]), *(sys.argv[2:3] or ["en"]))
