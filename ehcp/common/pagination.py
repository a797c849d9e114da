"""Keyset pagination: every row of a long list is reachable, and the page says how many there are.

A list ordered by (key, pk) is paged by remembering the last row shown ("after") or the first
("before"), never by counting rows to skip, so a row is neither hidden nor shown twice when the
list changes between two clicks (a task claimed, a case closed). Rows whose key is empty come
last, on every database. Each page costs a fixed number of queries: the total, the rows, and
(only on a later page) how many rows come before it. A caller that has already counted the list
(a page that shows the count anyway) passes it as `total` and saves the count.

Several lists on one page each take a `prefix` ("mine", "queue") so their links do not clash;
the other query parameters (filters) are kept in the links.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet

#: Rows on a page of a list: GOV.UK lists show 20-25 rows, and each row costs time to draw (a
#: long list is walked with Next and Previous, its total shown).
PAGE_SIZE = 25


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    total: int
    first_index: int  # 1-based position of the first row in the whole list
    previous_query: str | None  # the query string for the previous page, None on the first
    next_query: str | None

    @property
    def last_index(self) -> int:
        return self.first_index + len(self.rows) - 1

    @property
    def has_other_pages(self) -> bool:
        return self.previous_query is not None or self.next_query is not None

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return len(self.rows)

    def __bool__(self):
        return bool(self.rows)


def _encode(value, pk: int) -> str:
    text = "" if value is None else value.isoformat()
    return f"{text}_{pk}"


def _decode(field, cursor: str):
    """(value, pk) from a cursor, or None when it is not one of ours (a hand-edited URL)."""
    text, sep, pk = (cursor or "").rpartition("_")
    if not sep or not pk.isdigit():
        return None
    if text == "":
        return None, int(pk)
    try:
        value = field.to_python(text)
    except (ValidationError, ValueError, TypeError):
        return None
    if not isinstance(value, (date, datetime)):
        return None
    return value, int(pk)


def _later(key: str, value, pk: int, descending: bool, nullable: bool = True) -> Q:
    """Rows after (value, pk) in the list's order (empty keys last).

    `key >= value` (`<=` going down) is said again on its own, although the rest implies it, so
    that PostgreSQL can start an index on (..., key, pk) at `value` instead of reading the list
    from its start and filtering; a key that cannot be empty needs no `IS NULL` branch, which
    would stop the index from being used at all."""
    beyond, pk_beyond = ("lt", "lt") if descending else ("gt", "gt")
    reach = "lte" if descending else "gte"
    if value is None:
        return Q(**{f"{key}__isnull": True, f"pk__{pk_beyond}": pk})
    after = Q(**{f"{key}__{reach}": value}) & (
        Q(**{f"{key}__{beyond}": value}) | Q(**{f"pk__{pk_beyond}": pk})
    )
    return after | Q(**{f"{key}__isnull": True}) if nullable else after


def _earlier(key: str, value, pk: int, descending: bool, nullable: bool = True) -> Q:
    """Rows before (value, pk) in the list's order (with `key <= value` on its own, as above)."""
    before, pk_before = ("gt", "gt") if descending else ("lt", "lt")
    reach = "gte" if descending else "lte"
    if value is None:
        if not nullable:
            return Q()
        return Q(**{f"{key}__isnull": False}) | Q(
            **{f"{key}__isnull": True, f"pk__{pk_before}": pk}
        )
    return Q(**{f"{key}__{reach}": value}) & (
        Q(**{f"{key}__{before}": value}) | Q(**{f"pk__{pk_before}": pk})
    )


def _order(key, descending, reverse=False, nullable=True):
    down = descending != reverse
    if not nullable:
        # No empty keys: the plain order, which an index on (..., key, pk) gives either way.
        return (f"-{key}", "-pk") if down else (key, "pk")
    # Empty keys come last in the list's order, so first when read backwards.
    if down:
        primary = F(key).desc(nulls_first=True) if reverse else F(key).desc(nulls_last=True)
        return primary, "-pk"
    primary = F(key).asc(nulls_first=True) if reverse else F(key).asc(nulls_last=True)
    return primary, "pk"


def _query(params, prefix: str, **values) -> str:
    params = params.copy()
    for name in ("after", "before"):
        params.pop(f"{prefix}{name}", None)
    for name, value in values.items():
        params[f"{prefix}{name}"] = value
    return params.urlencode()


def keyset_page(
    queryset: QuerySet,
    *,
    params,
    key: str,
    descending: bool = False,
    size: int = PAGE_SIZE,
    prefix: str = "",
    total: int | None = None,
) -> KeysetPage:
    """One page of `queryset` ordered by (`key`, pk), from the request's GET `params`.

    `prefix` names this list's parameters (`<prefix>after`, `<prefix>before`); pass e.g.
    "mine_" when a page shows two lists. `total` is how many rows `queryset` has, when the
    caller counted them already (the same rows, e.g. in an aggregate of the page's counts);
    else it is counted here.
    """
    field = queryset.model._meta.get_field(key)
    nullable = field.null
    if total is None:
        total = queryset.count()
    after = _decode(field, params.get(f"{prefix}after", ""))
    before = _decode(field, params.get(f"{prefix}before", "")) if after is None else None
    rows: list = []
    more_before = more_after = False
    if before is not None:
        found = list(
            queryset.filter(_earlier(key, *before, descending, nullable)).order_by(
                *_order(key, descending, reverse=True, nullable=nullable)
            )[: size + 1]
        )
        if len(found) > size:
            rows, more_before, more_after = found[:size][::-1], True, True
        else:
            before = None  # back at the start: show the first page in full
    if before is None:
        qs = queryset
        if after is not None:
            qs = qs.filter(_later(key, *after, descending, nullable))
        found = list(qs.order_by(*_order(key, descending, nullable=nullable))[: size + 1])
        rows, more_after = found[:size], len(found) > size
        more_before = after is not None
        if after is not None and not rows:
            # Past the end (the rows moved on since the link was made): show the first page.
            return keyset_page(
                queryset,
                params=_strip(params, prefix),
                key=key,
                descending=descending,
                size=size,
                prefix=prefix,
                total=total,
            )
    first_index = 1
    if more_before and rows:
        first = rows[0]
        first_index = (
            queryset.filter(
                _earlier(key, getattr(first, key), first.pk, descending, nullable)
            ).count()
            + 1
        )
        more_before = first_index > 1
    previous_query = next_query = None
    if more_before:
        previous_query = _query(params, prefix, before=_encode(getattr(rows[0], key), rows[0].pk))
    if more_after:
        next_query = _query(params, prefix, after=_encode(getattr(rows[-1], key), rows[-1].pk))
    return KeysetPage(
        rows=rows,
        total=total,
        first_index=first_index,
        previous_query=previous_query,
        next_query=next_query,
    )


def _strip(params, prefix):
    params = params.copy()
    for name in ("after", "before"):
        params.pop(f"{prefix}{name}", None)
    return params
