"""Pure rules: the ICO deadline and notification decisions (AU-08), and the share allowlist (DM-01).
No database."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ehcp.governance.rules import disclosure as rules
from ehcp.governance.rules import incidents

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "aware_at, due",
    [
        (datetime(2027, 3, 1, 9, 0, tzinfo=UTC), datetime(2027, 3, 4, 9, 0, tzinfo=UTC)),
        # 72 elapsed hours across the clocks going forward: 09:00 GMT Fri -> 10:00 BST Mon
        (datetime(2027, 3, 26, 9, 0, tzinfo=LONDON), datetime(2027, 3, 29, 10, 0, tzinfo=LONDON)),
        # and back: 09:00 BST Fri -> 08:00 GMT Mon
        (datetime(2027, 10, 29, 9, 0, tzinfo=LONDON), datetime(2027, 11, 1, 8, 0, tzinfo=LONDON)),
        (
            datetime(2028, 2, 28, 12, 0, tzinfo=UTC),
            datetime(2028, 3, 2, 12, 0, tzinfo=UTC),
        ),  # leap day
    ],
)
def test_GDPR_BREACH_72H(aware_at, due):
    """Report a personal data breach to the ICO within 72 hours of becoming aware of it."""
    assert incidents.ico_deadline(aware_at) == due


def test_deadline_refuses_a_naive_time():
    with pytest.raises(ValueError):
        incidents.ico_deadline(datetime(2027, 3, 1, 9, 0))  # noqa: DTZ001


AWARE = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
NOW = AWARE + timedelta(days=5)


@pytest.mark.parametrize(
    "decision, reasons, notified, expected",
    [
        (
            "NOT_NOTIFY",
            "",
            None,
            ["Explain why the breach does not need to be reported to the ICO"],
        ),
        ("NOT_NOTIFY", "Encrypted laptop; no risk", None, []),
        ("PENDING", "", None, []),
        ("NOTIFY", "", AWARE + timedelta(hours=30), []),
        ("NOTIFY", "", AWARE + timedelta(hours=80), ["more than 72 hours"]),
        ("NOTIFY", "Waited for the partner's report", AWARE + timedelta(hours=80), []),
        ("NOTIFY", "", AWARE - timedelta(hours=1), ["after the council became aware"]),
        ("NOTIFY", "", NOW + timedelta(hours=1), ["now or in the past"]),
        (
            "NOT_NOTIFY",
            "No risk",
            AWARE + timedelta(hours=1),
            ["only if the breach is being reported"],
        ),
        ("MAYBE", "", None, ["Select whether"]),
    ],
)
def test_notification_decision_errors(decision, reasons, notified, expected):
    errors = incidents.decision_errors(
        decision, reasons, aware_at=AWARE, notified_ico_at=notified, now=NOW
    )
    assert len(errors) == len(expected)
    for error, fragment in zip(errors, expected, strict=True):
        assert fragment in error


def test_case_pack_fields_come_only_from_the_allowlist_and_drop_whereabouts():
    assert rules.case_pack_fields(["IDENTITY"], whereabouts_protected=False) == [
        "first_name",
        "last_name",
        "date_of_birth",
    ]
    contact = rules.case_pack_fields(["CONTACT", "EDUCATION"], whereabouts_protected=True)
    assert not rules.WHEREABOUTS_FIELDS & set(contact)
    assert rules.case_pack_fields([], whereabouts_protected=False) == []


def test_every_field_belongs_to_exactly_one_data_type():
    names = [name for fields in rules.CASE_PACK_FIELDS.values() for name in fields]
    assert len(names) == len(set(names)) == len(rules.FIELD_DATA_TYPE)


def test_hash_is_of_the_canonical_json_so_key_order_does_not_matter():
    a = rules.content_sha256({"first_name": "A", "date_of_birth": datetime(2018, 5, 14).date()})
    b = rules.content_sha256({"date_of_birth": datetime(2018, 5, 14).date(), "first_name": "A"})
    assert a == b and len(a) == 64
    assert rules.content_sha256({"first_name": "B"}) != a


def test_basis_is_public_task_and_special_category_adds_article_9_and_para_6():
    plain = rules.lawful_basis(special_category=False)
    special = rules.lawful_basis(special_category=True)
    override = rules.lawful_basis(special_category=True, override_condition=rules.SCH1_SAFEGUARDING)
    assert (plain.art6_basis, plain.art9_condition, plain.dpa_schedule1_condition) == (
        rules.ART6_PUBLIC_TASK,
        "",
        "",
    )
    assert special.art9_condition == rules.ART9_SUBSTANTIAL_PUBLIC_INTEREST
    assert special.dpa_schedule1_condition == rules.SCH1_STATUTORY_PURPOSES
    assert override.dpa_schedule1_condition == rules.SCH1_SAFEGUARDING
