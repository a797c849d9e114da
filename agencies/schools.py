"""Finding a school or setting from what someone typed: its URN, or its name.

England has about 24,000 schools and settings, so no page lists them all: a form asks for the
school's name or its URN (a text box, with suggestions from `setting_suggest` when the browser
runs JavaScript) and `setting_find` resolves what was typed to exactly one school of the ones the
form offers, or says why it cannot. Both read one indexed query (or a few), however many schools
there are.
"""

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from agencies.models import Agency, AgencyKind

#: Suggestions at most, and the shortest text worth suggesting for.
SUGGESTIONS = 20
SUGGEST_FROM = 2
#: Candidates named in the message when what was typed matches several schools.
CANDIDATES = 5
#: Longest text looked up (an agency's name is at most 200 characters).
LONGEST = 200

# "Marker Hill School (URN 123456)": what a suggestion and a prefilled box show.
_WITH_URN = re.compile(r"^(?P<name>.*?)\s*\(\s*URN\s*(?P<urn>[0-9]+)\s*\)$", re.IGNORECASE)


def settings_offered() -> QuerySet[Agency]:
    """The schools and settings a council's form offers: every active one, by name."""
    return Agency.objects.filter(kind=AgencyKind.SCHOOL, is_active=True).order_by("name")


def setting_label(agency: Agency) -> str:
    """The school as a box shows it, and as it may be typed back: its name and URN."""
    return f"{agency.name} (URN {agency.urn})" if agency.urn else agency.name


@dataclass(frozen=True)
class Found:
    """What the text matched: `count` schools, the first few of them in `candidates`."""

    text: str
    count: int
    candidates: tuple[Agency, ...]

    @property
    def agency(self) -> Agency | None:
        """The one school matched, or None when none or several were."""
        return self.candidates[0] if self.count == 1 else None


def _parse(text: str) -> tuple[str, str]:
    """(name, urn) from what was typed: a URN alone, a name, or a name with its URN."""
    match = _WITH_URN.match(text)
    if match:
        return match["name"].strip(), match["urn"]
    if text.isdigit():
        return "", text
    return text, ""


def _words(queryset: QuerySet, name: str) -> QuerySet:
    """The schools whose name contains every word typed, in any case."""
    for word in name.split():
        queryset = queryset.filter(name__icontains=word)
    return queryset


def _found(text: str, queryset: QuerySet) -> Found:
    rows = tuple(queryset[: CANDIDATES + 1])
    count = len(rows) if len(rows) <= CANDIDATES else queryset.count()
    return Found(text=text, count=count, candidates=rows[:CANDIDATES])


def setting_find(queryset: QuerySet, text: str) -> Found:
    """The school `text` names among `queryset`: an exact URN; else a name typed in full (in any
    case); else the one name that contains every word typed. Found.agency is None when nothing,
    or more than one school, matches."""
    text = " ".join(str(text).split())[:LONGEST]
    name, urn = _parse(text)
    queryset = queryset.order_by("name", "pk")
    if urn:
        by_urn = _found(text, queryset.filter(urn=urn))
        if by_urn.count > 1 and name:
            named = _found(text, queryset.filter(urn=urn, name__iexact=name))
            if named.count == 1:
                return named
        if by_urn.count or not name:
            return by_urn
    exact = _found(text, queryset.filter(name__iexact=name))
    if exact.count:
        return exact
    return _found(text, _words(queryset, name))


def setting_suggest(queryset: QuerySet, text: str) -> list[Agency]:
    """At most SUGGESTIONS schools among `queryset` for what has been typed so far (at least
    SUGGEST_FROM characters): those whose URN starts with the digits typed, or whose name
    contains every word typed; by name."""
    text = " ".join(str(text).split())[:LONGEST]
    if len(text) < SUGGEST_FROM:
        return []
    name, urn = _parse(text)
    queryset = queryset.order_by("name", "pk")
    if urn and not name:
        queryset = queryset.filter(urn__startswith=urn)
    elif urn:
        queryset = queryset.filter(urn=urn)
    else:
        queryset = _words(queryset, name)
    return list(queryset[:SUGGESTIONS])
