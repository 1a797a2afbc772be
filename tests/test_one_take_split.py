"""A one-take spot split back into its shots (issue 37, point 4, the groundwork), on real
video whose scenes change at known times: the planned cuts move to the detected changes within
±0.5 s, the pieces' lengths add up to the take's, and each piece's first and last frames are
its own scene's. Cut without re-encoding where a piece is whole groups of pictures, else
encoded once."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from generation import media
from generation.media import splitting
from tests.media_files import SCENE_COLOURS, scenes_video

LENGTHS = [2.0, 3.0, 2.5, 2.5, 3.0, 2.0]  # 15 s: changes at 2, 5, 7.5, 10 and 13 s
CHANGES = [2.0, 5.0, 7.5, 10.0, 13.0]
PLANNED = [2.3, 4.8, 7.3, 9.9, 13.4]  # the plan's times, each within 0.5 s of a change


def colour(frame: Path) -> tuple[int, int, int]:
    with Image.open(frame) as image:
        return image.convert("RGB").resize((1, 1)).getpixel((0, 0))


def near(found: tuple[int, int, int], wanted: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 12 for a, b in zip(found, wanted, strict=True))


@pytest.mark.parametrize("keyframes_at_cuts", [True, False])
def test_the_take_is_split_at_the_scene_changes_nearest_the_plan(tmp_path, keyframes_at_cuts):
    video = scenes_video(tmp_path / "take.mp4", LENGTHS, "640x360", keyframes_at_cuts)
    changes = splitting.scene_changes(video)
    assert changes == CHANGES
    cuts = splitting.cut_times(PLANNED, changes)
    assert cuts == CHANGES  # every planned cut moved to its change
    pieces = splitting.split(video, cuts, tmp_path / "pieces")
    spans = list(zip([0.0, *CHANGES], [*CHANGES, 15.0], strict=True))
    assert [(p.start, p.end) for p in pieces] == spans
    keys = splitting.keyframes(video)
    whole = [p.start in keys and (p.end in keys or p.end == 15.0) for p in pieces]
    assert [p.copied for p in pieces] == whole  # copied where it is whole groups of pictures
    assert any(whole[1:]) is keyframes_at_cuts
    total = 0
    for index, piece in enumerate(pieces):
        info = media.probe(piece.path)
        assert abs(info.duration_ms - piece.seconds * 1000) <= 2 * 1000 / 24 + 30  # its frames
        assert info.has_audio and info.video_codec == "h264"
        total += info.duration_ms
        wanted = SCENE_COLOURS[index]
        first = media.first_frame(piece.path, tmp_path / f"first-{index}.png")
        last = media.last_frame(piece.path, tmp_path / f"last-{index}.png")
        assert near(colour(first), wanted) and near(colour(last), wanted), (index, wanted)
    assert abs(total - 15000) <= 6 * (1000 / 24 + 30)  # the pieces add up to the take


def test_a_planned_cut_with_no_change_near_it_stays_where_it_was_planned():
    assert splitting.cut_times([2.3, 6.2, 9.0], [2.0, 7.5, 9.2]) == [2.0, 6.2, 9.2]
    # Two planned cuts never land on one change, and the order holds.
    assert splitting.cut_times([4.8, 5.2], [5.0]) == [5.0, 5.2]
