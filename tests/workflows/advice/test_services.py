"""The advice services (ehcp.assessments.services.advice): drafts, uploads, submission, review, more time.

Every refusal is a CaseRuleError that changes nothing (the whole database is compared)."""

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
from django.core.files.storage import default_storage
from django.test import override_settings
from django.utils import timezone

from agencies.models import Role
from ehcp.assessments.models import (
    AdviceAttachment,
    AdviceEntry,
    AdviceStatus,
    ExtensionDecision,
    StatutoryException,
)
from ehcp.assessments.rules.deadlines import DeadlineState
from ehcp.assessments.services import advice as services
from ehcp.assessments.services.advice import EntryInput
from ehcp.common.services import CaseRuleError
from ehcp.plans.services import advice_candidates
from notifications.models import Notification
from tests.factories import advice_entries, db_state, member
from workflows import services as workflow_services
from workflows.flows import CHASE_AT
from workflows.models import CaseTask

from .conftest import MINIMAL_PDF, docx_bytes, image_bytes, upload

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
ON = date(2027, 4, 24)  # the walk's advice day; advice is due on Thu 6 May 2027


@contextmanager
def refused(*fragments: str):
    before = db_state()
    with pytest.raises(CaseRuleError) as info:
        yield info
    assert db_state() == before
    for fragment in fragments:
        assert fragment in str(info.value)


@pytest.fixture
def advice(assessing):
    """The advice advice, not yet written."""
    return assessing.advice_request("HEALTH")


def stored_names() -> set[str]:
    try:
        return set(default_storage.listdir("advice")[1])
    except FileNotFoundError:
        return set()


# -- drafts ------------------------------------------------------------------------------------


def test_draft_is_saved_with_linked_entries_and_the_flow_does_not_move(cast, assessing, advice):
    task = assessing.advice_task("HEALTH")

    services.advice_draft_save(
        advice=advice, entries=advice_entries("HEALTH"), by=cast.health_adviser, today=ON
    )

    advice.refresh_from_db()
    assert advice.status == AdviceStatus.DRAFT and advice.draft_saved_at is not None
    assert advice.received_on is None and advice.summary == ""
    need, outcome, provision = advice.entries.order_by("order")
    assert (need.kind, need.plan_section, outcome.kind, provision.plan_section) == (
        "NEED",
        "C",
        "OUTCOME",
        "G",
    )
    assert set(provision.links.all()) == {need, outcome}
    assert provision.is_quantified and provision.frequency_text == "twice a week"
    task.refresh_from_db()
    assert task.is_open
    assert advice.history.first().history_change_reason == "Draft advice saved"


def test_draft_entries_can_be_added_changed_and_removed_one_by_one(cast, advice):
    need = services.advice_entry_save(
        advice=advice, data=EntryInput("NEED", "C", "Poor sleep"), by=cast.health_adviser
    )
    provision = services.advice_entry_save(
        advice=advice,
        data=EntryInput("PROVISION", "G", "Sleep clinic", who="Nurse"),
        links=[need],
        by=cast.health_adviser,
    )
    services.advice_entry_save(
        advice=advice,
        entry=provision,
        data=EntryInput(
            "PROVISION",
            "G",
            "Sleep clinic",
            who="Nurse",
            frequency_count=1,
            frequency_period="MONTH",
        ),
        links=[need],
        by=cast.health_adviser,
    )
    assert AdviceEntry.objects.get(pk=provision.pk).frequency_text == "once a month"

    need_id = need.pk
    services.advice_entry_remove(entry=need, by=cast.health_adviser)

    assert list(advice.entries.all()) == [provision]
    assert not provision.links.exists()
    removed = AdviceEntry.history.filter(id=need_id, history_type="-").get()
    assert (removed.history_user, removed.history_change_reason) == (
        cast.health_adviser,
        "Advice entry removed",
    )


def test_draft_is_refused_when_someone_outside_the_agency_writes_it(cast, advice):
    for person in (cast.psychologist, cast.caseworker, member(cast.health, Role.PANEL_MEMBER)):
        with refused("Only someone who works Northshire Community Health's queue"):
            services.advice_draft_save(advice=advice, entries=advice_entries("HEALTH"), by=person)


def test_provision_links_only_to_needs_and_outcomes_of_the_same_advice(cast, assessing, advice):
    other = assessing.advice_request("PSYCHOLOGICAL")
    foreign = services.advice_entry_save(
        advice=other, data=EntryInput("NEED", "B", "Reading"), by=cast.psychologist
    )
    with refused("Link provision only to the needs and outcomes in this advice"):
        services.advice_entry_save(
            advice=advice,
            data=EntryInput("PROVISION", "G", "Therapy"),
            links=[foreign],
            by=cast.health_adviser,
        )


# -- submitting --------------------------------------------------------------------------------


def test_ADVICE_NEED_submission_is_refused_without_a_need(cast, advice):
    services.advice_draft_save(
        advice=advice,
        entries=[EntryInput("OUTCOME", "E", "Sleeps through")],
        by=cast.health_adviser,
    )
    with refused("Add at least one need (section B, C or D)"):
        services.advice_submit(advice=advice, by=cast.health_adviser, today=ON)


def test_ADVICE_QUANTIFIED_submission_is_refused_when_provision_is_not_quantified(cast, advice):
    entries = [
        EntryInput("NEED", "C", "Poor sleep"),
        EntryInput("PROVISION", "G", "Sleep hygiene programme", who="Nurse"),
    ]
    services.advice_draft_save(advice=advice, entries=entries, by=cast.health_adviser)
    with refused("Say how often for the provision “Sleep hygiene programme”"):
        services.advice_submit(advice=advice, by=cast.health_adviser, today=ON)


def test_submitted_advice_is_received_summarised_and_locked(cast, advice):
    services.advice_draft_save(
        advice=advice, entries=advice_entries("HEALTH"), by=cast.health_adviser
    )

    services.advice_submit(advice=advice, by=cast.health_adviser, today=ON)

    advice.refresh_from_db()
    assert (advice.status, advice.received_on, advice.submitted_by) == (
        AdviceStatus.SUBMITTED,
        ON,
        cast.health_adviser,
    )
    assert (
        advice.summary.splitlines()[0]
        == "Need: Finds it hard to follow spoken instructions in class"
    )
    with refused("it can no longer be changed"):
        services.advice_entry_save(
            advice=advice, data=EntryInput("NEED", "C", "More"), by=cast.health_adviser
        )
    with refused("already been submitted"):
        services.advice_submit(advice=advice, by=cast.health_adviser, today=ON)


def test_the_summary_feeds_the_plan_pre_fill_with_quantified_provision(cast, advice):
    """The plan's pre-fill (ehcp.plans.services) reads the summary's labelled lines."""
    services.advice_draft_save(
        advice=advice, entries=advice_entries("HEALTH"), by=cast.health_adviser
    )
    services.advice_submit(advice=advice, by=cast.health_adviser, today=ON)
    advice.refresh_from_db()

    kinds = {c.kind: c for c in advice_candidates(advice.summary)}

    assert set(kinds) == {"need", "outcome", "provision"}
    provision = kinds["provision"]
    assert (provision.frequency_count, provision.frequency_period, provision.session_minutes) == (
        2,
        "WEEK",
        30,
    )
    assert provision.who.lower() == "speech and language therapist"


def test_the_familys_views_are_accepted_when_the_caseworker_records_them(cast, assessing):
    views = assessing.advice_request("PARENT_VIEWS")
    services.advice_draft_save(
        advice=views,
        entries=[EntryInput("VIEWS", "A", "Loves music and swimming")],
        by=cast.caseworker,
    )

    services.advice_submit(advice=views, received_on=ON - DAY, by=cast.caseworker, today=ON)

    views.refresh_from_db()
    assert (views.status, views.received_on, views.accepted_by) == (
        AdviceStatus.ACCEPTED,
        ON - DAY,
        cast.caseworker,
    )
    assert views.summary == "Views: Loves music and swimming"


# -- review ------------------------------------------------------------------------------------


@pytest.fixture
def submitted(cast, advice):
    services.advice_draft_save(
        advice=advice, entries=advice_entries("HEALTH"), by=cast.health_adviser
    )
    return services.advice_submit(advice=advice, by=cast.health_adviser, today=ON)


def test_only_the_council_accepts_or_returns_advice(cast, submitted):
    for person in (cast.health_adviser, cast.psychologist, cast.outsider):
        with refused("Only the council's SEN team can do this"):
            services.advice_accept(advice=submitted, by=person)
        with refused("Only the council's SEN team can do this"):
            services.advice_return(advice=submitted, reasons="Add more detail", by=person)


def test_returned_advice_is_outstanding_again_and_can_be_resubmitted(cast, submitted):
    with refused("Enter what the adviser needs to change"):
        services.advice_return(advice=submitted, reasons="  ", by=cast.caseworker)

    services.advice_return(
        advice=submitted, reasons="Say how long the therapy lasts", by=cast.caseworker
    )

    submitted.refresh_from_db()
    assert (submitted.status, submitted.received_on, submitted.returned_by) == (
        AdviceStatus.RETURNED,
        None,
        cast.caseworker,
    )
    assert submitted.returned_reason == "Say how long the therapy lasts"
    services.advice_entry_save(
        advice=submitted, data=EntryInput("NEED", "C", "Tires quickly"), by=cast.health_adviser
    )
    services.advice_submit(advice=submitted, by=cast.health_adviser, today=ON + DAY)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.received_on) == (AdviceStatus.SUBMITTED, ON + DAY)
    assert submitted.history.first().history_change_reason == "Advice resubmitted"
    services.advice_accept(advice=submitted, by=cast.caseworker)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.accepted_by) == (AdviceStatus.ACCEPTED, cast.caseworker)
    with refused("already been accepted"):
        services.advice_accept(advice=submitted, by=cast.caseworker)


def test_draft_advice_cannot_be_accepted(cast, advice):
    with refused("has not been submitted yet"):
        services.advice_accept(advice=advice, by=cast.caseworker)


# -- attachments (IN-07, IN-08) ------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, content_type",
    [
        ("report.pdf", MINIMAL_PDF, "application/pdf"),
        (
            "letter.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("chart.png", image_bytes("PNG"), "image/png"),
        ("photo.JPG", image_bytes("JPEG"), "image/jpeg"),
        ("photo.jpeg", image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_allowed_files_are_stored_under_a_server_chosen_name(
    cast, advice, name, data, content_type
):
    (attachment,) = services.attachment_add(
        advice=advice, files=[upload(name, data, "text/html")], by=cast.health_adviser
    )

    assert attachment.content_type == content_type  # from the content, not what the browser said
    assert re.fullmatch(
        r"advice/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", attachment.file.name
    )
    stored = attachment.file.open("rb").read()
    assert attachment.size == len(stored)
    import hashlib

    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
    assert attachment.original_name == name.replace(".JPG", ".jpg")
    assert attachment.uploaded_by == cast.health_adviser


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "setup.pdf",
            b"MZ\x90\x00\x03" + b"\x00" * 100,
            "must be a PDF, Word document (.docx), PNG or JPEG",
        ),
        (
            "report.pdf",
            b"<html><script>alert(1)</script></html>",
            "must be a PDF, Word document (.docx), PNG or JPEG",
        ),
        ("chart.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "must be a PDF"),
        ("notes.txt", b"plain text", "must be a PDF"),
        ("archive.docx", docx_bytes()[:0] + b"PK\x03\x04not really a zip", "must be a PDF"),
        ("report.png", MINIMAL_PDF, "is a PDF: its name must end in .pdf"),
        ("report", MINIMAL_PDF, "is a PDF: its name must end in .pdf"),
        ("macro.docx", docx_bytes(extra={"word/vbaProject.bin": b"\x00" * 10}), "contains macros"),
        (
            "script.pdf",
            MINIMAL_PDF.replace(
                b"/Type /Catalog",
                b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >>",
            ),
            "contains scripts",
        ),
        (
            "fake.png",
            b"\x89PNG\r\n\x1a\n" + b"<html>not an image</html>",
            "could not be read as a PNG image",
        ),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_files_that_are_not_allowed_are_refused(cast, advice, name, data, message):
    with refused(message):
        services.attachment_add(advice=advice, files=[upload(name, data)], by=cast.health_adviser)


def test_a_polyglot_tail_after_an_image_is_not_stored(cast, advice):
    """IN-07: an image is decoded and saved again, so HTML hidden after the image data is dropped."""
    data = image_bytes("PNG") + b"<html><script>alert(document.cookie)</script></html>"

    (attachment,) = services.attachment_add(
        advice=advice, files=[upload("chart.png", data)], by=cast.health_adviser
    )

    stored = attachment.file.open("rb").read()
    assert stored.startswith(b"\x89PNG") and b"<html" not in stored and b"script" not in stored


def test_a_zip_bomb_is_refused_without_being_unpacked(cast, advice, tmp_path, monkeypatch):
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml", b"\x00" * (8 * 1024 * 1024)
        )  # 8MB of zeros: ~8KB packed
    monkeypatch.setattr(
        zipfile.ZipFile, "read", lambda *a, **k: pytest.fail("a member was unpacked")
    )
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("a member was opened"))

    with refused("it unpacks to too much data"):
        services.attachment_add(
            advice=advice, files=[upload("report.docx", out.getvalue())], by=cast.health_adviser
        )


def test_path_and_odd_characters_in_the_name_never_reach_storage(cast, advice):
    """IN-08: `../../evil.html`-style names are kept only as sanitised text."""
    long = "a" * 150 + ".pdf"
    first, second = services.attachment_add(
        advice=advice,
        files=[
            upload("../../etc/passwd/../evil report (1).pdf", MINIMAL_PDF),
            upload(long, MINIMAL_PDF),
        ],
        by=cast.health_adviser,
    )

    assert first.original_name == "evil_report_1.pdf"
    assert second.original_name == "a" * 96 + ".pdf" and len(second.original_name) == 100
    assert "evil" not in first.file.name and ".." not in first.file.name


@override_settings(ADVICE_ATTACHMENT_MAX_BYTES=100)
def test_a_file_over_the_size_limit_is_refused(cast, advice):
    with refused("“report.pdf” must be smaller than 0KB"):
        services.attachment_add(
            advice=advice,
            files=[upload("report.pdf", MINIMAL_PDF + b" " * 100)],
            by=cast.health_adviser,
        )


@override_settings(ADVICE_ATTACHMENTS_MAX=2)
def test_uploads_are_all_or_nothing_and_limited_in_number(cast, advice):
    good = lambda: upload("report.pdf", MINIMAL_PDF)  # noqa: E731
    before = stored_names()
    with refused("“notes.txt” must be a PDF"):
        services.attachment_add(
            advice=advice,
            files=[good(), good(), upload("notes.txt", b"text")],
            by=cast.health_adviser,
        )
    assert stored_names() == before

    with refused("Advice can have up to 2 files attached"):
        services.attachment_add(
            advice=advice, files=[good(), good(), good()], by=cast.health_adviser
        )
    assert stored_names() == before

    services.attachment_add(advice=advice, files=[good(), good()], by=cast.health_adviser)
    assert advice.attachments.count() == 2


def test_a_removed_file_is_deleted_from_storage_after_the_commit(
    cast, advice, django_capture_on_commit_callbacks
):
    (attachment,) = services.attachment_add(
        advice=advice, files=[upload("report.pdf", MINIMAL_PDF)], by=cast.health_adviser
    )
    name = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        services.attachment_remove(attachment=attachment, by=cast.health_adviser)

    assert not AdviceAttachment.objects.exists()
    assert not default_storage.exists(name)


def test_files_cannot_be_added_once_the_advice_is_submitted(cast, submitted):
    with refused("can no longer be changed"):
        services.attachment_add(
            advice=submitted, files=[upload("report.pdf", MINIMAL_PDF)], by=cast.health_adviser
        )


# -- more time -----------------------------------------------------------------------------------


def test_more_time_is_asked_for_with_a_reason_and_a_later_date(cast, advice):
    with refused("The new date must be after 6 May 2027", "Enter why you need more time"):
        services.extension_request(
            advice=advice, new_date=date(2027, 5, 6), reason="", by=cast.health_adviser, today=ON
        )
    with refused("Enter the date the circumstances began"):
        services.extension_request(
            advice=advice,
            new_date=date(2027, 5, 20),
            reason="Missed clinic",
            limb="8(2)(c)",
            by=cast.health_adviser,
            today=ON,
        )
    with refused("An absence or closure must last at least 4 continuous weeks"):
        services.extension_request(
            advice=advice,
            new_date=date(2027, 5, 20),
            reason="Away",
            limb="8(2)(b)",
            starts_on=date(2027, 4, 1),
            ends_on=date(2027, 4, 10),
            by=cast.health_adviser,
            today=ON,
        )
    with refused("Only someone who works"):
        services.extension_request(
            advice=advice, new_date=date(2027, 5, 20), reason="Busy", by=cast.psychologist, today=ON
        )

    extension = services.extension_request(
        advice=advice,
        new_date=date(2027, 5, 20),
        reason="Ada missed her clinic appointment on 12 April",
        limb="8(2)(c)",
        starts_on=date(2027, 4, 12),
        by=cast.health_adviser,
        today=ON,
    )

    assert extension.decision == ExtensionDecision.PENDING
    with refused("You have already asked for more time"):
        services.extension_request(
            advice=advice,
            new_date=date(2027, 5, 27),
            reason="Again",
            by=cast.health_adviser,
            today=ON,
        )


@pytest.fixture
def extension(cast, advice):
    return services.extension_request(
        advice=advice,
        new_date=date(2027, 5, 20),
        reason="Ada missed her clinic appointment on 12 April",
        limb="8(2)(c)",
        starts_on=date(2027, 4, 12),
        by=cast.health_adviser,
        today=ON,
    )


def test_an_accepted_reg_8_2_reason_is_recorded_as_an_exception(cast, advice, extension):
    with refused("Only the council's SEN team"):
        services.extension_decide(
            extension=extension, accept=True, decision_reason="ok", by=cast.health_adviser, today=ON
        )
    with refused("Explain why the exception made the time limit impractical to meet"):
        services.extension_decide(
            extension=extension,
            accept=True,
            decision_reason="",
            exception_limb="8(2)(c)",
            ends_on=date(2027, 4, 12),
            family_told_on=ON,
            by=cast.caseworker,
            today=ON,
        )
    # Reg 8(2): the circumstances need an end date (or to be still going on), and the family
    # must have been told (CoP 9.40).
    with refused(
        "Enter the date the circumstances ended, or say they are still going on",
        "Enter the date the family was told about the exception",
    ):
        services.extension_decide(
            extension=extension,
            accept=True,
            exception_limb="8(2)(c)",
            decision_reason="The clinic could not assess Ada until she was seen",
            by=cast.caseworker,
            today=ON,
        )

    decided = services.extension_decide(
        extension=extension,
        accept=True,
        exception_limb="8(2)(c)",
        decision_reason="The clinic could not assess Ada until she was seen",
        ends_on=date(2027, 4, 12),  # the adviser's start date is kept
        family_told_on=ON,
        by=cast.caseworker,
        today=ON,
    )

    exception = StatutoryException.objects.get()
    assert decided.decision == ExtensionDecision.ACCEPTED and decided.exception == exception
    assert (exception.period_code, exception.limb, exception.advice_request) == (
        "EHCP-ADVICE-6W",
        "8(2)(c)",
        advice,
    )
    assert exception.evidence == "Ada missed her clinic appointment on 12 April"
    assert exception.starts_on == date(2027, 4, 12) and exception.recorded_by == cast.caseworker
    assert (exception.ends_on, exception.family_told_on) == (date(2027, 4, 12), ON)
    advice.refresh_from_db()
    assert advice.due_on == date(2027, 5, 6)  # the statutory date never moves
    assert services.agreed_date(advice) == date(2027, 5, 20)
    with refused("already been decided"):
        services.extension_decide(
            extension=extension, accept=False, decision_reason="No", by=cast.caseworker, today=ON
        )


def test_more_time_agreed_without_an_exception_or_refused_records_none(cast, advice, extension):
    with refused("Enter why more time is refused"):
        services.extension_decide(
            extension=extension, accept=False, decision_reason="", by=cast.caseworker, today=ON
        )

    services.extension_decide(
        extension=extension,
        accept=False,
        decision_reason="The panel meets on 10 May",
        by=cast.caseworker,
        today=ON,
    )

    assert not StatutoryException.objects.exists()
    extension.refresh_from_db()
    assert (extension.decision, extension.decided_by) == (
        ExtensionDecision.REFUSED,
        cast.caseworker,
    )
    assert services.agreed_date(advice) is None


def test_late_advice_shows_the_exception_once_it_is_recorded(cast, advice, extension):
    from ehcp.assessments.rules.advice import advice_deadline

    services.extension_decide(
        extension=extension,
        accept=True,
        exception_limb="8(2)(a)",
        decision_reason="Ada is still unwell",
        ongoing=True,
        ongoing_evidence="Letter from the GP of 23 April",
        family_told_on=ON,
        by=cast.caseworker,
        today=ON,
    )
    exception = StatutoryException.objects.get()
    assert exception.ongoing and exception.ends_on is None and exception.counts
    status = advice_deadline(
        advice.due_on,
        today=date(2027, 5, 10),
        received_on=None,
        exception_recorded=advice.exceptions.counting().exists(),
    )
    assert status.state is DeadlineState.OVERDUE_EXCEPTION


# -- who is told: the services queue it, in their own transaction (issue 8) --------------------


def test_asking_for_more_time_tells_the_caseworker_from_the_service(cast, advice):
    extension = services.extension_request(
        advice=advice,
        new_date=date(2027, 5, 20),
        reason="Ada missed her clinic appointment on 12 April",
        by=cast.health_adviser,
        today=ON,
    )

    asked = Notification.objects.get(kind="ADVICE_MORE_TIME")
    assert asked.recipient == cast.caseworker
    assert asked.link == f"/tasks/advice/more-time/{extension.public_id}/"


def test_refused_more_time_tells_nobody(cast, advice):
    with refused("Enter why you need more time"):
        services.extension_request(
            advice=advice, new_date=date(2027, 5, 20), reason="", by=cast.health_adviser, today=ON
        )
    assert not Notification.objects.filter(kind="ADVICE_MORE_TIME").exists()


def test_deciding_more_time_tells_the_adviser_from_the_service(cast, advice, extension):
    services.extension_decide(
        extension=extension,
        accept=False,
        decision_reason="The panel meets on 10 May",
        by=cast.caseworker,
        today=ON,
    )

    told = Notification.objects.get(kind="ADVICE_MORE_TIME_DECIDED")
    assert told.recipient == cast.health_adviser
    assert told.link == f"/tasks/advice/{advice.public_id}/"


def test_agreed_more_time_moves_the_chaser_with_the_decision(cast, assessing, advice, extension):
    task = assessing.advice_task("HEALTH")

    workflow_services.advice_extension_decide(
        extension=extension,
        accept=True,
        decision_reason="The clinic could not see Ada before 20 May",
        by=cast.caseworker,
        today=ON,
    )

    timer = CaseTask.objects.get(flow_task_type="TIMER", previous=task)
    assert timer.scheduled == timezone.make_aware(datetime.combine(date(2027, 5, 21), CHASE_AT))
    assert Notification.objects.filter(kind="ADVICE_MORE_TIME_DECIDED").count() == 1


def test_advice_is_chased_by_the_council_only_and_once_a_day(cast, assessing, advice):
    task = assessing.advice_task("HEALTH")
    with refused("Only the council's SEN team can chase advice"):
        workflow_services.advice_chase(advice=advice, by=cast.health_adviser, today=ON)

    workflow_services.advice_chase(advice=advice, by=cast.caseworker, today=ON)
    workflow_services.advice_chase(advice=advice, by=cast.caseworker, today=ON)

    chased = Notification.objects.get(kind="ADVICE_CHASED")
    assert (chased.agency, chased.link) == (task.agency, f"/tasks/advice/{advice.public_id}/")
    task.refresh_from_db()
    assert task.last_chased_on == ON


def test_submitted_advice_is_not_chased(cast, submitted):
    with refused("This advice is not missing"):
        workflow_services.advice_chase(advice=submitted, by=cast.caseworker, today=ON)
