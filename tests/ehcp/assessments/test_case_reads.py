"""The case page reads its consents and consent overrides once: the access check and the page
share them (`case_consents_prefetch`, `case_page_annotations`), and what the prefetched reads
answer is what the queries answer."""

import pytest
from django.db.models import prefetch_related_objects

from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.assessments.selectors import case_consents_prefetch, case_page_annotations
from ehcp.children.models import ConsentGiver, ConsentMethod, ConsentOverride, ConsentRecord
from ehcp.children.rules.consent import Step
from tests.factories import CaseWalk

pytestmark = pytest.mark.django_db


def _consent(cast, child, *, case=None):
    record = ConsentRecord.objects.create(
        child=child,
        case=case,
        purpose="STATUTORY_ASSESSMENT",
        given_by=ConsentGiver.PARENT,
        given_by_name="Morwenna Quillfeather",
        given_on=child.date_of_birth.replace(year=2026),
        method=ConsentMethod.WRITTEN,
        recorded_by=cast.caseworker,
    )
    record.agencies.set([cast.health])
    return record


def test_consent_records_from_the_prefetched_consents_are_those_the_query_finds(
    cast, django_assert_num_queries
):
    # an earlier request for the child, refused, with its own consent: it does not count for
    # the new one; a consent recorded for the child without a request does
    earlier = CaseWalk(cast, advice=("HEALTH",)).to(AssessmentStatus.REFUSED)
    child = earlier.case.child
    _consent(cast, child, case=earlier.case)
    without_request = _consent(cast, child)
    walk = CaseWalk(cast, advice=("HEALTH",))
    walk.receive(caseworker=None, child=child, child_details=None)
    given = walk.consent()

    queried = Assessment.objects.get(pk=walk.case.pk)
    expected = {given.pk, without_request.pk}
    assert {r.pk for r in queried.consent_records()} == expected
    facts = queried.consent_facts()

    read = Assessment.objects.select_related("child").get(pk=walk.case.pk)
    prefetch_related_objects([read], case_consents_prefetch())
    with django_assert_num_queries(0):
        records = read.consent_records()
        assert {r.pk for r in records} == expected
        assert read.consent_facts() == facts


def test_a_consent_override_is_read_from_the_annotation_or_the_prefetch(
    cast, django_assert_num_queries
):
    walk = CaseWalk(cast, advice=("HEALTH",))
    walk.receive(caseworker=None)

    def read():
        return Assessment.objects.annotate(**case_page_annotations()).get(pk=walk.case.pk)

    case = read()
    with django_assert_num_queries(0):
        assert case.has_consent_override(Step.REQUEST_ADVICE) is False

    ConsentOverride.objects.create(
        case=walk.case,
        step=Step.REQUEST_ADVICE,
        justification="The child is at risk; the parent cannot be found",
        authorised_by=cast.manager,
    )
    case = read()
    with django_assert_num_queries(1):
        assert case.has_consent_override(Step.REQUEST_ADVICE) is True
    prefetch_related_objects([case], "consent_overrides")
    with django_assert_num_queries(0):
        assert case.has_consent_override(Step.REQUEST_ADVICE) is True
        assert case.has_consent_override(Step.FUNDING_PANEL) is False
