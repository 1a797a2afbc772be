from __future__ import annotations

import functools
from datetime import timedelta
from decimal import Decimal

from django import template
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.timesince import timesince

from generation import catalog

register = template.Library()

# No row has these ids: they stand for the ids while a URL is reversed.
_ANY_ID = 9_087_654_321


@functools.lru_cache(maxsize=256)
def _path_of(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=list(args))


@register.simple_tag
def id_url(name: str, *args) -> str:
    """`{% id_url 'studio:shot_edit' campaign.pk shot.pk %}`: what `{% url %}` gives, at a
    fraction of its cost, for URLs whose arguments are ids (and words, kept as they are). The
    grid and the board link hundreds of takes and shots, and Django's reverse() walks the URL
    patterns every time (about 50 µs); here a path is reversed once per name, words and script
    prefix, and the ids are put in its placeholders."""
    ids = {i: str(int(arg)) for i, arg in enumerate(args) if not isinstance(arg, str)}
    shape = tuple(_ANY_ID + i if i in ids else arg for i, arg in enumerate(args))
    path = _path_of(get_script_prefix(), name, shape)
    for i, value in ids.items():
        path = path.replace(str(_ANY_ID + i), value, 1)
    return path


@register.filter
def get(mapping, key):
    """`{{ lint_by_field|get:"scene" }}`: a dict lookup with a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def by_aspect(choices) -> list[tuple[str, list]]:
    """Size choices grouped under their aspect ("16:9", "9:16", "1:1", …), in first-seen order."""
    groups: dict[str, list] = {}
    for value, label in choices:
        try:
            aspect = catalog.aspect_label(str(value))
        except ValueError:
            aspect = "other"
        groups.setdefault(aspect, []).append((value, label))
    return list(groups.items())


@register.filter
def size_label(size) -> str:
    """ "1280×720 (16:9)", or a resolution name as it is."""
    try:
        return catalog.size_label(str(size))
    except ValueError:
        return str(size)


@register.filter
def ago(moment) -> str:
    """ "just now", "5 minutes ago", "2 days ago" (never "0 minutes ago")."""
    if not moment:
        return ""
    if timezone.now() - moment < timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment).split(',')[0]} ago"


@register.filter
def format_warning(campaign, size) -> str:
    """`{{ campaign|format_warning:size }}`: advice when the size is none of its formats."""
    return campaign.format_warning(str(size or "")) if campaign else ""


@register.filter
def money(value) -> str:
    """Dollars with cents, or with more digits when a cent would hide the price."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value != 0 and abs(value) < Decimal("0.01"):
        return f"${value.normalize():f}"
    return f"${value.quantize(Decimal('0.01')):,}"


@register.filter
def dimensions(value) -> str:
    if not value:
        return ""
    return f"{value[0]}×{value[1]}"


@register.filter
def segslot(index, name) -> str:
    """The lint slot of a timeline segment's field: `seg-2-action`."""
    return f"seg-{index}-{name}"


@register.filter
def seconds(milliseconds) -> str:
    if milliseconds is None:
        return "—"
    return f"{milliseconds / 1000:.1f}"


@register.filter
def timecode(milliseconds) -> str:
    """2500 -> "00:02.5"."""
    if milliseconds is None:
        return ""
    minutes, rest = divmod(int(milliseconds), 60000)
    return f"{minutes:02d}:{rest / 1000:04.1f}"


@register.filter
def seconds_exact(milliseconds) -> str:
    return f"{int(milliseconds) / 1000:.3f}"


@register.filter
def completed(takes) -> list:
    return [t for t in takes if t.status == "completed"]


@register.filter
def model_label(model_key) -> str:
    model = catalog.get(str(model_key))
    return model.label if model else str(model_key)


@register.filter
def running_time(seconds) -> str:
    """A running time as m:ss."""
    total = round(float(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"
