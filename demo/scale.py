"""Scale data: the demo's template children cloned in SQL to a large council or a nation.

Loading a child through the real flow costs about 0.35 s of CPU, so only a small *template* is
loaded that way (`demo.generator.load_demo`: every assessment stage, plans at every review stage,
the Joint Agency Panel). `generate_scale` then copies the template's rows K times, one
``INSERT INTO t (cols) SELECT <exprs> FROM t CROSS JOIN generate_series(...)`` per table and
chunk, built from Django's model metadata (`apps.get_models(include_auto_created=True)`,
`_meta.concrete_fields`), so a new model or field is picked up without touching this module.
Each copy is what the flow would have left (statuses, open tasks, timers, history): correct by
construction. PostgreSQL only.

Every table is in one of four groups:

- static: not copied (content types, permissions, groups, sessions, sign-in records, axes,
  migrations, the data access table `DataAccessRule`);
- council: the reference data of a council, copied once per extra council (copy ``c``): the
  agencies (the council's SEN team, its partners and its schools), the sharing agreement and its
  parties, the panel and its members;
- team: the people, copied once per team (copy ``t``): users and their memberships. A council has
  G teams, each a full copy of the template's staff, so that a caseworker holds about
  ``--cases-per-caseworker`` cases;
- clone: everything else (children, parents, consents, assessments, advice, consultations,
  exceptions, plans and entries, documents and letters, EHC plans, reviews, funding requests,
  meetings and decisions, processes, tasks and their ``previous`` links, notifications and
  notices, disclosures, audit rows ...), copied K times (copy ``k``).

Clone ``k`` (1..K; 0 is the template itself) belongs to council ``c = k mod C`` and team
``t = c*G + (k div C) mod G``. A simple-history table and a many-to-many table follow the model
they record or belong to.

How a column is copied:

- the primary key: ``pk + n * span`` (span: the template's largest pk of that table; ``n`` the
  copy's number in the table's group); the historical tables' ``id`` (the recorded row's key)
  likewise, as a key of the model they record;
- a foreign key: the same, with the span and the copy number of the table it points to (a clone
  row points to its council's copy ``c`` and its team's copy ``t``; a council row to team ``c*G``);
  to a static table, unchanged;
- UUID columns (``public_id``, historical ``public_id``, ``PlanEntry.carried_from``):
  ``md5(uuid || ':' || n)::uuid``, so a copied key and every copy of a reference to it agree;
- unique text columns that nothing else makes unique get a suffix: usernames ``.t``, agency,
  agreement and panel names `` (council c+1)``, notification and notice keys ``#k``;
- ids inside JSON and text (found by hand, listed here; checked against the template's keys at
  run time, so a new key stops the run rather than copying a wrong id):
  ``CaseProcess.data.decision_id`` (Decision), ``CaseTask.data``: ``advice_request``
  (AdviceRequest), ``consultation`` (SettingConsultation), ``decision_id`` (Decision),
  ``cancelled.by`` (User); ``CaseTask.subject_id`` (by node: AdviceRequest, SettingConsultation or
  Decision); ``CaseTask.token`` (viewflow's split tokens embed task keys, ``start/123_2``);
  ``AccessEvent.child_ids`` (Child), ``Disclosure.document_ids`` (PlanDocument),
  ``Decision.quorum_members`` (PanelMember), and the same in their historical tables. UUIDs inside
  other JSON and in ``Notification.link`` and ``Notice.link`` (entry keys of a funding request,
  the case's id in a frozen document, a task's link) are rewritten as the UUID columns are, and
  ``EHC000123`` references in frozen documents to the clone's case: each template value is cut
  once (in Python) at those tokens into a temporary table of parts, and each copy's value is
  the parts joined again with its own tokens.
- generic foreign keys: none in the copied tables (``django_admin_log`` is static; viewflow's
  ``owner_permission_obj_pk`` and ``external_task_id`` are empty in the template: checked).
- everything else is copied as it is. **Dates stay those of the template**: they are the flow's
  real statutory dates for `today`, so every clone is due, late or on time exactly as its template
  child. Names, dates of birth, UPNs and NHS numbers repeat across clones (they are not unique in
  the database); a document's file (its PDF) is the template's.

The foreign keys of the copied tables are dropped before the copy and added back after it (each
added key checks every row in one scan), all in one transaction: it all commits, or nothing does.
Sequences are set to the largest key; then synthetic read-audit rows (`AccessEvent`, about
``--audit-per-child`` a child over the last 180 days, by the case's caseworker and the advisers
who worked on it) and repeat disclosures are added, and the database is analysed.
"""

from __future__ import annotations

import contextlib
import io
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

STATIC, COUNCIL, TEAM, CLONE = "static", "council", "team", "clone"

STATIC_APPS = frozenset({"admin", "contenttypes", "sessions", "axes"})
STATIC_MODELS = frozenset(
    {
        "auth.permission",
        "auth.group",
        "auth.group_permissions",
        "agencies.dataaccessrule",
        "agencies.signinsession",
        # The council's settings for notifications and reminders, and the week's digest run:
        # one of each for the whole service, never a copy per council.
        "notifications.notificationrequirement",
        "notifications.historicalnotificationrequirement",
        "workflows.stepalertrule",
        "workflows.historicalstepalertrule",
        "workflows.weeklydigest",
    }
)
COUNCIL_MODELS = frozenset(
    {"agencies.agency", "agencies.sharingagreement", "panel.panel", "panel.panelmember"}
)
TEAM_MODELS = frozenset({"auth.user", "agencies.membership"})

UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

# Ids inside JSON columns: (app_label.model, column) -> {json path: target model label}. A path
# ending in "[]" is a list of ids.
JSON_IDS = {
    ("workflows.caseprocess", "data"): {("decision_id",): "panel.decision"},
    ("workflows.casetask", "data"): {
        ("advice_request",): "assessments.advicerequest",
        ("consultation",): "assessments.settingconsultation",
        ("decision_id",): "panel.decision",
        ("cancelled", "by"): "auth.user",
    },
    ("governance.accessevent", "child_ids"): {("[]",): "children.child"},
    ("governance.disclosure", "document_ids"): {("[]",): "plans.plandocument"},
    ("panel.decision", "quorum_members"): {("[]",): "panel.panelmember"},
    ("panel.historicaldecision", "quorum_members"): {("[]",): "panel.panelmember"},
}
# JSON keys that hold no ids (checked against the template: an unknown key stops the run).
JSON_PLAIN_KEYS = {
    ("workflows.casetask", "data"): {"share", "funder", "cancelled"},
}
# Text columns that may hold UUIDs of copied rows (links).
TEXT_WITH_UUIDS = frozenset(
    {("notifications.notification", "link"), ("notifications.notice", "link")}
)
# Frozen documents: their `EHC000123` references are the case's.
CASE_REFERENCE_COLUMNS = frozenset(
    {("plans.plandocument", "content"), ("plans.documentrender", "content")}
)
# Unique text columns given a suffix per copy (anything else unique and not made unique by a
# key stops the run).
SUFFIXES = {
    COUNCIL: "' (council ' || ({c} + 1) || ')'",
    TEAM: "'.' || {t}",
    CLONE: "'#' || {k}",
}

ROWS_PER_STATEMENT = 1_500_000


class ScaleError(Exception):
    """The scale data cannot be generated into this database."""


def label(model) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _instance_model(model):
    """The model a simple-history table records, if it is one."""
    return getattr(model, "instance_type", None)


def _owner_model(model):
    """The model a table belongs to: a many-to-many table's owner, a history table's subject
    (and a history many-to-many table's history table's subject)."""
    if model._meta.auto_created:
        return _owner_model(model._meta.auto_created)
    instance = _instance_model(model)
    if instance is not None:
        return _owner_model(instance)
    history = next(
        (
            f
            for f in model._meta.concrete_fields
            if f.name == "history" and f.is_relation and _instance_model(f.related_model)
        ),
        None,
    )
    if history is not None:
        return _owner_model(history.related_model)
    return model


def group_of(model) -> str:
    owner = _owner_model(model)
    name = label(owner)
    if owner._meta.app_label in STATIC_APPS or name in STATIC_MODELS:
        return STATIC
    if name == "auth.user" or (
        model._meta.auto_created and label(model._meta.auto_created) == "auth.user"
    ):
        # A user's groups and permissions are the user's.
        return TEAM
    if name in COUNCIL_MODELS:
        return COUNCIL
    if name in TEAM_MODELS:
        return TEAM
    if owner._meta.app_label == "auth":
        return STATIC
    return CLONE


def copied_models() -> list:
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped:
            continue
        if group_of(model) != STATIC:
            found.append(model)
    return found


# -- the layout: how many copies of what ----------------------------------------------------------


@dataclass
class Layout:
    clones: int  # K: copies of the template's children (the template is copy 0)
    councils: int  # C
    teams: int  # G: teams (copies of the staff) per council

    def copies(self, group: str) -> int:
        """The largest copy number of a group's tables (1..n are written)."""
        return {
            CLONE: self.clones,
            COUNCIL: self.councils - 1,
            TEAM: self.councils * self.teams - 1,
        }[group]

    def dims(self, group: str, n: str = "s.n") -> dict[str, str]:
        """SQL for the copy numbers k, c and t of a row of this group's copy ``n``."""
        C, G = self.councils, self.teams
        if group == CLONE:
            return {
                "k": n,
                "c": f"({n} % {C})",
                "t": f"(({n} % {C}) * {G} + ({n} / {C}) % {G})",
            }
        if group == COUNCIL:
            return {"k": "0", "c": n, "t": f"({n} * {G})"}
        return {"k": "0", "c": f"({n} / {G})", "t": n}

    @staticmethod
    def number_for(group: str) -> str:
        return {CLONE: "k", COUNCIL: "c", TEAM: "t"}[group]


def layout_for(
    *,
    children: int,
    template_children: int,
    councils: int,
    busiest_caseload: int,
    cases_per_caseworker: int,
) -> Layout:
    """K from the children wanted, G so that the busiest caseworker holds about
    `cases_per_caseworker` open cases (a team's caseworkers share the clones of one council)."""
    copies = max(1, math.ceil(children / max(template_children, 1)))
    councils = max(1, min(councils, copies))
    per_council = math.ceil(copies / councils)
    per_team = max(1, round(cases_per_caseworker / max(busiest_caseload, 1)))
    teams = max(1, math.ceil(per_council / per_team))
    return Layout(clones=copies - 1, councils=councils, teams=teams)


# -- SQL for one table ----------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass
class TableCopy:
    model: object
    group: str
    table: str
    columns: list[str]
    exprs: list[str]
    joins: list[str] = field(default_factory=list)
    rows: int = 0
    span: int = 0


def _json_ids_expr(col: str, paths: dict, spans: dict, dims: dict, group_of_label) -> str:
    """SQL for a JSON column with ids at `paths` moved to the copy's rows (each term reads the
    column once: no expression grows with the number of paths)."""
    terms = []
    for path, target in paths.items():
        off = f"({dims[Layout.number_for(group_of_label(target))]}) * {spans.get(target, 0)}"
        if path == ("[]",):
            return (
                f"(SELECT coalesce(jsonb_agg(to_jsonb(x.v::bigint + {off}) ORDER BY x.o), "
                f"'[]'::jsonb) FROM jsonb_array_elements_text({col}) WITH ORDINALITY AS x(v, o))"
            )
        pg_path = "{" + ",".join(path) + "}"
        moved = f"to_jsonb(({col} #>> '{pg_path}')::bigint + {off})"
        value = moved
        if len(path) == 2:
            value = f"jsonb_set({col} -> '{path[0]}', '{{{path[1]}}}', {moved})"
        elif len(path) != 1:
            raise ScaleError(f"JSON ids deeper than two keys are not supported: {path}")
        terms.append(
            f"(CASE WHEN jsonb_typeof({col} #> '{pg_path}') = 'number'"
            f" THEN jsonb_build_object('{path[0]}', {value}) ELSE '{{}}'::jsonb END)"
        )
    return f"({col} || {' || '.join(terms)})"


class Planner:
    """Builds each table's INSERT ... SELECT from the models and the template's spans."""

    def __init__(self, layout: Layout, spans: dict[str, int], cursor):
        self.cursor = cursor
        cursor.execute(
            "SELECT coalesce(max(length(token) - length(replace(token, '/', ''))), 0) + 1"
            " FROM workflows_casetask"
        )
        self.token_depth = cursor.fetchone()[0]
        self.layout = layout
        self.spans = spans  # model label -> the template's largest pk
        self.groups = {label(m): group_of(m) for m in copied_models()}

    def group_of_label(self, name: str) -> str:
        return self.groups.get(name, STATIC)

    def _offset(self, target_label: str, dims: dict) -> str | None:
        group = self.group_of_label(target_label)
        if group == STATIC:
            return None
        return f"{dims[Layout.number_for(group)]} * {self.spans.get(target_label, 0)}"

    def plan(self, model) -> TableCopy:
        meta = model._meta
        group = group_of(model)
        dims = self.layout.dims(group)
        name = label(model)
        instance = _instance_model(model)
        columns, exprs, joins = [], [], []
        uniques = _unique_sets(model)
        suffixed = _suffixed_columns(model, group, uniques, self)
        number = dims[Layout.number_for(group)]
        for f in meta.concrete_fields:
            col = f"t.{_q(f.column)}"
            expr = col
            if f.primary_key and not f.is_relation:
                expr = f"{col} + {number} * {self.spans.get(name, 0)}"
            elif f.is_relation:
                target = label(f.related_model)
                if self.group_of_label(target) == CLONE and group != CLONE:
                    raise ScaleError(
                        f"{meta.db_table}.{f.column}: a {group} row points at a copied row"
                    )
                off = self._offset(target, dims)
                if off is not None:
                    expr = f"{col} + {off}"
            elif instance is not None and f.name == instance._meta.pk.name:
                expr = f"{col} + {self._offset(label(instance), dims)}"
            elif isinstance(f, models.UUIDField):
                expr = f"md5({col}::text || ':' || {number})::uuid"
            elif (name, f.column) == ("workflows.casetask", "subject_id"):
                expr = self._subject_expr(col, dims)
            elif (name, f.column) == ("workflows.casetask", "token"):
                expr = self._token_expr(col, dims)
            elif f.column in suffixed:
                suffix = SUFFIXES[group].format(**dims)
                expr = f"left({col}, {f.max_length} - length({suffix})) || {suffix}"
            elif (
                isinstance(f, models.JSONField) and (label(instance or model), f.column) in JSON_IDS
            ):
                paths = JSON_IDS[(label(instance or model), f.column)]
                expr = _json_ids_expr(col, paths, self.spans, dims, self.group_of_label)
            elif isinstance(f, models.JSONField) or (name, f.column) in TEXT_WITH_UUIDS:
                refs = (label(instance or model), f.column) in CASE_REFERENCE_COLUMNS
                parts = _parts_table(self.cursor, model, f, refs=refs)
                if parts is not None:
                    alias = f"p{len(joins)}"
                    joins.append(
                        f"LEFT JOIN {parts} {alias} ON {alias}.pk = t.{_q(meta.pk.column)}"
                    )
                    case_off = f"{dims['k']} * {self.spans.get('assessments.assessment', 0)}"
                    joined = _assemble(f"{alias}.parts", number, case_off)
                    if isinstance(f, models.JSONField):
                        joined = f"({joined})::jsonb"
                    expr = f"CASE WHEN {alias}.parts IS NULL THEN {col} ELSE {joined} END"
            columns.append(_q(f.column))
            exprs.append(expr)
        return TableCopy(
            model=model,
            group=group,
            table=meta.db_table,
            columns=columns,
            exprs=exprs,
            joins=joins,
        )

    def _subject_expr(self, col: str, dims: dict) -> str:
        whens = " ".join(
            f"WHEN {condition} THEN {self._offset(target, dims)}"
            for condition, target in subject_targets("t.flow_task")
        )
        return f"{col} + CASE {whens} END"

    def _token_expr(self, col: str, dims: dict) -> str:
        """viewflow's token, ``start/<split task>_<n>/...``, with each split task's key moved
        (plain string functions, no subquery: a level for each level the template has)."""
        off = self._offset("workflows.casetask", dims)
        levels = []
        for i in range(2, self.token_depth + 1):
            level = f"split_part({col}, '/', {i})"
            levels.append(
                f"CASE WHEN {level} = '' THEN '' ELSE '/' || (split_part({level}, '_', 1)::bigint"
                f" + {off})::text || '_' || split_part({level}, '_', 2) END"
            )
        if not levels:
            return col
        return f"split_part({col}, '/', 1) || " + " || ".join(levels)


TOKENS = re.compile(f'({UUID_PATTERN})|(?<="EHC)([0-9]{{6,}})(?=")')


def _parts_table(cursor, model, field_, *, refs: bool) -> str | None:
    """A temporary table of the template's values of a text or JSON column cut at the UUIDs
    (and, with `refs`, the "EHC000123" case references) they hold: (pk, parts), the parts
    alternately text as it is and a token (``u:<uuid>`` or ``r:<digits>``). None if no value
    holds any."""
    meta = model._meta
    cursor.execute(
        f"SELECT {_q(meta.pk.column)}, {_q(field_.column)}::text FROM {_q(meta.db_table)}"
        f" WHERE {_q(field_.column)} IS NOT NULL"
    )
    rows = []
    for pk, value in cursor.fetchall():
        parts, at = [], 0
        for match in TOKENS.finditer(value):
            if match.group(1) is None and not refs:
                continue
            parts.append(value[at : match.start()])
            parts.append(("u:" if match.group(1) else "r:") + match.group(0))
            at = match.end()
        if parts:
            parts.append(value[at:])
            rows.append((pk, parts))
    if not rows:
        return None
    name = f"scale_parts_{abs(hash((meta.db_table, field_.column))) % 10**12}"
    cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} (pk bigint PRIMARY KEY, parts text[])")
    name = f"pg_temp.{name}"
    cursor.executemany(f"INSERT INTO {name} (pk, parts) VALUES (%s, %s)", rows)
    return name


def _assemble(parts: str, number: str, case_offset: str) -> str:
    """SQL for a copy's value from its template's parts: each UUID as the UUID columns are
    copied, each case reference to the copy's case."""
    return (
        "(SELECT string_agg(CASE WHEN u.o % 2 = 1 THEN u.p"
        f" WHEN left(u.p, 1) = 'u' THEN md5(substr(u.p, 3) || ':' || {number})::uuid::text"
        f" ELSE lpad((substr(u.p, 3)::bigint + {case_offset})::text, 6, '0') END, '' ORDER BY u.o)"
        f" FROM unnest({parts}) WITH ORDINALITY AS u(p, o))"
    )


def _unique_sets(model) -> list[tuple[str, ...]]:
    meta = model._meta
    sets = [(f.name,) for f in meta.concrete_fields if f.unique and not f.primary_key]
    sets += [tuple(u) for u in meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in meta.constraints
        if isinstance(c, models.UniqueConstraint) and c.fields
    ]
    return sets


def _suffixed_columns(model, group: str, uniques, planner: Planner) -> set[str]:
    """The text columns to give a suffix: one of each unique set that no copied key or UUID
    already makes unique between copies."""
    meta = model._meta
    chosen = set()
    for names in uniques:
        fields = [meta.get_field(n) for n in names]
        if any(f.primary_key or isinstance(f, models.UUIDField) for f in fields):
            continue
        if any(
            f.is_relation
            and planner.group_of_label(label(f.related_model)) == group
            or (
                f.is_relation
                and group == COUNCIL
                and planner.group_of_label(label(f.related_model)) == TEAM
            )
            for f in fields
        ):
            continue
        if any(f.column in chosen for f in fields):
            continue
        text = [f for f in fields if isinstance(f, models.CharField) and not f.choices]
        if not text:
            raise ScaleError(
                f"{meta.db_table}: unique {names} would repeat in every copy and has no text "
                "column to make unique (teach demo/scale.py how to copy it)"
            )
        chosen.add(text[-1].column if label(model).startswith("notifications.") else text[0].column)
    return chosen


def subject_targets(flow_task: str) -> list[tuple[str, str]]:
    """(SQL condition on a task's node, the model its `subject_id` is a key of)."""
    from workflows.flows.assessment import ADVICE_NODES, ADVICE_REVIEW_NODES

    advice = ", ".join(f"'{n}'" for n in sorted(ADVICE_NODES | ADVICE_REVIEW_NODES))
    return [
        (f"{flow_task} LIKE '%.FundingFlow.%'", "panel.decision"),
        (
            f"{flow_task} LIKE '%.StatutoryAssessmentFlow.reply_to_consultation'",
            "assessments.settingconsultation",
        ),
        (
            f"{flow_task} LIKE '%.StatutoryAssessmentFlow.%' AND"
            f" substring({flow_task} from '[^.]+$') IN ({advice})",
            "assessments.advicerequest",
        ),
    ]


# -- checks on the template -------------------------------------------------------------------


def template_checks(cursor) -> None:
    """Stop if the template holds data this module does not know how to copy."""
    for (name, column), plain in JSON_PLAIN_KEYS.items():
        model = apps.get_model(name)
        known = set(plain) | {p[0] for p in JSON_IDS.get((name, column), {})}
        cursor.execute(
            f"SELECT DISTINCT jsonb_object_keys({_q(column)}) FROM {_q(model._meta.db_table)}"
            f" WHERE jsonb_typeof({_q(column)}) = 'object'"
        )
        unknown = {row[0] for row in cursor.fetchall()} - known
        if unknown:
            raise ScaleError(
                f"{model._meta.db_table}.{column} holds keys {sorted(unknown)} that demo/scale.py "
                "does not know (are they ids?)"
            )
    from workflows.models import CaseProcess, CaseTask

    for model in (CaseProcess,):
        cursor.execute(
            f"SELECT DISTINCT jsonb_object_keys(data) FROM {model._meta.db_table}"
            " WHERE jsonb_typeof(data) = 'object'"
        )
        unknown = {row[0] for row in cursor.fetchall()} - {"decision_id"}
        if unknown:
            raise ScaleError(f"{model._meta.db_table}.data holds unknown keys {sorted(unknown)}")
    known = " OR ".join(f"({condition})" for condition, _ in subject_targets("flow_task"))
    cursor.execute(
        f"SELECT DISTINCT flow_task FROM {CaseTask._meta.db_table}"
        f" WHERE subject_id IS NOT NULL AND NOT ({known})"
    )
    unknown = [row[0] for row in cursor.fetchall()]
    if unknown:
        raise ScaleError(f"Tasks with a subject_id of an unknown kind: {unknown}")
    cursor.execute(
        f"SELECT count(*) FROM {CaseTask._meta.db_table} WHERE external_task_id IS NOT NULL"
        " OR coalesce(owner_permission_obj_pk, '') <> ''"
    )
    if cursor.fetchone()[0]:
        raise ScaleError("Tasks with external ids or object permissions: not known how to copy")


# -- running it -------------------------------------------------------------------------------


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    tables: dict[str, tuple[int, float]] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    layout: Layout | None = None
    template_children: int = 0
    children: int = 0
    database_bytes: int = 0


def _spans(cursor, models_) -> dict[str, int]:
    spans = {}
    for model in models_:
        pk = model._meta.pk
        if not isinstance(
            pk, models.AutoField | models.BigAutoField | models.SmallAutoField
        ) and not (pk.is_relation):
            raise ScaleError(f"{model._meta.db_table}: a key that is not a number")
        cursor.execute(
            f"SELECT coalesce(max({_q(pk.column)}), 0), count(*) FROM {_q(model._meta.db_table)}"
        )
        spans[label(model)], _ = cursor.fetchone()
    return spans


def _foreign_keys(cursor, tables: list[str]) -> list[tuple[str, str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
        [[_q(t) if t != t.lower() else t for t in tables]],
    )
    return cursor.fetchall()


def template_caseload() -> int:
    """The most open cases (assessments and reviews under way) one template caseworker holds:
    what a caseworker's inbox and case list show (closed cases are only in the history)."""
    from ehcp.assessments.models import Assessment
    from ehcp.reviews.models import Review

    counts: dict[int, int] = {}
    for model in (Assessment, Review):
        for user_id in (
            model.objects.open().exclude(caseworker=None).values_list("caseworker_id", flat=True)
        ):
            counts[user_id] = counts.get(user_id, 0) + 1
    return max(counts.values(), default=1)


def generated_already() -> bool:
    from django.contrib.auth import get_user_model

    from agencies.models import Agency

    return (
        Agency.objects.filter(name__endswith=")", name__contains=" (council ").exists()
        or get_user_model().objects.filter(username__regex=r"\.[0-9]+$").exists()
        or apps.get_model("notifications", "notification")
        .objects.filter(key__contains="#")
        .exists()
    )


def generate(
    *,
    layout: Layout,
    audit_per_child: int,
    disclosures_per_child: int,
    today: date,
    say: Callable[[str], None],
) -> Report:
    """Copy the template (every row now in the database) as `layout` says; see the module."""
    if connection.vendor != "postgresql":
        raise ScaleError("generate_scale needs PostgreSQL (DATABASE_URL=postgres://...)")
    report = Report(layout=layout)
    started = time.perf_counter()
    to_copy = copied_models()
    with connection.cursor() as cursor:
        template_checks(cursor)
        spans = _spans(cursor, to_copy)
        planner = Planner(layout, spans, cursor)
        plans = [planner.plan(m) for m in to_copy if spans[label(m)]]
        from ehcp.children.models import Child

        report.template_children = Child.objects.count()
        # The read audit and the disclosures get synthetic rows too (`_audit`, `_disclosures`):
        # their keys are set aside as well, or every row inserted would queue a deferred check
        # that runs at COMMIT (47 million rows: two checks each, for tens of minutes).
        synthetic = {
            apps.get_model("governance", name)._meta.db_table
            for name in ("accessevent", "disclosure")
        }
        tables = sorted({p.table for p in plans} | synthetic)
        _audit_partitions(cursor, today)
        with transaction.atomic():
            keys = _foreign_keys(cursor, tables)
            for table, name, _definition in keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
            say(f"Copying {len(plans)} tables ({len(keys)} foreign keys set aside)")
            for plan in plans:
                _copy(cursor, plan, layout, spans, report, say)
            report.phases["copy"] = time.perf_counter() - started
            mark = time.perf_counter()
            _sequences_reset(cursor, to_copy)
            report.phases["sequences"] = time.perf_counter() - mark
            mark = time.perf_counter()
            _audit(cursor, audit_per_child, today, report, say)
            _disclosures(cursor, disclosures_per_child, report, say)
            _sequences_reset(
                cursor,
                [
                    apps.get_model("governance", "accessevent"),
                    apps.get_model("governance", "disclosure"),
                ],
            )
            report.phases["audit"] = time.perf_counter() - mark
            mark = time.perf_counter()
            for table, name, definition in keys:
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
            report.phases["foreign keys checked"] = time.perf_counter() - mark
            say(
                f"  {len(keys)} foreign keys added back and checked ({report.phases['foreign keys checked']:.1f} s)"
            )
        mark = time.perf_counter()
        # VACUUM as well: bulk-loaded tables have no visibility map until vacuumed, so no
        # index-only scan; in production autovacuum does this soon after any large load.
        say("VACUUM ANALYZE ...")
        cursor.execute("VACUUM ANALYZE")
        report.phases["analyze"] = time.perf_counter() - mark
        cursor.execute("SELECT pg_database_size(current_database())")
        report.database_bytes = cursor.fetchone()[0]
        report.children = Child.objects.count()
    report.phases["total"] = time.perf_counter() - started
    return report


def _audit_partitions(cursor, today: date) -> None:
    """On a read audit partitioned by month (governance 0003), a partition for every month the
    copies and the synthetic reads fall in (the template's oldest read to a year ahead), so that
    none of them lands in the DEFAULT partition."""
    from ehcp.governance.partitions import audit_partitions_ensure

    cursor.execute("SELECT min(occurred_at) FROM ehcp_accessevent")
    oldest = cursor.fetchone()[0]
    start = min(oldest.date() if oldest else today, today - timedelta(days=_AUDIT_DAYS + 1))
    months = (today.year - start.year) * 12 + today.month - start.month + 12
    audit_partitions_ensure(today=start, months_ahead=months)


def _sequences_reset(cursor, models_) -> None:
    """Each table's sequence to its largest key, so the next row inserts."""
    for model in models_:
        pk = model._meta.pk
        if pk.is_relation:
            continue
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max({_q(pk.column)}), 0) + 1,"
            f" false) FROM {_q(model._meta.db_table)}",
            [model._meta.db_table, pk.column],
        )


def _copy(cursor, plan: TableCopy, layout: Layout, spans, report: Report, say) -> None:
    copies = layout.copies(plan.group)
    if copies < 1:
        return
    cursor.execute(f"SELECT count(*) FROM {_q(plan.table)}")
    rows = cursor.fetchone()[0]
    if not rows:
        return
    per_statement = max(1, ROWS_PER_STATEMENT // rows)
    mark = time.perf_counter()
    written = 0
    sql = (
        f"INSERT INTO {_q(plan.table)} ({', '.join(plan.columns)}) SELECT {', '.join(plan.exprs)}"
        f" FROM {_q(plan.table)} t {' '.join(plan.joins)}"
        " CROSS JOIN generate_series(__FIRST__, __LAST__) AS s(n)"
        f" WHERE t.{_q(plan.model._meta.pk.column)} <= __SPAN__"
    )
    span = spans[label(plan.model)]
    for first in range(1, copies + 1, per_statement):
        last = min(copies, first + per_statement - 1)
        cursor.execute(
            sql.replace("__FIRST__", str(first))
            .replace("__LAST__", str(last))
            .replace("__SPAN__", str(span))
        )
        written += cursor.rowcount
    seconds = time.perf_counter() - mark
    report.tables[plan.table] = (written, seconds)
    say(f"  {plan.table:<45} {written:>12,} rows {seconds:8.1f} s")


_AUDIT_DAYS = 180  # the synthetic reads fall in the last 180 days


def _audit(cursor, per_child: int, today: date, report: Report, say) -> None:
    """Read-audit rows: per child, about `per_child` page reads over the last 180 days: four in
    five by the caseworker of the child's latest assessment (as the council), the rest by the
    advisers who submitted advice on it (as a partner)."""
    if per_child <= 0:
        return
    from agencies.access import ALL_DATA_TYPES, data_types_for
    from agencies.models import AgencyKind
    from ehcp.children.rules.consent import Purpose

    anchor = timezone.make_aware(datetime.combine(today, datetime.min.time()) + timedelta(hours=17))
    council_types = sorted(ALL_DATA_TYPES)
    kinds = " ".join(
        f"WHEN '{kind}' THEN '{_json(sorted(data_types_for({kind}, Purpose.STATUTORY_ASSESSMENT)))}'"
        for kind in AgencyKind.values
    )
    mark = time.perf_counter()
    council_n = max(1, round(per_child * 0.8))
    partner_n = max(0, per_child - council_n)
    spread = _AUDIT_DAYS * 24 * 3600
    cursor.execute(
        f"""
        INSERT INTO ehcp_accessevent (user_id, roles, agency_id, child_id, case_id, what,
            data_types, relationship, break_glass_id, child_ids, severity, occurred_at,
            request_id, ip)
        SELECT a.caseworker_id, '["CASEWORKER"]'::jsonb, a.council_id, a.child_id, a.id, 'case',
            %s::jsonb, 'council', NULL, '[]'::jsonb, 'NORMAL',
            %s::timestamptz - ((a.id * 7919 + g * 104729) %% {spread}) * interval '1 second',
            'scale-' || a.id || '-' || g, '127.0.0.1'
        FROM (SELECT DISTINCT ON (child_id) id, child_id, caseworker_id, council_id
              FROM ehcp_case WHERE caseworker_id IS NOT NULL ORDER BY child_id, id DESC) a
        CROSS JOIN generate_series(1, %s) AS g
        """,
        [_json(council_types), anchor, council_n],
    )
    written = cursor.rowcount
    if partner_n:
        cursor.execute(
            f"""
            INSERT INTO ehcp_accessevent (user_id, roles, agency_id, child_id, case_id, what,
                data_types, relationship, break_glass_id, child_ids, severity, occurred_at,
                request_id, ip)
            SELECT r.submitted_by_id, jsonb_build_array(m.role), r.agency_id, c.child_id, c.id,
                'case', (CASE ag.kind {kinds} ELSE '[]' END)::jsonb, 'partner', NULL,
                '[]'::jsonb, 'NORMAL',
                %s::timestamptz - ((r.id * 6007 + g * 7877) %% {spread}) * interval '1 second',
                'scale-p' || r.id || '-' || g, '127.0.0.1'
            FROM (SELECT DISTINCT ON (case_id) id, case_id, agency_id, submitted_by_id
                  FROM ehcp_advicerequest WHERE submitted_by_id IS NOT NULL
                  ORDER BY case_id, id) r
            JOIN ehcp_case c ON c.id = r.case_id
            JOIN agencies_agency ag ON ag.id = r.agency_id
            JOIN LATERAL (SELECT role FROM agencies_membership WHERE user_id = r.submitted_by_id
                          AND agency_id = r.agency_id ORDER BY id LIMIT 1) m ON true
            CROSS JOIN generate_series(1, %s) AS g
            """,
            [anchor, partner_n],
        )
        written += cursor.rowcount
    seconds = time.perf_counter() - mark
    report.tables["ehcp_accessevent (synthetic)"] = (written, seconds)
    say(f"  {'ehcp_accessevent (synthetic reads)':<45} {written:>12,} rows {seconds:8.1f} s")


def _disclosures(cursor, per_child: int, report: Report, say) -> None:
    """Repeat shares: each disclosure of the copies shared again `per_child`-ish times, a week
    apart (the same basis, consent and recipient: an update sent to the partner)."""
    if per_child <= 0:
        return
    model = apps.get_model("governance", "disclosure")
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    exprs = []
    for col in columns:
        if col == "public_id":
            exprs.append("md5(t.public_id::text || ':again:' || g)::uuid")
        elif col == "shared_at":
            exprs.append("t.shared_at - g * interval '7 days'")
        else:
            exprs.append(f"t.{_q(col)}")
    mark = time.perf_counter()
    cursor.execute("SELECT count(*), count(DISTINCT child_id) FROM ehcp_disclosure")
    rows, children = cursor.fetchone()
    times = max(1, round(per_child * children / max(rows, 1)))
    cursor.execute(
        f"INSERT INTO ehcp_disclosure ({', '.join(_q(c) for c in columns)})"
        f" SELECT {', '.join(exprs)} FROM ehcp_disclosure t CROSS JOIN generate_series(1, %s) g",
        [times],
    )
    seconds = time.perf_counter() - mark
    report.tables["ehcp_disclosure (synthetic)"] = (cursor.rowcount, seconds)
    say(f"  {'ehcp_disclosure (repeat shares)':<45} {cursor.rowcount:>12,} rows {seconds:8.1f} s")


def _json(value) -> str:
    import json

    return json.dumps(value)


# -- the template -------------------------------------------------------------------------------


def template_prepare(*, children: int, seed: int, today: date, say) -> None:
    """Load the demo as the template (unless it is loaded), then do what the background worker
    would (fire due chasers, send the e-mails waiting, render the documents waiting), so that the
    clones start from a settled state and nothing is left for the worker to do a million times."""
    from demo import generator as demo
    from ehcp.plans.models import DocumentRender
    from notifications.services import notification_send_pending
    from workflows.timers import fire_due_timers

    if not demo.demo_data_loaded():
        if demo.demo_load_unfinished():
            raise ScaleError(
                "A previous load_demo stopped before it finished: use an empty database"
            )
        mark = time.perf_counter()
        say(f"Loading the template: {children} children through the real flow ...")
        sink = io.StringIO()
        with contextlib.redirect_stdout(sink), _eager(False):
            demo.load_demo(children=children, seed=seed, today=today)
        say(f"  template loaded ({time.perf_counter() - mark:.0f} s)")
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink):
        if today == timezone.localdate():
            fire_due_timers()
        while notification_send_pending():
            pass
    pending = DocumentRender.objects.filter(document__isnull=True).count()
    if pending:
        from django.core.management import call_command

        mark = time.perf_counter()
        say(f"Rendering the template's {pending} documents ...")
        call_command("render_documents", stdout=sink)
        say(f"  rendered ({time.perf_counter() - mark:.0f} s)")


@contextlib.contextmanager
def _eager(value: bool):
    old = getattr(settings, "CELERY_TASK_ALWAYS_EAGER", True)
    settings.CELERY_TASK_ALWAYS_EAGER = value
    try:
        yield
    finally:
        settings.CELERY_TASK_ALWAYS_EAGER = old
