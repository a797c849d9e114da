"""Everything that changes a case happens in these services (see assessment.py)."""

from .assessment import (  # noqa: F401
    CaseRuleError,
    transition_refusal_message,
    ChildDetails,
    ParentDetails,
    case_request_receive,
    consent_record,
    consent_withdraw,
    consent_override_record,
    AdviceToSeek,
    case_assessment_decide,
    case_issue_decide,
    plan_draft_issue,
    draft_comments_record,
    consultation_reply_record,
    plan_final_issue,
    exception_record,
    PERIODS_BY_CODE,
)
from .plan import plan_get_or_create, plan_details_update, need_save, outcome_save, provision_save, entry_remove, suggestion_accept, suggestions_accept_all, advice_candidates, plan_fill_from_advice, plan_fill_example, provision_health_agree, plan_issue_content, plan_issue_documents, document_queue, letter_queue, letter_content, document_render, document_render_pending, document_open, DocumentIntegrityError  # noqa: F401,E402,E501
from .governance import case_pack, case_pack_values, disclosure_record, case_pack_share, decision_not_to_share_record, case_by_reference, break_glass_request, break_glass_review, incident_record, incident_decision_record, NO_SUCH_CASE  # noqa: F401,E402,E501
from .advice import EntryInput, advice_entry_save, advice_entry_remove, advice_draft_save, attachment_add, attachment_remove, advice_submit, advice_accept, advice_return, extension_request, extension_decide, agreed_date  # noqa: F401,E402,E501
