"""Prefetching a list a page has read already, as a part of a bigger one."""

from collections.abc import Iterable

from django.db import models


def prefetched_as(instance: models.Model, related_name: str, rows: Iterable) -> None:
    """Make `instance.<related_name>.all()` answer `rows` without a query, as `prefetch_related`
    would have (Django keeps a prefetched list in the instance's `_prefetched_objects_cache`,
    under the relation's name). For a list that is a part of one the page holds: an advice
    request's exceptions are some of its case's. `prefetch_related_objects` then skips it."""
    queryset = getattr(instance, related_name).all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[related_name] = queryset


def is_prefetched(instance: models.Model, related_name: str) -> bool:
    """Whether `instance.<related_name>.all()` answers from a prefetched list (no query)."""
    return related_name in getattr(instance, "_prefetched_objects_cache", {})


def forget_prefetched(instance: models.Model, related_name: str) -> None:
    """Drop a prefetched list, so that the next `instance.<related_name>.all()` reads afresh."""
    getattr(instance, "_prefetched_objects_cache", {}).pop(related_name, None)
