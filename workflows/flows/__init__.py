"""The flows, one module each: the statutory assessment (assessment.py) and the review of a plan
(review.py), and what follows a funding decision of the Joint Agency Panel (funding.py). Their shared nodes are in nodes.py.

viewflow stores a flow's class and nodes by module path ("workflows/flows.assessment.
StatutoryAssessmentFlow.decide_to_assess"), so moving a flow needs a data migration that
rewrites the stored references (workflows/migrations/0004_flows_package_references.py).
"""

from .assessment import (
    ADVICE_NODES,
    ADVICE_REVIEW_NODES,
    ADVICE_STEPS,
    CHASE_AT,
    StatutoryAssessmentFlow,
)
from .funding import FundingFlow
from .review import ReviewFlow

__all__ = [
    "ADVICE_NODES",
    "ADVICE_REVIEW_NODES",
    "ADVICE_STEPS",
    "CHASE_AT",
    "FundingFlow",
    "ReviewFlow",
    "StatutoryAssessmentFlow",
]
