"""The disclosure log and lawful basis (LB-01, LB-02, LB-04, LB-05, AU-04, DM-01).

Every share is built from the access table's allowlist, needs consent covering the recipient (or
a recorded override, or a named statutory duty), and leaves a row that says exactly what went to
whom, on what basis, with a hash of the values sent."""

import itertools
from datetime import date

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from agencies.models import DataType
from ehcp.assessments.models import AssessmentStatus
from ehcp.children import services as child_services
from ehcp.common.services import CaseRuleError
from ehcp.governance import services as governance_services
from ehcp.governance.models import AppendOnlyError, DecisionNotToShare, Disclosure
from ehcp.governance.rules import disclosure as rules
from ehcp.governance.selectors import disclosures_of_field
from ehcp.governance.services import case_pack, case_pack_values, disclosure_record
from tests import factories

from .conftest import CONSENT_ON, DECIDED_ON, consent, decide_to_assess, record_comments

pytestmark = pytest.mark.django_db

LATER = date(2027, 4, 1)


def share(case, cast, recipient=None, **overrides):
    kwargs = dict(
        case=case,
        recipient=recipient or cast.health,
        purpose="STATUTORY_ASSESSMENT",
        data_types=["IDENTITY", "HEALTH"],
        fields=["first_name", "last_name", "advice_health"],
        channel="SECURE_EMAIL",
        by=cast.caseworker,
        today=LATER,
    )
    kwargs.update(overrides)
    return disclosure_record(**kwargs)


# -- deciding to assess sends each partner its case pack -----------------------------------------


def test_each_partner_asked_for_advice_gets_one_logged_case_pack_and_the_council_none(
    cast, requested_case
):
    consent(requested_case, cast, [cast.health, cast.ep])

    decide_to_assess(requested_case, cast, kinds=("PARENT_VIEWS", "HEALTH", "PSYCHOLOGICAL"))

    rows = {d.recipient: d for d in Disclosure.objects.all()}
    assert set(rows) == {cast.health, cast.ep}
    health = rows[cast.health]
    assert health.fields == [
        "first_name",
        "last_name",
        "date_of_birth",
        "upn",
        "nhs_number",
        "address",
        "postcode",
        "parents",
        "current_setting",
        "primary_need",
        "request_reasons",
    ]
    assert health.data_types == ["CONTACT", "EDUCATION", "IDENTIFIERS", "IDENTITY"]
    assert health.consent is not None and health.override is None and health.justification == ""
    assert health.art6_basis == rules.ART6_PUBLIC_TASK
    assert (
        health.art9_condition == "" and health.dpa_schedule1_condition == ""
    )  # nothing special-category yet
    assert health.isa_reference == "SEND Information Sharing Agreement v3 (2021)"
    assert health.purpose == "STATUTORY_ASSESSMENT" and health.channel == "PORTAL"
    assert health.shared_by == cast.caseworker
    assert health.content_sha256 == rules.content_sha256(
        case_pack_values(requested_case, health.fields)
    )


def test_case_pack_holds_only_allowlisted_fields_and_no_protected_whereabouts(cast, requested_case):
    child = requested_case.child
    child.protected_whereabouts = True
    child.save()

    data_types, fields, values = case_pack(requested_case, cast.ep)

    assert set(values) == set(fields)
    assert {rules.FIELD_DATA_TYPE[f] for f in fields} <= {
        "IDENTITY",
        "IDENTIFIERS",
        "EDUCATION",
        "PLAN",
    }
    assert not rules.WHEREABOUTS_FIELDS & set(fields)
    flat = str(values)
    for marker in (child.address, child.postcode, "rowena@example.org", cast.school.name):
        assert marker not in flat


def test_consulting_a_setting_sends_it_the_draft_plan_under_the_statutory_duty(
    cast, draft_issued_case
):
    record_comments(draft_issued_case, cast)

    disclosure = Disclosure.objects.get()
    assert disclosure.recipient == cast.school
    assert "advice_psychological" in disclosure.fields
    assert "advice_health" not in disclosure.fields  # the ISA gives a school no health data
    assert disclosure.consent is None
    assert disclosure.justification == rules.SETTING_CONSULTATION.justification
    assert disclosure.statutory_power == rules.SETTING_CONSULTATION.statutory_power


# -- refusals: nothing is written ----------------------------------------------------------------


@pytest.fixture
def consented_case(cast, requested_case):
    consent(requested_case, cast, [cast.health, cast.ep, cast.school])
    return requested_case


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"purpose": ""}, "Select the purpose of the share"),
        ({"purpose": "MARKETING"}, "Select the purpose of the share"),
        ({"channel": ""}, "Select how the information is sent"),
        ({"channel": "FAX"}, "Select how the information is sent"),
        ({"data_types": [], "fields": []}, "Select the information to share"),
        ({"fields": []}, "Select the fields or documents to share"),
        (
            {"data_types": ["IDENTITY", "SOCIAL_CARE"], "fields": ["first_name"]},
            "does not let this agency receive social care",
        ),
        ({"fields": ["first_name", "ethnicity"]}, "cannot be shared: ethnicity"),
        ({"fields": ["first_name", "upn"]}, "not part of the information selected: upn"),
        ({"fields": ["first_name", "first_name"]}, "Select each field once"),
    ],
)
def test_share_is_refused_and_nothing_written_when_a_field_is_missing_or_outside_the_agreement(
    cast, consented_case, overrides, message
):
    with pytest.raises(CaseRuleError, match=message):
        share(consented_case, cast, **overrides)
    assert not Disclosure.objects.exists()


def test_share_is_refused_when_the_agreement_is_not_configured(cast, consented_case):
    with override_settings(ISA_REFERENCE=""), pytest.raises(CaseRuleError, match="ISA_REFERENCE"):
        share(consented_case, cast)
    assert not Disclosure.objects.exists()


def test_share_is_refused_to_the_council_itself_to_an_inactive_agency_and_by_a_partner(
    cast, consented_case
):
    with pytest.raises(CaseRuleError, match="not a recipient"):
        share(
            consented_case,
            cast,
            recipient=cast.council,
            data_types=["IDENTITY"],
            fields=["first_name"],
        )
    cast.ep.is_active = False
    cast.ep.save()
    with pytest.raises(CaseRuleError, match="no longer a party"):
        share(
            consented_case, cast, recipient=cast.ep, data_types=["IDENTITY"], fields=["first_name"]
        )
    with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
        share(consented_case, cast, by=cast.health_adviser)
    assert not Disclosure.objects.exists()


def test_protected_whereabouts_are_never_shared(cast, consented_case):
    consented_case.child.protected_whereabouts = True
    consented_case.child.save()
    with pytest.raises(CaseRuleError, match="whereabouts are protected"):
        share(consented_case, cast, data_types=["CONTACT"], fields=["address"])
    assert not Disclosure.objects.exists()


def test_share_is_refused_without_consent_covering_the_recipient(cast, requested_case):
    consent(requested_case, cast, [cast.ep])
    with pytest.raises(
        CaseRuleError,
        match="Record consent for an EHC needs assessment that covers Northshire Community Health",
    ):
        share(requested_case, cast)
    assert not Disclosure.objects.exists()


# -- consent withdrawn, consent overridden (LB-04, LB-05) ----------------------------------------


def test_withdrawal_blocks_later_shares_and_keeps_earlier_ones(cast, consented_case):
    earlier = share(consented_case, cast, today=date(2027, 3, 20))
    record = consented_case.consents.get()
    child_services.consent_withdraw(
        consent=record, withdrawn_on=LATER, reason="Mother phoned", by=cast.caseworker, today=LATER
    )

    with pytest.raises(CaseRuleError, match="Record consent"):
        share(consented_case, cast, today=LATER)

    assert list(Disclosure.objects.all()) == [earlier]
    assert Disclosure.objects.get().content_sha256 == earlier.content_sha256


def test_recorded_override_lets_the_share_go_ahead_under_para_18(cast, requested_case):
    override = child_services.consent_override_record(
        case=requested_case,
        step="REQUEST_ADVICE",
        justification="Safeguarding concern raised by the school nurse; consent would prejudice it",
        by=cast.manager,
    )

    disclosure = share(requested_case, cast)

    assert disclosure.consent is None and disclosure.override == override
    assert disclosure.dpa_schedule1_condition.startswith("DPA 2018 Sch 1 para 18")
    assert disclosure.justification == override.justification
    assert disclosure.art9_condition == rules.ART9_SUBSTANTIAL_PUBLIC_INTEREST  # health data went


def test_deciding_to_assess_with_an_override_logs_the_override_on_each_share(cast, requested_case):
    child_services.consent_override_record(
        case=requested_case,
        step="REQUEST_ADVICE",
        justification="Risk of significant harm to the child",
        by=cast.manager,
    )
    decide_to_assess(requested_case, cast)
    assert Disclosure.objects.count() == 2
    assert all(d.override_id and d.consent_id is None for d in Disclosure.objects.all())


def test_special_category_share_records_article_9_and_schedule_1(cast, consented_case):
    disclosure = share(consented_case, cast)
    assert disclosure.art9_condition == rules.ART9_SUBSTANTIAL_PUBLIC_INTEREST
    assert disclosure.dpa_schedule1_condition == rules.SCH1_STATUTORY_PURPOSES


# -- the database refuses a row without a basis (LB-01, LB-02) ------------------------------------


def row(case, cast, **overrides):
    values = dict(
        case=case,
        child=case.child,
        recipient=cast.health,
        purpose="STATUTORY_ASSESSMENT",
        data_types=["IDENTITY"],
        fields=["first_name"],
        content_sha256="0" * 64,
        art6_basis=rules.ART6_PUBLIC_TASK,
        statutory_power="Children and Families Act 2014 s.36",
        isa_reference="ISA v3",
        justification="Statutory duty",
        channel="PORTAL",
        shared_by=cast.caseworker,
        shared_at=timezone.now(),
    )
    values.update(overrides)
    return values


@pytest.mark.parametrize(
    "overrides",
    [
        {"art6_basis": None},
        {"art6_basis": ""},
        {"isa_reference": ""},
        {"isa_reference": None},
        {"purpose": ""},
        {"statutory_power": ""},
        {"content_sha256": ""},
        {"justification": ""},  # neither consent nor a justification
        {"data_types": ["IDENTITY", "HEALTH"]},  # special category without Art 9 / Sch 1
        {"data_types": ["SAFEGUARDING"], "art9_condition": rules.ART9_SUBSTANTIAL_PUBLIC_INTEREST},
        {"data_types": ["SOCIAL_CARE"], "dpa_schedule1_condition": rules.SCH1_STATUTORY_PURPOSES},
    ],
    ids=lambda o: ",".join(f"{k}={v!r}"[:40] for k, v in o.items()),
)
def test_direct_insert_without_a_lawful_basis_raises_integrity_error(
    cast, requested_case, overrides
):
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(**row(requested_case, cast, **overrides))
    assert not Disclosure.objects.exists()


def test_direct_insert_with_an_override_but_no_justification_raises_integrity_error(
    cast, requested_case
):
    override = child_services.consent_override_record(
        case=requested_case,
        step="REQUEST_ADVICE",
        justification="Risk of significant harm to the child",
        by=cast.manager,
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Disclosure.objects.create(**row(requested_case, cast, override=override, justification=""))


def test_special_category_rows_need_both_conditions_for_every_selection_of_data_types(
    cast, requested_case
):
    """LB-02, over every subset of the data types: the insert fails without the Art 9 and Sch 1
    conditions exactly when the subset holds a special category type, and succeeds with them."""
    types = sorted(DataType.values)
    for n in range(1, len(types) + 1):
        for subset in itertools.combinations(types, n):
            special = bool(rules.SPECIAL_CATEGORY.intersection(subset))
            try:
                with transaction.atomic():
                    Disclosure.objects.create(**row(requested_case, cast, data_types=list(subset)))
                saved = True
            except IntegrityError:
                saved = False
            assert saved is not special, subset
            with transaction.atomic():
                Disclosure.objects.create(
                    **row(
                        requested_case,
                        cast,
                        data_types=list(subset),
                        art9_condition=rules.ART9_SUBSTANTIAL_PUBLIC_INTEREST,
                        dpa_schedule1_condition=rules.SCH1_STATUTORY_PURPOSES,
                    )
                )


def test_disclosure_rows_cannot_be_changed_or_deleted(cast, consented_case):
    disclosure = share(consented_case, cast)
    disclosure.channel = "POST"
    with pytest.raises(AppendOnlyError):
        disclosure.save()
    with pytest.raises(AppendOnlyError):
        disclosure.delete()
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.update(channel="POST")
    with pytest.raises(AppendOnlyError):
        Disclosure.objects.all().delete()


# -- who received field F about child C, and when (AU-04) -----------------------------------------


def test_field_query_returns_exactly_the_recipients_of_that_field(cast, consented_case):
    first = share(
        consented_case, cast, recipient=cast.health, data_types=["IDENTITY"], fields=["first_name"]
    )
    share(consented_case, cast, recipient=cast.ep, data_types=["IDENTIFIERS"], fields=["upn"])
    third = share(
        consented_case,
        cast,
        recipient=cast.school,
        data_types=["IDENTITY", "IDENTIFIERS"],
        fields=["first_name", "upn"],
    )
    other_case = factories.CaseFactory(council=cast.council)
    consent(other_case, cast, [cast.ep])
    share(other_case, cast, recipient=cast.ep, data_types=["IDENTITY"], fields=["first_name"])

    got = list(disclosures_of_field(consented_case.child, "first_name"))

    assert got == [first, third]
    assert [(d.recipient, d.shared_at) for d in got] == [
        (cast.health, first.shared_at),
        (cast.school, third.shared_at),
    ]
    assert [d.recipient for d in disclosures_of_field(consented_case.child, "upn")] == [
        cast.ep,
        cast.school,
    ]
    assert not disclosures_of_field(consented_case.child, "nhs_number").exists()


def test_changing_the_childs_record_later_does_not_change_the_logged_hash(cast, consented_case):
    disclosure = share(
        consented_case, cast, data_types=["IDENTITY"], fields=["first_name", "last_name"]
    )
    logged = disclosure.content_sha256

    child = consented_case.child
    child.first_name = "Renamed"
    child.save()

    disclosure.refresh_from_db()
    assert disclosure.content_sha256 == logged
    assert rules.content_sha256(case_pack_values(consented_case, disclosure.fields)) != logged


def test_documents_are_logged_by_id_with_their_hash(cast, consented_case):
    class Document:
        public_id = "5b0f6c1e-0000-4000-8000-000000000001"
        sha256 = "a" * 64

    disclosure = share(
        consented_case,
        cast,
        recipient=cast.school,
        data_types=["PLAN"],
        fields=[],
        documents=[Document()],
    )
    assert disclosure.document_ids == [Document.public_id]
    assert disclosure.art9_condition  # a plan has health and care sections
    assert disclosure.content_sha256 == rules.content_sha256(
        {}, [(Document.public_id, Document.sha256)]
    )


# -- decisions not to share (LB-05) ---------------------------------------------------------------


def test_decision_not_to_share_is_recorded_and_nothing_is_shared(cast, consented_case):
    decision = governance_services.decision_not_to_share_record(
        case=consented_case,
        agency=cast.social_care,
        purpose="STATUTORY_ASSESSMENT",
        reason="Not needed for the assessment",
        by=cast.caseworker,
    )
    assert DecisionNotToShare.objects.get() == decision
    assert not Disclosure.objects.exists()
    decision.reason = "Changed"
    with pytest.raises(AppendOnlyError):
        decision.save()


def test_decision_not_to_share_is_refused_without_a_reason(cast, consented_case):
    with pytest.raises(CaseRuleError, match="Enter why"):
        governance_services.decision_not_to_share_record(
            case=consented_case,
            agency=cast.social_care,
            purpose="STATUTORY_ASSESSMENT",
            reason="  ",
            by=cast.caseworker,
        )
    assert not DecisionNotToShare.objects.exists()


def test_shared_case_still_reaches_assessing(cast, requested_case):
    consent(requested_case, cast, [cast.health, cast.ep], on=CONSENT_ON)
    case = decide_to_assess(requested_case, cast, on=DECIDED_ON)
    case.refresh_from_db()
    assert case.status == AssessmentStatus.ASSESSING


def test_agency_the_access_table_lets_receive_nothing_is_sent_nothing(cast, requested_case):
    from agencies.models import DataAccessRule

    DataAccessRule.objects.filter(agency_kind="HEALTH").delete()
    consent(requested_case, cast, [cast.health, cast.ep])

    decide_to_assess(requested_case, cast)

    assert [d.recipient for d in Disclosure.objects.all()] == [cast.ep]
