"""What to declare where a file is published: the EU AI Act's marking (Article 50: AI-made
video machine-readably marked; a realistic depiction of people, places or events — a deep
fake — visibly disclosed) and each channel's own setting for AI-made content. The delivery
page and the package's manifest.json carry it per file."""

from __future__ import annotations

DEPICTS = ("people", "places", "events")


def depicts(shot, campaign) -> dict[str, bool]:
    """The shot's answer where it gives one, else the campaign's default."""
    found = {}
    for kind in DEPICTS:
        own = getattr(shot, f"depicts_{kind}")
        found[kind] = bool(getattr(campaign, f"depicts_{kind}") if own is None else own)
    return found


def checklist(ai_generated: bool, realistic: dict[str, bool], labelled: bool) -> list[dict]:
    """(channel, what to do) for one file."""
    if not ai_generated:
        return [
            {
                "channel": "All channels",
                "do": "Not AI-generated (the studio's storyboard animatic): nothing to declare.",
            }
        ]
    deep_fake = any(realistic.values())
    shown = ", ".join(k for k, v in realistic.items() if v)
    items = [
        {
            "channel": "EU AI Act (Article 50)",
            "do": "Machine-readable marking: the file's Content Credentials."
            + (
                f" It depicts realistic {shown}: disclose it visibly"
                + (" (the burned-in label does)." if labelled else " — turn on the format's label.")
                if deep_fake
                else ""
            ),
        },
        {
            "channel": "TikTok",
            "do": "Turn on “AI-generated content” when posting; an ad needs the AI-generated "
            "disclaimer too.",
        },
        {
            "channel": "YouTube",
            "do": "Altered or synthetic content: "
            + (
                "answer Yes (it looks real)."
                if deep_fake
                else "answer Yes if it could be mistaken for real footage."
            ),
        },
        {
            "channel": "Meta (Facebook, Instagram)",
            "do": "Add the “AI info” label; a political or social-issue ad must disclose that "
            "it was digitally created or altered.",
        },
    ]
    return items
