"""Consult one more school or college while the council consults on the draft plan (for example
when the first declines): the consultation and its reply task, in that setting's queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agencies.access import actor_for
from agencies.queues import may_work_queue
from ehcp.assessments.forms import ConsultSettingForm
from ehcp.assessments.models import Assessment, AssessmentStatus
from ehcp.common.services import CaseRuleError
from ehcp.governance.access import case_access
from ehcp.governance.audit import audit_read, audited_view

from . import services


@require_http_methods(["GET", "POST"])
@login_required
@audited_view
def case_consult(request, case_id):
    case = (
        Assessment.objects.select_related("child", "council", "caseworker")
        .filter(public_id=case_id)
        .first()
    )
    actor = actor_for(request.user)
    access = case_access(actor, case) if case is not None else None
    if access is None or access.relationship != "council":
        raise Http404("No such case")
    if not may_work_queue(actor, case.council_id, case.council.kind):
        raise PermissionDenied
    back = reverse("ehcp:case-detail", kwargs={"public_id": case.public_id})
    if case.status != AssessmentStatus.CONSULTING:
        messages.error(
            request, "Settings can be consulted only while the council consults on the draft plan"
        )
        return redirect(back)
    form = ConsultSettingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        setting = form.cleaned_data["setting"]
        try:
            consultation = services.setting_consult(case=case, setting=setting, by=request.user)
        except CaseRuleError as error:
            for message in error.messages:
                form.add_error(None, message)
        except services.TaskConflict as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                f"{setting.name} consulted: reply due by {consultation.reply_due_on:%-d %B %Y}",
            )
            return redirect(back)
    audit_read(request, what="case", case=case, access=access, data_types=["IDENTITY"])
    return render(
        request,
        "ehcp/assessments/form_page.html",
        {
            "form": form,
            "case": case,
            "title": "Consult another school or setting",
            "lead": (
                "It is sent the draft plan and has 15 days to reply (SEND Code of Practice 9.83). "
                "The final plan does not wait for a setting after its 15 days."
            ),
            "button": "Send the consultation",
        },
    )
