"""Back-dating what a demo step writes, without faking the clock.

The services take the step's date (`today=`, `decided_on=` ...), so statutory dates and due dates
are right as written. What they stamp from the clock (history rows' `history_date`, `created_at`
and other `auto_now_add` fields, viewflow's `created`, `assigned` and `finished`, `submitted_at`,
`sent_at` ...) says when the row was loaded. `StepClock.at(day)` moves those stamps to the day
the step happened, at a working-hours time, once the step has committed (so what runs after the
commit, such as e-mails sent and documents rendered, is moved too).

A stamp is moved when it is on a row the step wrote and its value lies between the moment the
step started and the moment it finished: that is, it was read from the clock during the step.
Each is moved by the same amount, so rows keep their order and spacing, as if the clock had
started at the step's moment and run on. Instants computed from dates (a timer's `scheduled`
time) are left alone.

Two ways, for two kinds of stamp. A value the code sets before saving (`history_date`, viewflow's
`created`, `shared_at` ...) is moved as the row is saved (a `pre_save` receiver); that is the only
way for audit and disclosure rows, which can never be updated (`AppendOnlyModel`, and a trigger
on PostgreSQL). What Django or the database sets during the save (`auto_now`, `auto_now_add`)
and what a bulk `update()` or `bulk_create()` writes is moved by an `UPDATE` after the step, on
the rows the step saved (`post_save`) or inserted (their keys follow the table's last key before
the step's first `INSERT` into it), so the cost does not grow with the size of the tables.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta

from django.apps import apps
from django.db import connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from ehcp.governance.models import AppendOnlyModel

WORKING_DAY_STARTS = time(9, 0)
WORKING_MINUTES = 8 * 60

# Instants the code computes from dates rather than reads from the clock.
COMPUTED = frozenset({("viewflow", "task", "scheduled"), ("sessions", "session", "expire_date")})


def stamp_fields() -> dict[type[models.Model], tuple[str, ...]]:
    """Every concrete model with date-time columns, each column on the model whose table holds
    it (a multi-table child's inherited columns are its parent's)."""
    found = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        names = tuple(
            field.name
            for field in meta.local_concrete_fields
            if isinstance(field, models.DateTimeField)
            and (meta.app_label, meta.model_name, field.name) not in COMPUTED
        )
        if names:
            found[model] = names
    return found


def _last_pk(model) -> object:
    return model._base_manager.order_by("-pk").values_list("pk", flat=True).first()


class StepClock:
    """The working-hours moment of each step, drawn from its own seeded generator."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed + 1)
        self._fields = None
        self._tables = None

    def moment(self, day: date) -> datetime:
        minutes = self.rng.randint(0, WORKING_MINUTES)
        start = datetime.combine(day, WORKING_DAY_STARTS) + timedelta(minutes=minutes)
        return timezone.make_aware(start)

    @contextmanager
    def at(self, day: date, *, when: time | None = None):
        """Run a step, then move the clock stamps it wrote to `day`: to the time `when` if given
        (a step whose own record says when it happened, such as a panel meeting's), otherwise to
        a working-hours time drawn from the seed."""
        if self._fields is None:
            self._fields = stamp_fields()
            self._tables = {
                model._meta.db_table: model
                for model in self._fields
                if not issubclass(model, AppendOnlyModel)  # moved as they are written
            }
        fields, tables = self._fields, self._tables
        moment = (
            self.moment(day) if when is None else timezone.make_aware(datetime.combine(day, when))
        )
        started = timezone.now()
        if moment > started and timezone.localdate(moment) == timezone.localdate(started):
            moment = started  # later today: it has not happened yet, so it happens now
        delta = moment - started
        if not delta:
            yield moment
            return
        before = {}  # model -> its last pk before the step's first insert into its table
        saved = defaultdict(set)

        def move(sender, instance, **kwargs):
            """Move the stamps read from the clock during this step on `instance`."""
            meta = sender._meta.concrete_model._meta
            now = timezone.now()
            for model in (meta.model, *meta.get_parent_list()):
                for name in fields.get(model, ()):
                    value = getattr(instance, name)
                    if value is not None and started <= value <= now:
                        setattr(instance, name, value + delta)

        def note(sender, instance, **kwargs):
            """Remember the row for the UPDATE after the step, and move what the save stamped
            (`auto_now`) on the instance too, so that saving it again writes the moved value."""
            meta = sender._meta.concrete_model._meta
            for model in (meta.model, *meta.get_parent_list()):
                saved[model].add(instance.pk)
            move(sender, instance)

        def watch(execute, sql, params, many, context):
            """Before the step's first insert into a table, note the table's last pk: the rows
            after it are new (`bulk_create` sends no signal)."""
            if match := _INSERT.match(sql):
                model = tables.get(match.group(1))
                if model is not None and model not in before:
                    before[model] = _last_pk(model)
            return execute(sql, params, many, context)

        pre_save.connect(move, weak=False, dispatch_uid="demo-step-clock-move")
        post_save.connect(note, weak=False, dispatch_uid="demo-step-clock")
        try:
            with connection.execute_wrapper(watch):
                yield moment
        finally:
            pre_save.disconnect(dispatch_uid="demo-step-clock-move")
            post_save.disconnect(dispatch_uid="demo-step-clock")
        finished = timezone.now()
        with transaction.atomic():
            for model in set(before) | (set(saved) & set(tables.values())):
                _shift(
                    model,
                    fields[model],
                    inserted=model in before,
                    new_after=before.get(model),
                    saved_pks=saved.get(model),
                    started=started,
                    finished=finished,
                    delta=delta,
                )


# `INSERT INTO`, or on SQLite `INSERT OR IGNORE INTO` (`bulk_create(ignore_conflicts=True)`).
_INSERT = re.compile(r'\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+["`]?(\w+)', re.IGNORECASE)


def _shift(model, names, *, inserted, new_after, saved_pks, started, finished, delta) -> None:
    """Move the stamps in [started, finished] on the rows inserted after pk `new_after` or saved
    during the step (a stamp already moved as it was saved is before `started`, so it is not
    moved twice)."""
    if inserted and (new_after is None or not isinstance(model._meta.pk, models.AutoField)):
        scope = models.Q()  # the table was empty (or its keys are not in order): the window decides
    else:
        scope = models.Q(pk__in=saved_pks or ())
        if inserted:
            scope |= models.Q(pk__gt=new_after)
    rows = model._base_manager.filter(scope)
    for name in names:
        rows.filter(**{f"{name}__range": (started, finished)}).update(
            **{name: models.F(name) + delta}
        )
