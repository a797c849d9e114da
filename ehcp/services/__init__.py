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
    advice_submit,
    case_issue_decide,
    plan_draft_issue,
    draft_comments_record,
    consultation_reply_record,
    plan_final_issue,
    exception_record,
    PERIODS_BY_CODE,
)
