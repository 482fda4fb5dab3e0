"""Extents as catalogues write them: read, checked, refused with a reason."""

from __future__ import annotations

import pytest
import shapely

from ckanext.territoires.geography.extents import ExtentError, read_extent, read_extents

FRANCE = [(-5.2, 41.3, 9.6, 51.1)]


@pytest.mark.parametrize(
    "value",
    [
        "POLYGON((4 45, 5 45, 5 46, 4 46, 4 45))",
        "<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POLYGON((4 45, 5 45, 5 46, 4 46, 4 45))",
        '{"type": "Polygon", "coordinates": [[[4, 45], [5, 45], [5, 46], [4, 46], [4, 45]]]}',
        {"type": "Polygon", "coordinates": [[[4, 45], [5, 45], [5, 46], [4, 46], [4, 45]]]},
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[4, 45], [5, 45], [5, 46], [4, 46], [4, 45]]],
            },
        },
        {
            "westBoundLongitude": "4",
            "eastBoundLongitude": "5",
            "southBoundLatitude": "45",
            "northBoundLatitude": "46",
        },
        {
            "bbox-west-long": "4",
            "bbox-east-long": "5",
            "bbox-south-lat": "45",
            "bbox-north-lat": "46",
        },
        "4,45,5,46",
    ],
)
def test_the_ways_a_box_is_written(value):
    extent = read_extent(value, FRANCE)
    assert extent.geometry.equals(shapely.box(4, 45, 5, 46))
    assert extent.is_box and extent.bbox == (4, 45, 5, 46)


@pytest.mark.parametrize(
    "value, reason",
    [
        (
            {
                "westBoundLongitude": "5",
                "eastBoundLongitude": "4",
                "southBoundLatitude": "45",
                "northBoundLatitude": "46",
            },
            "not_a_box",
        ),
        ("4,46,5,45", "not_a_box"),
        ("4,45,5,95", "out_of_range"),
        (
            {
                "westBoundLongitude": 842000,
                "eastBoundLongitude": 843000,
                "southBoundLatitude": 6519000,
                "northBoundLatitude": 6520000,
            },
            "out_of_range",
        ),
        ("POLYGON((100 10, 101 10, 101 11, 100 10))", "outside_france"),
        ("0,0,0,0", "outside_france"),
        ("<http://www.opengis.net/def/crs/EPSG/0/2154> POINT(842000 6519000)", "crs"),
        ("wrong wkt", "invalid"),
        ('{"type":"Polygon","coordinates":[[[4, 45], [4, NaN], [4, 46], [4, 45]]]}', "invalid"),
        (
            {
                "westBoundLongitude": "x",
                "eastBoundLongitude": "5",
                "southBoundLatitude": "45",
                "northBoundLatitude": "46",
            },
            "invalid",
        ),
    ],
)
def test_what_is_refused_and_why(value, reason):
    with pytest.raises(ExtentError) as error:
        read_extent(value, FRANCE)
    assert error.value.reason == reason


def test_a_point_is_a_place():
    extent = read_extent("POINT(4.9 45.7)", FRANCE)
    assert extent.geometry.equals(shapely.Point(4.9, 45.7)) and not extent.is_box


def test_several_extents_read_at_once_without_repeats():
    extents, errors = read_extents(
        ["4,45,5,46", "POLYGON((4 45, 5 45, 5 46, 4 46, 4 45))", "x", "", None], FRANCE
    )
    assert len(extents) == 1 and len(errors) == 1
