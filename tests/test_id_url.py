"""`{% id_url %}` gives what `{% url %}` gives for URLs led by an id, under any script prefix."""

from __future__ import annotations

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse, set_script_prefix


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("studio:take_page", (7,)),
        ("studio:take_page", (1234567,)),
        ("studio:take_decide", (42,)),
        ("studio:take_media", (9, "thumbnail")),
        ("studio:take_media", (9087654321 - 1, "video")),
        ("studio:decision_undo", (3,)),
    ],
)
@pytest.mark.parametrize("prefix", ["/", "/studio/"])
def test_it_is_the_url_tag_at_a_fraction_of_its_cost(name, args, prefix):
    set_script_prefix(prefix)
    try:
        template = engines["django"].from_string(
            "{% load studio_tags %}{% id_url name pk rest %}|{% url name pk rest %}"
            if len(args) == 2
            else "{% load studio_tags %}{% id_url name pk %}|{% url name pk %}"
        )
        fast, slow = template.render(
            {"name": name, "pk": args[0], "rest": args[1] if len(args) == 2 else None}
        ).split("|")
        assert fast == slow == reverse(name, args=list(args))
        assert fast.startswith(prefix)
    finally:
        set_script_prefix("/")


def test_several_ids_each_take_their_place():
    template = engines["django"].from_string(
        "{% load studio_tags %}{% id_url 'studio:shot_edit' campaign shot %}"
    )
    assert template.render({"campaign": 12, "shot": 3456}) == reverse(
        "studio:shot_edit", args=[12, 3456]
    )
    assert template.render({"campaign": 3456, "shot": 12}) == reverse(
        "studio:shot_edit", args=[3456, 12]
    )


def test_it_refuses_what_is_not_an_id():
    template = engines["django"].from_string(
        "{% load studio_tags %}{% id_url 'studio:take_page' pk %}"
    )
    with pytest.raises(NoReverseMatch):  # as {% url %} does
        template.render({"pk": "1/../../admin"})
    with pytest.raises(TypeError):
        template.render({"pk": None})
