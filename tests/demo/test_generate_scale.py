"""`manage.py generate_scale`: the demo template cloned in SQL (demo/scale.py).

A small template (a few assessment children, the review and panel scenarios) copied 3 times over
2 councils: every copied table holds 4 times the template's rows, every foreign key is checked
when the copy commits (they are added back, which checks each row), sequences go on from the
largest key, an open task of a clone can be claimed and completed and its flow moves on, and a
clone's pages open for its own council and are not found for the other. PostgreSQL only (the
copy is INSERT ... SELECT over generate_series, and real commits: transaction=True).
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership
from demo import scale
from ehcp.assessments.models import Assessment
from ehcp.children.models import Child, ParentCarer
from ehcp.governance import partitions
from ehcp.governance.models import AccessEvent
from ehcp.plans.models import EhcPlan
from ehcp.reviews.models import Review, ReviewStatus
from ehcp.reviews.services import review as review_services
from workflows import services as wf
from workflows.models import CaseTask

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="generate_scale needs PostgreSQL: set DATABASE_URL=postgres://...",
    ),
]

CLONES, COUNCILS = 3, 2


def _counts(models_) -> dict[str, int]:
    return {scale.label(m): m._default_manager.using("default").count() for m in models_}


def _count_rows(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0]


def _foreign_key_count() -> int:
    """Foreign keys of the tables (a partition of the read audit has its parent's: the generator
    may add months)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid"
            " WHERE c.contype = 'f' AND NOT t.relispartition"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def generated():
    """The template (3 assessment children, the reviews and the panel), then 3 clones over 2
    councils, with a few audit rows and repeat disclosures."""
    today = timezone.localdate()
    scale.template_prepare(children=3, seed=7, today=today, say=lambda line: None)
    models_ = scale.copied_models()
    before = {scale.label(m): _count_rows(m) for m in models_}
    spans = {scale.label(m): _max_pk(m) for m in models_}
    keys = _foreign_key_count()
    layout = scale.Layout(clones=CLONES, councils=COUNCILS, teams=1)
    scale.generate(
        layout=layout,
        audit_per_child=5,
        disclosures_per_child=1,
        today=today,
        say=lambda line: None,
    )
    return {"before": before, "spans": spans, "keys": keys, "layout": layout, "today": today}


def _max_pk(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(max({connection.ops.quote_name(model._meta.pk.column)}), 0)"
            f" FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        return cursor.fetchone()[0]


def test_every_copied_table_holds_its_template_rows_once_per_copy_and_keys_hold(generated):
    before = generated["before"]
    assert before["children.child"] > 10  # the template has assessment and review children
    assert before["workflows.casetask"] and before["panel.decision"]
    synthetic = {"governance.accessevent", "governance.disclosure"}
    for model in scale.copied_models():
        group = scale.group_of(model)
        copies = generated["layout"].copies(group) + 1
        expected = before[scale.label(model)] * copies
        if scale.label(model) in synthetic:
            assert _count_rows(model) > expected, model._meta.db_table
        else:
            assert _count_rows(model) == expected, model._meta.db_table
    # The synthetic reads are by people of the agency they read as, of the case's council or
    # an agency that gave advice on it.
    reads = AccessEvent.objects.filter(request_id__startswith="scale-")
    assert (
        reads.count()
        >= 4 * Child.objects.filter(cases__caseworker__isnull=False).distinct().count()
    )
    member = Membership.objects.filter(user_id=OuterRef("user_id"), agency_id=OuterRef("agency_id"))
    assert not reads.exclude(Exists(member)).exists()
    assert (
        not reads.filter(relationship="council").exclude(agency_id=F("case__council_id")).exists()
    )
    assert reads.filter(relationship="partner").exists()
    # Every read, copied or synthetic, is in its month's partition, none in DEFAULT.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT_PARTITION}")
        assert cursor.fetchone()[0] == 0
    # Each group as designed: users per council (one team each), children per clone.
    assert scale.group_of(get_user_model()) == scale.TEAM
    assert scale.group_of(Child) == scale.CLONE
    assert scale.group_of(CaseTask._meta.get_field("previous").remote_field.through) == scale.CLONE
    # The foreign keys were set aside and every one added back (each checked every row).
    assert _foreign_key_count() == generated["keys"]

    _sequences_go_on_from_the_largest_key(generated)
    _a_clone_keeps_its_template_shape_and_its_own_keys(generated)
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("generate_scale", children=100, stdout=StringIO())


def _sequences_go_on_from_the_largest_key(generated):
    with connection.cursor() as cursor:
        for model in scale.copied_models():
            pk = model._meta.pk
            if pk.is_relation:
                continue
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column]
            )
            sequence = cursor.fetchone()[0]
            cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
            last, called = cursor.fetchone()
            following = last + 1 if called else last
            assert following > _max_pk(model), model._meta.db_table
    child = Child.objects.order_by("pk").last()
    parent = ParentCarer.objects.create(child=child, name="A New Parent", relationship="mother")
    assert parent.pk > generated["spans"]["children.parentcarer"] * (CLONES + 1) - 1


def _a_clone_keeps_its_template_shape_and_its_own_keys(generated):
    spans = generated["spans"]
    template = Assessment.objects.filter(pk__lte=spans["assessments.assessment"])
    clone_of_first = Assessment.objects.get(
        pk=template.order_by("pk").first().pk + 2 * spans["assessments.assessment"]
    )
    first = template.order_by("pk").first()
    assert clone_of_first.status == first.status
    assert clone_of_first.request_received_on == first.request_received_on  # dates kept
    assert clone_of_first.public_id != first.public_id
    assert clone_of_first.child_id == first.child_id + 2 * spans["children.child"]
    # Clone 2 is council 0's (2 mod 2), clone 1 the second council's, with its own agency.
    assert clone_of_first.council_id == first.council_id
    clone_1 = Assessment.objects.get(pk=first.pk + spans["assessments.assessment"])
    assert clone_1.council_id == first.council_id + spans["agencies.agency"]
    assert " (council 2)" in clone_1.council.name
    # A clone's tasks and advice point at the clone's own rows.
    for task in CaseTask.objects.filter(case=clone_1).exclude(subject_id=None):
        if task.flow_task.name.endswith("advice") or task.flow_task.name.endswith("_review"):
            assert clone_1.advice_requests.filter(pk=task.subject_id).exists()
    for task in CaseTask.objects.filter(case=clone_1, token__contains="/"):
        split = int(task.token.split("/")[1].split("_")[0])
        assert CaseTask.objects.filter(pk=split, process_id=task.process_id).exists()
    # A plan's copy of its child's date of birth (the review pipeline's) is its own child's.
    assert EhcPlan.objects.count() > 4
    assert not EhcPlan.objects.exclude(child_date_of_birth=F("child__date_of_birth")).exists()


def test_an_open_task_of_a_clone_is_done_through_the_flow_and_pages_follow_council(
    generated, client
):
    spans = generated["spans"]
    review = (
        Review.objects.filter(status=ReviewStatus.DUE, pk__gt=spans["reviews.review"])
        .exclude(council_id__lte=spans["agencies.agency"])
        .select_related("caseworker", "child")
        .first()
    )
    assert review is not None, "a clone of the review whose meeting is to arrange, council 2"
    task = CaseTask.objects.get(
        review=review, status__in=("NEW", "ASSIGNED"), flow_task_type="HUMAN"
    )
    assert task.flow_task.name == "arrange_meeting"
    caseworker = review.caseworker
    assert caseworker.username.endswith(".1")  # the second council's own staff
    today = generated["today"]
    if task.owner_id is None:
        task = wf.task_claim(task=task, user=caseworker)
    wf.task_complete(
        task=task,
        user=caseworker,
        perform=lambda r: review_services.review_meeting_arrange(
            review=r, meeting_on=today + timedelta(days=35), by=caseworker, today=today
        ),
    )
    review.refresh_from_db()
    assert review.status == ReviewStatus.ARRANGED
    following = CaseTask.objects.filter(
        review=review, status__in=("NEW", "ASSIGNED"), flow_task_type="HUMAN"
    )
    assert [t.flow_task.name for t in following] == ["send_invitations"]

    case = Assessment.objects.filter(child=review.child).first()
    client.force_login(caseworker)
    assert client.get(reverse("ehcp:case-detail", args=[case.public_id])).status_code == 200
    assert (
        client.get(reverse("children:child-detail", args=[review.child.public_id])).status_code
        == 200
    )
    assert client.get(reverse("reviews:detail", args=[review.public_id])).status_code == 200
    # The first council's caseworker does not see the second council's child.
    other = get_user_model().objects.get(username="caseworker")
    client.force_login(other)
    assert client.get(reverse("ehcp:case-detail", args=[case.public_id])).status_code == 404
    assert client.get(
        reverse("children:child-detail", args=[review.child.public_id])
    ).status_code in (403, 404)
    assert client.get(reverse("reviews:detail", args=[review.public_id])).status_code in (403, 404)
