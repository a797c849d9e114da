"""What each human step of the flows asks for and which domain service it calls.

A step turns a valid form into a call of one ehcp service; the flow moves on only if that
service succeeds (workflows.services.task_complete does both in one transaction). Steps are
keyed by (flow class, node name), so two flows may each have a node of the same name.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms as django_forms
from django.urls import reverse
from viewflow.workflow.base import Flow

from ehcp.assessments import forms
from ehcp.assessments.models import AdviceRequest, Assessment, SettingConsultation
from ehcp.assessments.services import advice as advice_services
from ehcp.assessments.services import assessment as assessment_services
from ehcp.reviews import forms as review_forms
from ehcp.reviews.services import amendment as amendment_services
from ehcp.reviews.services import cease as cease_services
from ehcp.reviews.services import review as review_services
from panel import forms as panel_forms
from panel.models import Decision
from panel.services import funding as funding_services

from . import advice_forms
from . import services as task_services
from .flows.assessment import ADVICE_NODES, ADVICE_REVIEW_NODES, StatutoryAssessmentFlow
from .flows.funding import FundingFlow
from .flows.review import ReviewFlow


@dataclass(frozen=True)
class Step:
    form_class: type[django_forms.Form]
    perform: Callable[..., object]  # (case, task, cleaned_data, user, today) -> object
    button: str = "Save and continue"
    form_kwargs: Callable[[Assessment], dict] = lambda case: {}
    # Steps done on their own pages (the advice editor, the advice review): the task page links
    # there instead of showing the form. (task) -> URL.
    page: Callable[..., str] | None = None
    page_button: str = ""
    # Pages the council's team uses to do the step (the plan editor, its preview): shown on the
    # task page next to the form. (case) -> [(text, URL)].
    links: Callable[[Assessment], list[tuple[str, str]]] | None = None


def _decide_to_assess(case, task, data, user, today):
    return assessment_services.case_assessment_decide(
        case=case,
        assess=data["decision"],
        decided_on=data["decided_on"],
        reasons=data.get("reasons", ""),
        advice=data["_form"].advice_wanted(council=case.council) if data["decision"] else (),
        by=user,
        today=today,
        sent=data.get("letter_sent"),
    )


def _advice(case, task, data, user, today):
    """The adviser submits the structured advice they drafted (it then goes to the council's review)."""
    advice = AdviceRequest.objects.get(pk=task.subject_id, case=case)
    return advice_services.advice_submit(
        advice=advice, received_on=data.get("received_on"), by=user, today=today
    )


def _review_advice(case, task, data, user, today):
    """The council accepts the advice, or returns it to the adviser with the reasons."""
    advice = AdviceRequest.objects.select_related("agency", "submitted_by").get(
        pk=task.subject_id, case=case
    )
    if data["decision"]:
        return advice_services.advice_accept(advice=advice, by=user, today=today)
    # advice_return tells the adviser (or their agency's mailbox) that the advice is asked again.
    return advice_services.advice_return(
        advice=advice, reasons=data["reasons"], by=user, today=today
    )


def _advice_page(name: str):
    def page(task) -> str:
        advice_id = (
            AdviceRequest.objects.filter(pk=task.subject_id, case_id=task.case_id)
            .values_list("public_id", flat=True)
            .get()
        )
        return reverse(f"workflows:advice:{name}", args=[advice_id])

    return page


def _decide_to_issue(case, task, data, user, today):
    """The decision whether to issue a plan (reg 10(1)), going without overdue advice with a
    reason for each (ADVICE-PROCEED). Not issuing ends the assessment: its advice tasks end too."""
    decided = assessment_services.case_issue_decide(
        case=case,
        issue=data["decision"],
        decided_on=data["decided_on"],
        reasons=data.get("reasons", ""),
        advice_reasons=data["_form"].advice_reasons(),
        by=user,
        today=today,
        sent=data.get("letter_sent"),
    )
    if not data["decision"]:
        task_services.advice_tasks_close(
            case=case, reason=task_services.NOT_ISSUED_WITHOUT_ADVICE, by=user
        )
    return decided


def _plan_links(what: str):
    def links(case) -> list[tuple[str, str]]:
        return [
            ("Check and change the plan", reverse("ehcp:plan:overview", args=[case.public_id])),
            (
                f"Preview the {what} as it stands (PDF, not issued)",
                reverse("ehcp:plan:preview", args=[case.public_id]),
            ),
        ]

    return links


def _issue_draft(case, task, data, user, today):
    return assessment_services.plan_draft_issue(
        case=case, issued_on=data["issued_on"], by=user, today=today, sent=data.get("letter_sent")
    )


def _record_comments(case, task, data, user, today):
    return assessment_services.draft_comments_record(
        case=case,
        received_on=data["received_on"] if data["responded"] else None,
        summary=data.get("summary", ""),
        requested_setting=data.get("requested_setting"),
        alternatives=data.get("alternatives") or (),
        meeting_requested=data.get("meeting_requested", False),
        no_further_comments_on=data.get("no_further_comments_on"),
        by=user,
        today=today,
    )


def _reply_to_consultation(case, task, data, user, today):
    consultation = SettingConsultation.objects.get(pk=task.subject_id, case=case)
    return assessment_services.consultation_reply_record(
        consultation=consultation,
        replied_on=data["replied_on"],
        response=data["response"],
        notes=data.get("notes", ""),
        by=user,
        today=today,
    )


def _issue_final(case, task, data, user, today):
    """Issue the final plan; the settings that did not reply in their 15 days have their silence
    recorded, and their reply tasks and chasers end (s.39/s.40 CFA 2014; CoP 9.83)."""
    issued = assessment_services.plan_final_issue(
        case=case,
        issued_on=data["issued_on"],
        named_setting=data.get("named_setting"),
        named_setting_type=data.get("named_setting_type", ""),
        by=user,
        today=today,
        sent=data.get("letter_sent"),
    )
    task_services.consultation_tasks_close(
        case=issued, consultations=issued.silent_consultations, by=user
    )
    # Advice still asked for is no longer owed: its tasks and chasers end, so the flow ends.
    task_services.advice_tasks_close(
        case=issued, reason=task_services.FINAL_WITHOUT_ADVICE, by=user
    )
    return issued


_ADVICE = Step(
    advice_forms.AdviceSubmitForm,
    _advice,
    "Submit advice",
    page=_advice_page("edit"),
    page_button="Write your advice",
)
_REVIEW = Step(
    advice_forms.AdviceReviewForm,
    _review_advice,
    "Save the decision",
    page=_advice_page("review"),
    page_button="Review the advice",
)


def steps_of(flow_class: type[Flow], steps: dict[str, Step]) -> dict[tuple[type[Flow], str], Step]:
    """`steps` (node name -> step) of one flow, keyed for STEPS."""
    return {(flow_class, name): step for name, step in steps.items()}


_ASSESSMENT_STEPS: dict[str, Step] = {
    "decide_to_assess": Step(
        forms.DecideToAssessForm,
        _decide_to_assess,
        "Record the decision",
        lambda case: {"case": case},
    ),
    "parent_views": Step(
        advice_forms.FamilyViewsSubmitForm,
        _advice,  # the council's own record: advice_submit accepts it, with no review
        "Record the family's views",
        page=_advice_page("edit"),
        page_button="Record the family's views",
    ),
    **{name: _ADVICE for name in ADVICE_NODES if name != "parent_views"},
    **{name: _REVIEW for name in ADVICE_REVIEW_NODES},
    "decide_to_issue": Step(
        forms.DecideToIssueForm,
        _decide_to_issue,
        "Record the decision",
        lambda case: {"case": case},
    ),
    "issue_draft": Step(
        forms.IssueDraftForm,
        _issue_draft,
        "Record that the draft was sent",
        links=_plan_links("draft plan"),
    ),
    "record_comments": Step(
        forms.CommentsForm, _record_comments, "Record and send the consultation"
    ),
    "reply_to_consultation": Step(
        forms.ConsultationReplyForm, _reply_to_consultation, "Send the reply"
    ),
    "issue_final": Step(
        forms.IssueFinalForm,
        _issue_final,
        "Record that the final plan was issued",
        lambda case: {"case": case},
        links=_plan_links("final plan"),
    ),
}


# -- the review of a plan ---------------------------------------------------------------------
# Each perform gets the review (locked by task_complete) in place of the case.


def _arrange_meeting(review, task, data, user, today):
    return review_services.review_meeting_arrange(
        review=review, meeting_on=data["meeting_on"], by=user, today=today
    )


def _send_invitations(review, task, data, user, today):
    return review_services.review_invitations_send(
        review=review,
        sent_on=data["sent_on"],
        others=data.get("others") or (),
        late_reason=data.get("late_reason", ""),
        by=user,
        today=today,
    )


def _circulate_advice(review, task, data, user, today):
    return review_services.review_advice_circulate(
        review=review,
        circulated_on=data["circulated_on"],
        received=data.get("received") or (),
        late_reason=data.get("late_reason", ""),
        by=user,
        today=today,
    )


def _hold_meeting(review, task, data, user, today):
    return review_services.review_meeting_hold(
        review=review,
        held_on=data["held_on"],
        attended=data.get("attended") or (),
        family_views=data["family_views"],
        by=user,
        today=today,
    )


def _write_report(review, task, data, user, today):
    return review_services.review_report_record(
        review=review,
        received_on=data["received_on"],
        recommendation=data["recommendation"],
        summary=data["summary"],
        differences=data.get("differences", ""),
        by=user,
        today=today,
    )


def _decide(review, task, data, user, today):
    return review_services.review_decide(
        review=review,
        decision=data["decision"],
        decided_on=data["decided_on"],
        reasons=data.get("reasons", ""),
        cease_reason=data.get("cease_reason", ""),
        return_finding=data.get("return_finding", ""),
        by=user,
        today=today,
        sent=data.get("letter_sent"),
    )


def _record_amendment_comments(review, task, data, user, today):
    return amendment_services.amendment_comments_record(
        review=review,
        received_on=data["received_on"],
        summary=data.get("summary", ""),
        no_further_comments=data.get("no_further_comments", False),
        by=user,
        today=today,
    )


def _issue_amended_plan(review, task, data, user, today):
    return amendment_services.amended_plan_issue(
        review=review,
        issued_on=data["issued_on"],
        named_setting=data.get("named_setting"),
        named_setting_type=data.get("named_setting_type", ""),
        by=user,
        today=today,
        sent=data.get("letter_sent"),
    )


def _record_cease_replies(review, task, data, user, today):
    return cease_services.cease_consultation_record(
        review=review, replied_on=data["replied_on"], reply=data["reply"], by=user, today=today
    )


def _decide_on_cease(review, task, data, user, today):
    return cease_services.cease_decide(
        review=review,
        cease=data["outcome"] == review_forms.CEASE_NOTICE,
        decided_on=data["issued_on"],
        reasons=data.get("withdrawn_reasons", ""),
        by=user,
        today=today,
        sent=data.get("letter_sent"),
    )


def _confirm_cease(review, task, data, user, today):
    """Nobody appealed: the plan ceases; or the appeal (unless it was already recorded on the
    review's page, when the step just moves on to the Tribunal's decision)."""
    if data["outcome"] == review_forms.CEASED:
        return cease_services.cease_carry_out(review=review, on=data["on"], by=user, today=today)
    if review.appeal_lodged_on is not None:
        return review
    return cease_services.cease_appeal_record(
        review=review,
        lodged_on=data["on"],
        late_admitted=data.get("late_admitted", False),
        by=user,
        today=today,
    )


def _record_tribunal_decision(review, task, data, user, today):
    """The Tribunal's decision (unless it was already recorded on the review's page)."""
    if review.appeal_decided_on is not None:
        return review
    return cease_services.cease_appeal_decide(
        review=review,
        decided_on=data["decided_on"],
        upheld=data["outcome"] == review_forms.APPEAL_UPHELD,
        by=user,
        today=today,
    )


def _review_links(review) -> list[tuple[str, str]]:
    return [("The review's page", reverse("reviews:detail", args=[review.public_id]))]


def _of_review(review) -> dict:
    return {"review": review}


_REVIEW_STEPS: dict[str, Step] = {
    "arrange_meeting": Step(
        review_forms.ArrangeMeetingForm, _arrange_meeting, "Save the meeting date", _of_review
    ),
    "send_invitations": Step(
        review_forms.InvitationsForm,
        _send_invitations,
        "Record that the invitations were sent",
        _of_review,
    ),
    "circulate_advice": Step(
        review_forms.AdviceCirculatedForm,
        _circulate_advice,
        "Record that the advice was circulated",
        _of_review,
    ),
    "hold_meeting": Step(
        review_forms.MeetingHeldForm, _hold_meeting, "Record the meeting", _of_review
    ),
    "write_report": Step(review_forms.ReportForm, _write_report, "Record the report"),
    "decide": Step(
        review_forms.DecisionForm,
        _decide,
        "Record the decision",
        _of_review,
        links=_review_links,
    ),
    "record_amendment_comments": Step(
        review_forms.AmendmentCommentsForm,
        _record_amendment_comments,
        "Record the comments",
        links=_review_links,
    ),
    "issue_amended_plan": Step(
        review_forms.AmendedPlanForm,
        _issue_amended_plan,
        "Record that the amended plan was issued",
        _of_review,
        links=_review_links,
    ),
    "consult_on_cease": Step(
        review_forms.CeaseConsultationForm, _record_cease_replies, "Record the replies"
    ),
    "send_cease_notice": Step(
        review_forms.CeaseNoticeForm,
        _decide_on_cease,
        "Record the decision",
        _of_review,
    ),
    "confirm_cease": Step(
        review_forms.CeaseConfirmForm,
        _confirm_cease,
        "Record what happened",
        _of_review,
        links=_review_links,
    ),
    "record_tribunal_decision": Step(
        review_forms.CeaseAppealDecisionForm,
        _record_tribunal_decision,
        "Record the Tribunal's decision",
    ),
}


# -- what follows a funding decision of the panel ------------------------------------------------
# Each perform gets the funding request (locked by task_complete); the task names the decision.


def _set_up_payment(funding, task, data, user, today):
    return funding_services.payment_setup_record(
        decision=Decision.objects.select_related("request__panel").get(pk=task.subject_id),
        funder=task.data["funder"],
        set_up_on=data["set_up_on"],
        reference=data.get("reference", ""),
        by=user,
        today=today,
    )


def _review_funding(funding, task, data, user, today):
    return funding_services.funding_review_raise(
        decision=Decision.objects.select_related("request__panel").get(pk=task.subject_id),
        by=user,
        today=today,
        note=data.get("note", ""),
    )


def _update_plan(funding, task, data, user, today):
    return funding_services.plan_update_record(
        request=funding, how=data["how"], note=data.get("note", ""), by=user, today=today
    )


def _request_links(funding) -> list[tuple[str, str]]:
    return [("The funding request", reverse("panel:request", args=[funding.public_id]))]


def _plan_update_links(funding) -> list[tuple[str, str]]:
    return [
        *_request_links(funding),
        (
            "Start an early or interim review to amend the plan",
            reverse("workflows:review-start", args=[funding.ehc_plan.public_id]),
        ),
    ]


_FUNDING_STEPS: dict[str, Step] = {
    "set_up_payment": Step(
        panel_forms.PaymentSetupForm, _set_up_payment, "Record that the payment is set up"
    ),
    "update_plan": Step(
        panel_forms.PlanUpdateForm,
        _update_plan,
        "Record how the plan follows the decision",
        links=_plan_update_links,
    ),
    "review_funding": Step(
        panel_forms.FundingReviewForm,
        _review_funding,
        "Raise the review request",
        links=_request_links,
    ),
}


STEPS: dict[tuple[type[Flow], str], Step] = {
    **steps_of(StatutoryAssessmentFlow, _ASSESSMENT_STEPS),
    **steps_of(ReviewFlow, _REVIEW_STEPS),
    **steps_of(FundingFlow, _FUNDING_STEPS),
}


def step_for(task) -> Step:
    """The step for a task's node, in the task's own flow."""
    node = task.flow_task
    return STEPS[(node.flow_class, node.name)]
