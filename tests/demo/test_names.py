"""The demo's name lists are plain files in `demo/data/`, read in file order (no database)."""

from pathlib import Path

import pytest

import demo
from demo import names

DATA = Path(demo.__file__).resolve().parent / "data"


def test_every_data_file_is_read_by_names():
    read = {
        "towns.txt",
        "streets.txt",
        "first_names_girls.txt",
        "first_names_boys.txt",
        "first_names_women.txt",
        "first_names_men.txt",
        "surnames.txt",
        "schools.csv",
        "school_types.csv",
    }
    assert {path.name for path in DATA.iterdir() if path.is_file()} == read


@pytest.mark.parametrize(
    "values",
    [
        names.TOWNS,
        names.STREETS,
        names.GIRLS,
        names.BOYS,
        names.ADULT_WOMEN,
        names.ADULT_MEN,
        names.SURNAMES,
    ],
)
def test_name_lists_have_no_blanks_or_repeats(values):
    assert values and all(value and value == value.strip() for value in values)
    assert len(set(values)) == len(values)


def test_lists_keep_the_order_of_their_files():
    """The generator picks from them with a seeded random: order is part of the demo."""
    lines = (DATA / "surnames.txt").read_text(encoding="utf-8").split()
    assert names.SURNAMES == tuple(lines)
    assert names.SURNAMES[:3] == ("Smith", "Jones", "Williams")


def test_schools_are_read_with_their_ages_and_the_special_school():
    first = names.NAMED_SCHOOLS[0]
    assert (first.name, first.urn, first.min_age, first.max_age) == (
        "Millbrook Primary School",
        "117342",
        4,
        11,
    )
    assert [s.name for s in names.NAMED_SCHOOLS if s.special] == ["Oakfield Special School"]
    assert all(s.min_age <= s.max_age for s in names.NAMED_SCHOOLS)
    assert all(low <= high for _suffix, low, high in names.SCHOOL_TYPES)
    assert len({s.urn for s in names.NAMED_SCHOOLS}) == len(names.NAMED_SCHOOLS)


def test_a_bad_special_flag_is_refused():
    with pytest.raises(ValueError, match="special"):
        names._flag("maybe")
