"""The plan services: editing with history, the checks that block issuing, frozen versions,
immutable documents, health agreement, suggestions from the advice and the render queue."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import override_settings

from ehcp.assessments.models import AdviceKind, AssessmentStatus
from ehcp.assessments.rules import deadlines
from ehcp.assessments.services import assessment as assessment_services
from ehcp.common.services import CaseRuleError
from ehcp.plans import rendering
from ehcp.plans import selectors as plan_selectors
from ehcp.plans import services as plan_services
from ehcp.plans.models import (
    DocumentKind,
    DocumentRender,
    ImmutableDocumentError,
    PlanDocument,
    PlanEntryStatus,
    PlanNeed,
    PlanOutcome,
    PlanProvision,
    RenderStatus,
)
from tests.factories import Calendar, db_state, emailed

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def issue_draft(walk):
    on = walk.when.draft_on
    return assessment_services.plan_draft_issue(
        case=walk.case, issued_on=on, by=walk.cast.caseworker, today=on, sent=emailed(on)
    )


def test_draft_issue_is_refused_with_every_failed_check_when_there_is_no_plan(drafting):
    before = db_state()
    with pytest.raises(CaseRuleError) as refused:
        issue_draft(drafting)
    assert any("Section B lists" in m for m in refused.value.messages)
    assert all(m.startswith("The draft cannot be issued") for m in refused.value.messages)
    assert db_state() == before


def test_draft_issue_is_refused_when_a_need_has_no_provision_and_provision_is_not_quantified(
    drafting, plan, cast
):
    plan_services.need_save(
        plan=plan, section="B", text="Difficulty with attention in class", by=cast.caseworker
    )
    provision = plan.provisions.get()
    plan_services.provision_save(
        plan=plan,
        provision=provision,
        section="F",
        what=provision.what,
        who="",
        frequency_count=None,
        needs=list(provision.needs.all()),
        outcomes=list(provision.outcomes.all()),
        by=cast.caseworker,
    )
    with pytest.raises(CaseRuleError) as refused:
        issue_draft(drafting)
    text = " ".join(refused.value.messages)
    assert "\u201cDifficulty with attention in class\u201d has no provision in section F" in text
    assert "does not say who provides it, how often and for how long" in text
    drafting.refresh()
    assert drafting.case.status == AssessmentStatus.DRAFTING


def test_draft_issue_is_refused_when_section_i_is_filled_in(drafting, plan, cast):
    plan_services.plan_details_update(
        plan=plan, views="", placement_type="Special school", personal_budget="", by=cast.caseworker
    )
    with pytest.raises(CaseRuleError, match="Section I is empty in a draft plan"):
        issue_draft(drafting)


def test_draft_issue_freezes_the_plan_as_version_1_and_renders_it_with_its_letter(
    drafting, plan, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue_draft(drafting)
    drafting.refresh()
    assert drafting.case.status == AssessmentStatus.DRAFT_ISSUED
    documents = {d.kind: d for d in PlanDocument.objects.filter(case=drafting.case)}
    assert set(documents) == {DocumentKind.DRAFT_PLAN, DocumentKind.DRAFT_LETTER}
    draft = documents[DocumentKind.DRAFT_PLAN]
    assert (
        draft.version == 1
        and draft.issued_by == cast.caseworker
        and draft.issued_on == drafting.when.draft_on
    )
    assert draft.content["sections"]["B"][0]["text"].startswith("Zephyrine has")
    assert draft.content["sections"]["I"] == {"type": "", "name": ""}
    with draft.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and len(data) == draft.size
    import hashlib

    assert hashlib.sha256(data).hexdigest() == draft.sha256
    letter = documents[DocumentKind.DRAFT_LETTER]
    assert letter.content["comments_due_on"] == (drafting.when.draft_on + 14 * DAY).isoformat()
    assert letter.content["plan_version"] == 1
    assert not DocumentRender.objects.exclude(status=RenderStatus.DONE).exists()


def test_an_issued_document_is_never_changed_and_a_later_change_makes_a_new_version(
    cast, drafting, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        drafting.issue_draft()
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    frozen = dict(draft.content)

    draft.sha256 = "0" * 64
    with pytest.raises(ImmutableDocumentError):
        draft.save()
    with pytest.raises(ImmutableDocumentError):
        PlanDocument.objects.filter(pk=draft.pk).update(sha256="0" * 64)
    with pytest.raises(ImmutableDocumentError):
        draft.delete()
    with pytest.raises(ImmutableDocumentError):
        PlanDocument.objects.filter(pk=draft.pk).delete()

    # The working copy goes on changing after the draft; the issued version does not.
    need = plan.needs.get()
    plan_services.need_save(
        plan=plan, need=need, section="B", text="Changed after the draft", by=cast.caseworker
    )
    draft.refresh_from_db()
    assert (
        draft.content == frozen
        and draft.content["sections"]["B"][0]["text"] != "Changed after the draft"
    )

    drafting.record_comments()
    drafting.reply_to_consultation()
    with django_capture_on_commit_callbacks(execute=True):
        drafting.issue_final()
    final = PlanDocument.objects.get(kind=DocumentKind.FINAL_PLAN)
    assert final.version == 2
    assert final.content["sections"]["B"][0]["text"] == "Changed after the draft"
    assert final.content["sections"]["I"]["name"] == cast.school.name
    assert PlanDocument.objects.get(kind=DocumentKind.FINAL_LETTER).content["plan_version"] == 2
    assert [v.key for v in plan_selectors.plan_versions(drafting.case)] == ["v2", "v1"]

    # After the final plan the plan is closed to changes (a review changes it).
    with pytest.raises(CaseRuleError, match="final plan has been issued"):
        plan_services.need_save(plan=plan, need=need, section="B", text="Again", by=cast.caseworker)


def test_final_issue_is_refused_until_health_provision_is_agreed_by_the_health_body(
    cast, drafting, plan, health_adviser
):
    need = plan.needs.get()
    outcome = plan.outcomes.get()
    physio = plan_services.provision_save(
        plan=plan,
        section="G",
        what="Physiotherapy programme",
        who="Physiotherapist",
        frequency_count=1,
        frequency_period="MONTH",
        session_minutes=45,
        ends_on=drafting.when.draft_on + 365 * DAY,
        needs=[need],
        outcomes=[outcome],
        by=cast.caseworker,
    )
    with pytest.raises(CaseRuleError, match="has not been agreed by the health body"):
        issue_draft(drafting)

    # The health body that gave the medical advice agrees it in the service.
    on = drafting.when.draft_on
    plan_services.provision_health_agree(
        provision=physio, agreed_on=on, by=health_adviser, today=on
    )
    physio.refresh_from_db()
    assert (
        physio.health_agreed_by == health_adviser
        and physio.health_agreement_source == "HEALTH_BODY"
    )
    drafting.issue_draft()

    # Changing what the provision is clears the agreement; the final plan then waits for it.
    plan_services.provision_save(
        plan=plan,
        provision=physio,
        section="G",
        what="Physiotherapy programme, twice a month",
        who="Physiotherapist",
        frequency_count=2,
        frequency_period="MONTH",
        session_minutes=45,
        ends_on=physio.ends_on,
        needs=[need],
        outcomes=[outcome],
        by=cast.caseworker,
    )
    physio.refresh_from_db()
    assert not physio.health_agreed
    drafting.record_comments()
    drafting.reply_to_consultation()
    with pytest.raises(CaseRuleError, match="has not been agreed by the health body"):
        drafting.issue_final()

    # The council records the health body's written agreement instead: it must say where it is.
    with pytest.raises(CaseRuleError, match="written agreement"):
        plan_services.provision_health_agree(
            provision=physio, agreed_on=on, by=cast.caseworker, today=on
        )
    plan_services.provision_health_agree(
        provision=physio,
        agreed_on=on,
        note="Email from the ICB, 3 May",
        by=cast.caseworker,
        today=on,
    )
    assert drafting.issue_final().status == AssessmentStatus.FINAL_ISSUED


def test_only_the_health_body_or_the_council_may_agree_health_provision(
    cast, drafting, plan, senco, outsider
):
    physio = plan_services.provision_save(
        plan=plan, section="G", what="Physiotherapy", by=cast.caseworker
    )
    on = drafting.when.draft_on
    for person in (senco, outsider):
        with pytest.raises(CaseRuleError, match="Only the health body"):
            plan_services.provision_health_agree(
                provision=physio, agreed_on=on, note="x", by=person, today=on
            )


def test_every_edit_is_kept_with_who_made_it(cast, drafting, plan, manager):
    need = plan.needs.get()
    plan_services.need_save(
        plan=plan, need=need, section="B", text="Reading difficulties (updated)", by=manager
    )
    plan_services.entry_remove(entry=need, by=manager)
    history = list(need.history.order_by("history_date", "history_id"))
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert [h.history_user for h in history] == [cast.caseworker, manager, manager]
    assert history[-1].status == PlanEntryStatus.REMOVED
    # One history row per change, with its links.
    provision = plan.provisions.get()
    first = provision.history.earliest("history_date")
    assert [row.planneed_id for row in first.needs.all()] == [need.pk]

    changes = plan_selectors.plan_changes(plan)
    newest = changes[0]
    assert newest.who == manager.get_full_name() and newest.reason == "Need removed"
    text_change = next(c for c in changes if c.reason == "Need changed")
    assert any(f.new == "Reading difficulties (updated)" for f in text_change.changes)


def test_links_must_come_from_the_same_plan(cast, drafting, plan, case_at):
    other = case_at(
        AssessmentStatus.ASSESSING, when=Calendar(received_on=drafting.when.received_on + DAY)
    )
    other_plan = plan_services.plan_get_or_create(case=other, by=cast.caseworker)
    with pytest.raises(CaseRuleError, match="Choose needs from this plan"):
        plan_services.outcome_save(
            plan=other_plan, text="An outcome", needs=[plan.needs.get()], by=cast.caseworker
        )


def test_only_the_councils_sen_team_edits_the_plan(drafting, plan, health_adviser, outsider):
    for person in (health_adviser, outsider):
        with pytest.raises(CaseRuleError, match="Only the council's SEN team"):
            plan_services.need_save(plan=plan, section="B", text="Something", by=person)


def test_suggestions_from_the_advice_are_accepted_edited_or_dropped(cast, drafting):
    advice = drafting.advice_request(AdviceKind.PSYCHOLOGICAL)
    advice.entries.all().delete()  # advice without structured entries is read from its text
    type(advice).objects.filter(pk=advice.pk).update(
        summary="Zephyrine finds it hard to hold instructions in mind.\n"
        "By the end of Year 5 she will be able to follow a three-step instruction.\n"
        "Memory training 3 times a week for 20 minutes from a teaching assistant."
    )
    made = plan_services.plan_fill_from_advice(case=drafting.case, by=cast.caseworker)
    assert made >= 3
    plan = drafting.case.plan
    # The other advice has structured entries: they are suggested as the adviser wrote them.
    health_advice = drafting.advice_request(AdviceKind.HEALTH)
    entries = list(health_advice.entries.all())
    assert entries
    for item in entries:
        model = {"NEED": PlanNeed, "OUTCOME": PlanOutcome, "PROVISION": PlanProvision}.get(
            item.kind
        )
        if model is not None:
            assert (
                model.objects.get(source_key=f"entry:{item.public_id}").status
                == PlanEntryStatus.SUGGESTED
            )
    for item in (e for e in entries if e.kind == "PROVISION"):
        suggestion = PlanProvision.objects.get(source_key=f"entry:{item.public_id}")
        assert (suggestion.who, suggestion.frequency_count) == (item.who, item.frequency_count)
        assert {n.text for n in suggestion.needs.all()} | {
            o.text for o in suggestion.outcomes.all()
        } == {link.text for link in item.links.all()}
    suggested = PlanProvision.objects.get(plan=plan, what__startswith="Memory training")
    assert suggested.status == PlanEntryStatus.SUGGESTED
    assert (suggested.frequency_count, suggested.frequency_period, suggested.session_minutes) == (
        3,
        "WEEK",
        20,
    )
    assert list(suggested.advice.all()) == [advice]
    need = PlanNeed.objects.get(plan=plan, text__startswith="Zephyrine finds it hard")
    assert list(suggested.needs.all()) == [need]
    # Suggestions are not in the plan, so not in what is checked or issued.
    content = plan_selectors.plan_content(
        plan_selectors.plan_with_entries(plan),
        case=drafting.case,
        advice=plan_selectors.case_advice(drafting.case),
        plan_date=drafting.when.draft_on,
    )
    assert not any("Memory training" in row["what"] for row in content["sections"]["F"])

    plan_services.suggestion_accept(entry=need, by=cast.caseworker)
    plan_services.provision_save(
        plan=plan,
        provision=suggested,
        section="F",
        what=suggested.what,
        who="Teaching assistant",
        frequency_count=3,
        frequency_period="WEEK",
        session_minutes=20,
        ends_on=drafting.when.draft_on + 300 * DAY,
        needs=[need],
        outcomes=list(suggested.outcomes.all()),
        advice=[advice],
        by=cast.caseworker,
    )
    outcome = suggested.outcomes.get()
    plan_services.entry_remove(entry=outcome, by=cast.caseworker)
    outcome.refresh_from_db()
    need.refresh_from_db()
    suggested.refresh_from_db()
    assert (need.status, suggested.status, outcome.status) == ("ACCEPTED", "ACCEPTED", "DROPPED")
    # Asking again suggests nothing new (dropped suggestions stay dropped).
    assert plan_services.plan_fill_from_advice(case=drafting.case, by=cast.caseworker) == 0


def test_refusal_and_not_issuing_letters_are_queued_with_the_decision(
    walk, case_at, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        walk.to(AssessmentStatus.REFUSED)
    render = DocumentRender.objects.get(case=walk.case)
    assert render.kind == DocumentKind.REFUSAL_LETTER and render.status == RenderStatus.PENDING
    assert render.content["reasons"] == "Needs can be met from SEN support"
    decided = walk.when.decided_on
    assert render.content["mediation_contact_by"] == render.content["appeal_by"]
    assert render.content["appeal_by"] == deadlines.appeal_deadline(decided).isoformat()
    assert callbacks  # rendered after the commit

    not_issued = case_at(
        AssessmentStatus.NOT_ISSUED, when=Calendar(received_on=walk.when.received_on + DAY)
    )
    assert DocumentRender.objects.get(case=not_issued).kind == DocumentKind.NOT_ISSUING_LETTER


def test_a_failed_render_is_kept_and_retried(
    cast, drafting, plan, django_capture_on_commit_callbacks
):
    with mock.patch("ehcp.plans.documents.render_pdf", side_effect=OSError("no fonts")):
        with django_capture_on_commit_callbacks(execute=True):
            issue_draft(drafting)
    renders = DocumentRender.objects.filter(case=drafting.case)
    assert {(r.status, r.attempts, r.last_error) for r in renders} == {("PENDING", 1, "OSError")}
    assert not PlanDocument.objects.exists()
    assert rendering.document_render_pending() == 2
    assert PlanDocument.objects.count() == 2
    assert set(renders.values_list("status", flat=True)) == {"DONE"}
    assert rendering.document_render_pending() == 0


@override_settings(CELERY_TASK_ALWAYS_EAGER=False)
def test_rendering_goes_to_the_background_worker_when_there_is_one(
    drafting, plan, django_capture_on_commit_callbacks
):
    with mock.patch("ehcp.plans.tasks.document_render_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            issue_draft(drafting)
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted(
        DocumentRender.objects.filter(case=drafting.case).values_list("pk", flat=True)
    )
    assert not PlanDocument.objects.exists()


def test_nothing_is_queued_when_the_issue_is_refused(drafting):
    with transaction.atomic(), pytest.raises(CaseRuleError):
        issue_draft(drafting)
    assert not DocumentRender.objects.exists()


def test_a_download_is_recorded_and_a_changed_file_is_refused(
    cast, drafting, plan, senco, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue_draft(drafting)
    draft = PlanDocument.objects.get(kind=DocumentKind.DRAFT_PLAN)
    data = plan_services.document_open(document=draft, by=senco)
    assert data.startswith(b"%PDF")
    assert list(draft.downloads.values_list("user", flat=True)) == [senco.pk]

    storage = draft.file.storage
    storage.delete(draft.file.name)
    storage.save(draft.file.name, ContentFile(b"%PDF-1.7 tampered"))
    with pytest.raises(plan_services.DocumentIntegrityError):
        plan_services.document_open(document=PlanDocument.objects.get(pk=draft.pk), by=senco)
    assert draft.downloads.count() == 1


# -- pre-filling: accepted advice only, section A from the family's views, dates from "for how long"


def test_suggestions_come_only_from_accepted_advice_with_section_a_and_dates_filled_in(walk, cast):
    from ehcp.assessments.services.advice import EntryInput

    walk.to(AssessmentStatus.ASSESSING)
    walk.draft_advice(
        AdviceKind.PARENT_VIEWS,
        entries=[
            EntryInput("VIEWS", "A", "Zephyrine loves   drawing and wants to be a vet."),
            EntryInput("VIEWS", "A", "We want her to feel safe at school."),
            EntryInput("NEED", "B", "At home she cannot follow a list of jobs."),
        ],
    )
    walk.submit_advice(AdviceKind.PARENT_VIEWS)  # the family's views are recorded as accepted
    walk.draft_advice(
        AdviceKind.HEALTH,
        entries=[
            EntryInput("NEED", "C", "Wakes most nights and is tired in class"),
            EntryInput("OUTCOME", "E", "Sleeps through on most nights"),
            EntryInput(
                "PROVISION",
                "G",
                "Sleep programme with the family",
                who="Community nurse",
                frequency_count=1,
                frequency_period="MONTH",
                session_minutes=45,
                duration="for 12 weeks",
                links=(0, 1),
            ),
            EntryInput(
                "PROVISION",
                "G",
                "Sensory diet advice to school",
                who="Occupational therapist",
                frequency_count=1,
                frequency_period="TERM",
                session_minutes=60,
                duration="as long as it helps",
                links=(0,),
            ),
        ],
    )
    walk.submit_advice(AdviceKind.HEALTH)  # accepted by the caseworker
    walk.submit_advice(AdviceKind.PSYCHOLOGICAL, accept=False)  # submitted, not yet reviewed
    case = walk.refresh()
    psychology = walk.advice_request(AdviceKind.PSYCHOLOGICAL)
    today = walk.when.advice_on

    made = plan_services.plan_fill_from_advice(case=case, by=cast.caseworker, today=today)

    plan = case.plan
    plan.refresh_from_db()
    # Advice the council has not accepted suggests nothing.
    assert made == 4
    for model in (PlanNeed, PlanOutcome, PlanProvision):
        assert not model.objects.filter(plan=plan, advice=psychology).exists()
    # Section A: the family's views and interests, as they wrote them, one paragraph each.
    assert (
        plan.views
        == "Zephyrine loves drawing and wants to be a vet.\n\nWe want her to feel safe at school."
    )
    assert (
        plan.history.first().history_change_reason == "Section A filled in from the family's views"
    )
    assert plan.history.first().history_user == cast.caseworker
    # "For how long" becomes the provision's start and end dates, counted from the final plan's date.
    starts = max(case.final_plan_due_on, today)
    programme = PlanProvision.objects.get(plan=plan, what="Sleep programme with the family")
    assert (programme.starts_on, programme.ends_on) == (starts, starts + timedelta(weeks=12))
    # Words that are not a length of time are kept with the provision, undated.
    sensory = PlanProvision.objects.get(plan=plan, what__startswith="Sensory diet")
    assert sensory.what == "Sensory diet advice to school (as long as it helps)"
    assert (sensory.starts_on, sensory.ends_on) == (None, None)
    # The outcome the programme serves is to be met by the time the programme ends.
    outcome = PlanOutcome.objects.get(plan=plan)
    end = starts + timedelta(weeks=12)
    assert outcome.by_when == f"By {end.day} {end:%B %Y}"

    # Once the caseworker accepts the psychology advice, it is suggested too; section A, which
    # the caseworker has since changed, is left as they wrote it.
    plan_services.plan_details_update(
        plan=plan,
        views="In her words: I like horses.",
        placement_type="",
        personal_budget="",
        by=cast.caseworker,
    )
    walk.review_advice(AdviceKind.PSYCHOLOGICAL)
    assert plan_services.plan_fill_from_advice(case=case, by=cast.caseworker, today=today) == 3
    assert PlanNeed.objects.filter(
        plan=plan, advice=psychology, status=PlanEntryStatus.SUGGESTED
    ).exists()
    plan.refresh_from_db()
    assert plan.views == "In her words: I like horses."


def test_returned_advice_suggests_nothing(walk, cast):
    walk.to(AssessmentStatus.ASSESSING)
    walk.submit_advice(AdviceKind.HEALTH, accept=False)
    walk.review_advice(AdviceKind.HEALTH, accept=False)
    assert plan_services.plan_fill_from_advice(case=walk.case, by=cast.caseworker) == 0
    assert not PlanProvision.objects.exists()
