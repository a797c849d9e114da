"""The plan pages of a review that amends the plan, under /reviews/<review>/plan/ (namespace
review-plan): the same pages as a case's (ehcp/plans/urls.py), for the review's working copy."""

from ehcp.plans.urls import plan_patterns

app_name = "review-plan"

urlpatterns = plan_patterns("review")
