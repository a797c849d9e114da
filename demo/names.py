"""The demo's fictional names and places, read from the files in `demo/data/`.

One name a line in the `.txt` files; the schools and school types are CSV with a header row.
Order matters: the generator picks from these tuples with a seeded `random.Random`, so the same
seed gives the same people only while the files keep their order. Add names at the end.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

DATA = resources.files("demo") / "data"


def read_lines(name: str) -> tuple[str, ...]:
    """The non-blank lines of `demo/data/<name>`, in file order."""
    text = (DATA / name).read_text(encoding="utf-8")
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    if not lines:
        raise ValueError(f"demo/data/{name} is empty")
    return lines


def read_rows(name: str) -> list[dict[str, str]]:
    """The rows of the CSV file `demo/data/<name>`, keyed by its header."""
    text = (DATA / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@dataclass(frozen=True)
class School:
    name: str
    urn: str
    min_age: int
    max_age: int
    special: bool = False

    @property
    def slug(self) -> str:
        return (
            "".join(c if c.isalnum() else "-" for c in self.name.lower())
            .strip("-")
            .replace("--", "-")
        )


def _flag(value: str) -> bool:
    if value not in ("yes", "no"):
        raise ValueError(f"demo/data/schools.csv: special is 'yes' or 'no', not {value!r}")
    return value == "yes"


# The first school is the `senco` demo user's, and the current setting of many demo children.
NAMED_SCHOOLS = tuple(
    School(row["name"], row["urn"], int(row["min_age"]), int(row["max_age"]), _flag(row["special"]))
    for row in read_rows("schools.csv")
)
# More schools, made up as "<town> <suffix>" when the demo has more children than the named
# schools can hold.
SCHOOL_TYPES = tuple(
    (row["suffix"], int(row["min_age"]), int(row["max_age"]))
    for row in read_rows("school_types.csv")
)
TOWNS = read_lines("towns.txt")
STREETS = read_lines("streets.txt")
GIRLS = read_lines("first_names_girls.txt")
BOYS = read_lines("first_names_boys.txt")
ADULT_WOMEN = read_lines("first_names_women.txt")
ADULT_MEN = read_lines("first_names_men.txt")
SURNAMES = read_lines("surnames.txt")
