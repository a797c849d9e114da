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
from .access import BreakGlassGrant, BreakGlassReason  # noqa: F401
