"""The crop arithmetic (photos.crops): focal-point crops, overrides and their checks."""

import pytest
from django.core.exceptions import ValidationError

from photos.crops import CROPS, check_override, crop_boxes, focal_box, full_size

WIDE, CARD, SQUARE = CROPS["wide"], CROPS["card"], CROPS["square"]


@pytest.mark.parametrize(
    ("crop", "size", "expected"),
    [
        (WIDE, (2000, 1333), (2000, 1125)),
        (CARD, (2000, 1333), (2000, 1333)),
        (SQUARE, (2000, 1333), (1333, 1333)),
        (WIDE, (800, 1200), (800, 450)),
        (CARD, (800, 1200), (800, 533)),
        (SQUARE, (800, 1200), (800, 800)),
        (WIDE, (3000, 1000), (1778, 1000)),
    ],
)
def test_the_crop_is_the_largest_of_its_ratio_that_fits(crop, size, expected):
    assert full_size(*size, crop) == expected


def test_a_centred_focal_point_crops_the_middle():
    assert focal_box(2000, 1333, SQUARE, 0.5, 0.5) == (334, 0, 1333, 1333)
    assert focal_box(2000, 1333, WIDE, 0.5, 0.5) == (0, 104, 2000, 1125)


def test_the_crop_centres_on_the_focal_point_when_it_can():
    # Square on a landscape photo: the point 0.3 across is 600 px; half the box is 666.5.
    assert focal_box(2000, 1333, SQUARE, 0.6, 0.5) == (534, 0, 1333, 1333)
    assert focal_box(800, 1200, WIDE, 0.5, 0.4) == (0, 255, 800, 450)


@pytest.mark.parametrize(
    ("focal", "expected_left_top"),
    [((0.0, 0.0), (0, 0)), ((1.0, 1.0), (667, 0)), ((0.05, 0.95), (0, 0)), ((0.99, 0.5), (667, 0))],
)
def test_a_point_near_an_edge_pushes_the_crop_back_inside(focal, expected_left_top):
    left, top, width, height = focal_box(2000, 1333, SQUARE, *focal)
    assert (left, top) == expected_left_top
    assert 0 <= left and left + width <= 2000 and top + height <= 1333


def test_portrait_edges_clamp_vertically():
    assert focal_box(800, 1200, WIDE, 0.5, 0.0)[:2] == (0, 0)
    assert focal_box(800, 1200, WIDE, 0.5, 1.0)[:2] == (0, 750)
    assert focal_box(800, 1200, CARD, 0.5, 1.0)[:2] == (0, 667)


def test_an_override_replaces_only_its_own_ratio():
    boxes = crop_boxes(2000, 1333, 0.5, 0.5, {"square": [100, 200, 900]})

    assert boxes["square"] == (100, 200, 900, 900)
    assert boxes["wide"] == focal_box(2000, 1333, WIDE, 0.5, 0.5)
    assert boxes["card"] == focal_box(2000, 1333, CARD, 0.5, 0.5)


@pytest.mark.parametrize(
    ("crop", "override", "box"),
    [
        (WIDE, [0, 0, 2000], (0, 0, 2000, 1125)),
        (CARD, [400, 300, 1200], (400, 300, 1200, 800)),
        (SQUARE, [667, 0, 1333], (667, 0, 1333, 1333)),
    ],
)
def test_an_override_that_fits_gives_its_rectangle(crop, override, box):
    assert check_override(2000, 1333, crop, override) == box


@pytest.mark.parametrize(
    ("crop", "override", "words"),
    [
        (SQUARE, [800, 0, 1333], "runs past the right edge: left 800 + width 1333"),
        (CARD, [0, 600, 1200], "runs past the bottom edge: top 600 + height 800"),
        (WIDE, [-1, 0, 800], "starts outside the photo"),
        (WIDE, [0, 0, 100], "is 100 px wide; make it at least 160 px"),
        (WIDE, [0, "a", 800], "needs a left edge, a top edge and a width"),
        (WIDE, [0, 0], "needs a left edge, a top edge and a width"),
    ],
)
def test_a_bad_override_is_refused_in_plain_words(crop, override, words):
    with pytest.raises(ValidationError) as refused:
        check_override(2000, 1333, crop, override)
    assert words in refused.value.messages[0]


def test_a_tiny_photo_accepts_its_whole_width():
    assert check_override(120, 80, CARD, [0, 0, 120]) == (0, 0, 120, 80)
