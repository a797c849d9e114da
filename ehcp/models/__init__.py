"""The EHC domain models, one module per part of the casework."""

from .case import (  # noqa: F401
    Need,
    Child,
    ParentCarer,
    Requester,
    CaseStatus,
    CaseQuerySet,
    Case,
    ConsentMethod,
    ConsentGiver,
    ConsentRecord,
    ConsentOverride,
    AdviceKind,
    AdviceRequest,
    ConsultationResponse,
    SettingConsultation,
    StatutoryException,
    OPEN_STATUSES,
    CLOSED_STATUSES,
    ADVICE_AGENCY_KIND,
)
from .access import BreakGlassAttempt, BreakGlassGrant, BreakGlassOutcome, BreakGlassReason  # noqa: F401
from .plan import ImmutableDocumentError, PlanEntryStatus, NeedSection, ProvisionSection, FrequencyPeriod, HealthAgreementSource, Plan, PlanNeed, PlanOutcome, PlanProvision, DocumentKind, PLAN_DOCUMENT_KINDS, PlanDocument, RenderStatus, DocumentRender, DocumentDownload  # noqa: F401,E501
from .governance import AccessEvent, AccessWhat, AccessRelationship, AppendOnlyError, Channel, DecisionNotToShare, Disclosure, IncidentKind, NotifyDecision, SecurityIncident, Severity  # noqa: F401,E501
from .advice import AdviceStatus, AdviceEntryKind, AdviceEntry, AdviceAttachment, ExtensionDecision, AdviceExtensionRequest  # noqa: F401,E501
