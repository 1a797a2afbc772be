"""The API's enums: the catalog's models (and the team's own, comfy-<key>, in the sizes they
declare), their sizes, and the channels. Whether a model is offered now, and the sizes and
lengths it makes, are checked as the pages check them (422 naming the field)."""

from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from ninja import Field

from generation import catalog, channels

if TYPE_CHECKING:
    ModelKey: TypeAlias = str
    ChannelKey: TypeAlias = str
    Size: TypeAlias = str
else:
    OWN, WXH = r"^comfy-[a-z0-9_-]{1,40}$", r"^[1-9][0-9]{1,3}x[1-9][0-9]{1,3}$"
    ModelKey = Literal[tuple(catalog.MODELS)] | Annotated[str, Field(pattern=OWN)]
    ChannelKey = Literal[tuple(c.key for c in channels.CHANNELS)]
    SIZES = tuple(sorted({s for m in catalog.MODELS.values() for s in m.sizes}))
    Size = Literal[SIZES] | Annotated[str, Field(pattern=WXH)]
