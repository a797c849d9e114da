"""Everything that changes a case happens in these services (see assessment.py).

Each service owns its transaction and queues, inside it, the notifications its change causes
(an outbox row, `notifications.services.notification_queue`); views, forms and flow nodes only
call services. The service modules import each other one way, every import at the top of the
file (tests/test_project.py checks both), each only from those above it in this list:

1. `common`: `CaseRuleError`, `date_check`, `history_save`; imports no other service.
2. `casework`, `ehc_plan`, `governance`, `plan`: `common` only (`plan` also `ehcp.rendering`
   and `ehcp.tasks`, which import no service).
3. `assessment`: `common`, `ehc_plan` (the child's plan made or changed by the final plan),
   `governance` (the case packs shared) and `plan` (letters, issuing).
4. `advice`: `common` and `assessment` (`exception_record`, `advice_page_link`).

No module imports another's `_private` name; a helper two modules need is public in `common`.
"""

from ..rendering import document_render, document_render_pending  # noqa: F401
from .advice import (  # noqa: F401,E402,E501
    EntryInput,
    advice_accept,
    advice_draft_save,
    advice_entry_remove,
    advice_entry_save,
    advice_return,
    advice_submit,
    agreed_date,
    attachment_add,
    attachment_remove,
    extension_decide,
    extension_request,
)
from .assessment import (  # noqa: F401
    PERIODS_BY_CODE,
    AdviceToSeek,
    ChildDetails,
    ParentDetails,
    case_assessment_decide,
    case_issue_decide,
    case_request_receive,
    consent_override_record,
    consent_record,
    consent_withdraw,
    consultation_reply_record,
    draft_comments_record,
    exception_record,
    plan_draft_issue,
    plan_final_issue,
    transition_refusal_message,
)
from .common import CaseRuleError  # noqa: F401
from .governance import (  # noqa: F401,E402,E501
    NO_SUCH_CASE,
    break_glass_request,
    break_glass_review,
    case_by_reference,
    case_pack,
    case_pack_share,
    case_pack_values,
    decision_not_to_share_record,
    disclosure_record,
    incident_decision_record,
    incident_record,
)
from .plan import (  # noqa: F401,E402,E501
    DocumentIntegrityError,
    advice_candidates,
    document_open,
    document_queue,
    entry_remove,
    letter_content,
    letter_queue,
    need_save,
    outcome_save,
    plan_details_update,
    plan_fill_example,
    plan_fill_from_advice,
    plan_get_or_create,
    plan_issue_content,
    plan_issue_documents,
    provision_health_agree,
    provision_save,
    suggestion_accept,
    suggestions_accept_all,
)
