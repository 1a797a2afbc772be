"""The finished ads as files of the delivery package: each format's spot (`SpotEntry`) and its
versions by market, channel and hook (`VersionEntry`: `de-DE/tiktok-9x16-hook-A.mp4` with its
captions), each with its record for the manifest."""

from __future__ import annotations

from dataclasses import dataclass

from studio.models import Campaign, Market, Spot, SpotStatus
from studio.production import versions


@dataclass
class SpotEntry:
    """A format's finished spot in the package: named for its channel, captions beside it."""

    path: str
    spot: Spot

    @property
    def captions(self) -> list[tuple[str, str]]:
        """(stored key, path in the package) of each caption file the channel takes."""
        stem = self.path.removesuffix(".mp4")
        keys = {"srt": self.spot.srt_key, "vtt": self.spot.vtt_key}
        return [(keys[kind], f"{stem}.{kind}") for kind in ("srt", "vtt") if keys[kind]]

    def record(self) -> dict:
        spot, plan = self.spot, self.spot.plan
        sound = plan.get("sound", {})
        return {
            "path": self.path,
            "format": spot.format.name,
            "channel": spot.format.channel.label,
            "captions": [path for _, path in self.captions],
            "duration_ms": spot.duration_ms,
            "bytes": spot.bytes,
            "sha256": spot.sha256,
            "pieces": [
                {
                    "shot_number": p["number"],
                    "take": p["title"],
                    "in": p["in"],
                    "out": p["out"],
                    "super": p.get("super", ""),
                }
                for p in plan.get("pieces", [])
            ],  # fmt: skip
            "end_card": plan.get("card"),
            "sound": {
                "takes": sound.get("takes", False),
                "music": bool(sound.get("music_key")),
                "voice": sound.get("voice", "none"),
            },
            "loudness": {"integrated_lufs": spot.lufs, "true_peak_dbtp": spot.true_peak},
            "preflight": spot.preflight,
            "credentials": "signed by the studio as a composite of its takes and sounds",
        }


@dataclass
class VersionEntry(SpotEntry):
    def record(self) -> dict:
        spot = self.spot
        found = super().record()
        found["market"] = spot.market.code if spot.market else ""
        found["hook"] = spot.plan.get("version", {}).get("hook", "A")
        found["texts"] = {
            "supers": [p.get("super", "") for p in spot.plan.get("pieces", [])],
            "voice_over": [p.get("voice", "") for p in spot.plan.get("pieces", [])],
            "call_to_action": (spot.plan.get("card") or {}).get("call", ""),
            "legal_line": (spot.plan.get("card") or {}).get("legal", ""),
        }
        return found


def versions_for(campaign: Campaign, root: str, market: Market | None = None) -> list[VersionEntry]:
    """The versions to deliver (of one market, when given): each the newest of its format,
    market and hook, current (nothing changed since it was made) and passing its preflight;
    in market, channel, hook order."""
    made = []
    for cell in versions.cells(campaign):
        spot = cell.latest
        if market is not None and cell.market != market:
            continue
        if spot is None or spot.status != SpotStatus.COMPLETED or cell.stale or not spot.passes:
            continue
        spot.market = cell.market  # read already
        folder = f"{root}/{cell.market.code}" if cell.market else root
        hook = cell.hook.name if cell.hook else "A"
        made.append(VersionEntry(f"{folder}/{cell.format.channel.slug}-hook-{hook}.mp4", spot))
    made.sort(key=lambda e: e.path)
    return made
