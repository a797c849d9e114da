"""The advice portal: advisers write structured advice, attach files, ask for more time and submit;
the council accepts each piece of advice or returns it with reasons.

Every service checks who is acting (from their memberships, read afresh) and the business rules
(`ehcp.assessments.rules.advice`), raises `CaseRuleError` with messages fit to show the person, and otherwise
changes the rows in one transaction with a history reason. Nothing here moves the workflow:
`workflows/` completes the adviser's and the reviewer's tasks around `advice_submit`,
`advice_accept` and `advice_return`.

Uploads (IN-07, IN-08): each file's type is decided from its content (PDF, DOCX, PNG or JPEG),
and must agree with its name's extension; anything else is refused, renamed executables and
HTML included. A DOCX is checked from the zip's directory without unpacking anything (a zip bomb
is refused unopened). Images are decoded and saved again, so nothing hidden after the image data
(an HTML tail, metadata) is kept. Files are stored under a server-chosen name; the original name
is kept only as sanitised text. All the files of one upload are stored, or none.
"""

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from agencies.access import actor_for
from agencies.models import Agency
from agencies.queues import may_work_queue
from ehcp.assessments.models import (
    AdviceAttachment,
    AdviceEntry,
    AdviceEntryKind,
    AdviceExtensionRequest,
    AdviceKind,
    AdviceRequest,
    AdviceStatus,
    Assessment,
    AssessmentStatus,
    ExtensionDecision,
)
from ehcp.assessments.rules import advice as rules
from ehcp.assessments.rules import deadlines
from ehcp.assessments.rules.exceptions import validate_exception
from ehcp.assessments.services.assessment import (
    advice_page_link,
    advice_requested_notify,
    adviser_kind_check,
    consent_gate_message,
    exception_record,
)
from ehcp.assessments.services.breaches import case_breaches_refresh
from ehcp.common import links
from ehcp.common.services import CaseRuleError, date_check, history_save
from ehcp.governance.services import case_pack_share
from notifications.models import NotificationKind
from notifications.services import notification_queue, notification_queue_to_agency

# -- who may act -----------------------------------------------------------------------------


def _check_adviser(advice: AdviceRequest, by) -> None:
    """Someone who works the queue of the agency the advice was asked of."""
    if not may_work_queue(actor_for(by), advice.agency_id, advice.agency.kind):
        raise CaseRuleError(
            f"Only someone who works {advice.agency.name}'s queue can work on this advice"
        )


def _check_council(advice: AdviceRequest, by) -> None:
    if advice.case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can do this")


def _lock(advice: AdviceRequest) -> AdviceRequest:
    """Lock the advice row for this transaction and re-read it (two people, one piece of advice)."""
    list(AdviceRequest.objects.select_for_update().filter(pk=advice.pk).values_list("pk"))
    advice.refresh_from_db()
    return advice


def _editable(advice: AdviceRequest, by) -> AdviceRequest:
    advice = _lock(advice)
    _check_adviser(advice, by)
    if not advice.is_editable:
        raise CaseRuleError("This advice has been submitted: it can no longer be changed")
    return advice


def _touch(advice: AdviceRequest, by) -> None:
    advice.draft_saved_at = timezone.now()
    history_save(advice, "Draft advice saved", by)


# -- entries ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    """One entry as the adviser typed it. `links` (provision only, in `advice_draft_save`) are the
    positions, in the same list, of the needs and outcomes the provision is for."""

    kind: str
    plan_section: str
    text: str
    who: str = ""
    frequency_count: int | None = None
    frequency_period: str = ""
    session_minutes: int | None = None
    duration: str = ""
    links: tuple[int, ...] = ()

    def as_fact(self) -> rules.EntryFact:
        return rules.EntryFact(
            kind=self.kind,
            plan_section=self.plan_section,
            text=self.text,
            who=self.who,
            frequency_count=self.frequency_count,
            frequency_period=self.frequency_period,
            session_minutes=self.session_minutes,
            duration=self.duration,
        )


_QUANTITY_FIELDS = ("who", "frequency_count", "frequency_period", "session_minutes", "duration")


def _fill(entry: AdviceEntry, data: EntryInput) -> None:
    entry.kind = data.kind
    entry.plan_section = data.plan_section
    entry.text = data.text.strip()
    provision = data.kind == AdviceEntryKind.PROVISION
    entry.who = data.who.strip() if provision else ""
    entry.frequency_count = data.frequency_count if provision else None
    entry.frequency_period = data.frequency_period if provision else ""
    entry.session_minutes = data.session_minutes if provision else None
    entry.duration = data.duration.strip() if provision else ""


def _check_links(advice: AdviceRequest, links: Sequence[AdviceEntry]) -> None:
    for link in links:
        if link.advice_request_id != advice.pk or link.kind not in (
            AdviceEntryKind.NEED,
            AdviceEntryKind.OUTCOME,
        ):
            raise CaseRuleError("Link provision only to the needs and outcomes in this advice")


def advice_entry_save(
    *,
    advice: AdviceRequest,
    data: EntryInput,
    entry: AdviceEntry | None = None,
    links: Iterable[AdviceEntry] = (),
    by,
) -> AdviceEntry:
    """Add an entry to the adviser's draft, or change one. Provision may be linked to the needs
    and outcomes it is for. Nothing is sent to the council."""
    problems = rules.entry_problems(data.as_fact())
    if problems:
        raise CaseRuleError(*problems)
    links = list(links) if data.kind == AdviceEntryKind.PROVISION else []
    with transaction.atomic():
        advice = _editable(advice, by)
        _check_links(advice, links)
        if entry is None:
            last = advice.entries.order_by("-order").values_list("order", flat=True).first()
            entry = AdviceEntry(advice_request=advice, order=(last or 0) + 1)
            reason = "Advice entry added"
        else:
            if entry.advice_request_id != advice.pk:
                raise CaseRuleError("This entry belongs to other advice")
            reason = "Advice entry changed"
        _fill(entry, data)
        history_save(entry, reason, by)
        entry.links.set(links)
        _touch(advice, by)
    return entry


def advice_entry_remove(*, entry: AdviceEntry, by) -> None:
    """Take an entry out of the adviser's draft (its history is kept)."""
    with transaction.atomic():
        advice = _editable(entry.advice_request, by)
        entry._change_reason = "Advice entry removed"
        entry._history_user = by
        entry.delete()
        _touch(advice, by)


def advice_draft_save(
    *,
    advice: AdviceRequest,
    entries: Sequence[EntryInput] | None = None,
    attachments: Sequence = (),
    by,
    today: date | None = None,
) -> AdviceRequest:
    """Save the adviser's draft to come back to: when `entries` is given it replaces the draft's
    entries; `attachments` are added. All of it is saved, or none; nothing is sent and the
    workflow does not move."""
    with transaction.atomic():
        advice = _editable(advice, by)
        if entries is not None:
            entries = list(entries)
            problems = [
                problem for data in entries for problem in rules.entry_problems(data.as_fact())
            ]
            for data in entries:
                for link in data.links:
                    if not 0 <= link < len(entries) or entries[link].kind not in (
                        AdviceEntryKind.NEED,
                        AdviceEntryKind.OUTCOME,
                    ):
                        problems.append(
                            "Link provision only to the needs and outcomes in this advice"
                        )
            if problems:
                raise CaseRuleError(*dict.fromkeys(problems))
            for old in advice.entries.all():
                old._change_reason = "Advice entry replaced"
                old._history_user = by
                old.delete()
            created = []
            for order, data in enumerate(entries, start=1):
                entry = AdviceEntry(advice_request=advice, order=order)
                _fill(entry, data)
                history_save(entry, "Advice entry added", by)
                created.append(entry)
            for entry, data in zip(created, entries, strict=True):
                if data.links and data.kind == AdviceEntryKind.PROVISION:
                    entry.links.set([created[link] for link in data.links])
        if attachments:
            attachment_add(advice=advice, files=attachments, by=by)
        _touch(advice, by)
    return advice


# -- attachments -------------------------------------------------------------------------------

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = "image/png"
JPEG = "image/jpeg"
#: Allowed types, decided from the content, and the extensions each may have.
ALLOWED_TYPES = {PDF: (".pdf",), DOCX: (".docx",), PNG: (".png",), JPEG: (".jpg", ".jpeg")}
TYPE_LABELS = {PDF: "PDF", DOCX: "Word document", PNG: "PNG image", JPEG: "JPEG image"}

# A DOCX is a zip: refuse one that would unpack to something huge, before unpacking anything.
DOCX_MAX_MEMBERS = 2000
DOCX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DOCX_MAX_RATIO = 200
IMAGE_MAX_PIXELS = 40_000_000
# Active content in a PDF: scripts, launch actions and embedded files.
PDF_ACTIVE_CONTENT = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia)(?![A-Za-z0-9])")
NAME_MAX = 100


def attachment_max_bytes() -> int:
    return int(getattr(settings, "ADVICE_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def attachments_max() -> int:
    return int(getattr(settings, "ADVICE_ATTACHMENTS_MAX", 10))


def clean_filename(name: str) -> str:
    """The original name as safe text: no path, only letters, digits, '-', '_' and '.', at most
    100 characters (the extension kept). Never used to store the file."""
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    try:
        clean = get_valid_filename(base)
    except SuspiciousFileOperation:
        clean = ""
    stem, ext = os.path.splitext(clean)
    ext = ext.lower()[:10]
    stem = stem.lstrip(".")[: NAME_MAX - len(ext)]
    return f"{stem or 'attachment'}{ext}"


def _size_text(size: int) -> str:
    return f"{size // (1024 * 1024)}MB" if size >= 1024 * 1024 else f"{size // 1024}KB"


def _docx_problem(data: bytes) -> str | None:
    """Why this zip is not an acceptable Word document, judged from its directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return "type"
    if (
        len(members) > DOCX_MAX_MEMBERS
        or sum(m.file_size for m in members) > DOCX_MAX_UNPACKED_BYTES
    ):
        return "bomb"
    if any(m.compress_size and m.file_size / m.compress_size > DOCX_MAX_RATIO for m in members):
        return "bomb"
    names = {m.filename for m in members}
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        return "type"
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        return "macros"
    return None


def _reencode_image(data: bytes, content_type: str) -> bytes | None:
    """Decode the image and save it again: only the pixels survive. None if it is not a
    readable image of the type its signature claims."""
    from PIL import Image, ImageOps  # Pillow comes with WeasyPrint

    wanted = "PNG" if content_type == PNG else "JPEG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != wanted:
                return None
            width, height = image.size
            if width * height > IMAGE_MAX_PIXELS:
                return None
            image.load()
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if wanted == "JPEG":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=90)
            else:
                image.save(out, "PNG")
            return out.getvalue()
    except Exception:  # noqa: BLE001 - any decoding failure means "not an image we accept"
        return None


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    data: bytes


def check_upload(upload) -> CheckedFile:
    """Check one uploaded file (size, type from content, extension); raise `CaseRuleError`."""
    name = clean_filename(getattr(upload, "name", ""))
    limit = attachment_max_bytes()
    allowed = "a PDF, Word document (.docx), PNG or JPEG"
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise CaseRuleError(f"“{name}” must be smaller than {_size_text(limit)}")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise CaseRuleError(f"“{name}” must be smaller than {_size_text(limit)}")
    if not data:
        raise CaseRuleError(f"“{name}” is empty")
    if data.startswith(b"%PDF-"):
        content_type = PDF
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        content_type = PNG
    elif data.startswith(b"\xff\xd8\xff"):
        content_type = JPEG
    elif data.startswith(b"PK\x03\x04"):
        problem = _docx_problem(data)
        if problem == "bomb":
            raise CaseRuleError(
                f"“{name}” is not a Word document we can accept: it unpacks to too much data"
            )
        if problem == "macros":
            raise CaseRuleError(
                f"“{name}” contains macros: save it as a Word document (.docx) without macros"
            )
        if problem:
            raise CaseRuleError(f"“{name}” must be {allowed}")
        content_type = DOCX
    else:
        raise CaseRuleError(f"“{name}” must be {allowed}")
    extension = os.path.splitext(name)[1]
    if extension not in ALLOWED_TYPES[content_type]:
        raise CaseRuleError(
            f"“{name}” is a {TYPE_LABELS[content_type]}: its name must end in {' or '.join(ALLOWED_TYPES[content_type])}"
        )
    if content_type == PDF and PDF_ACTIVE_CONTENT.search(data):
        raise CaseRuleError(
            f"“{name}” contains scripts or embedded files: save it as a plain PDF and try again"
        )
    if content_type in (PNG, JPEG):
        data = _reencode_image(data, content_type)
        if data is None:
            raise CaseRuleError(f"“{name}” could not be read as a {TYPE_LABELS[content_type]}")
    return CheckedFile(name=name, content_type=content_type, data=data)


def attachment_add(*, advice: AdviceRequest, files: Sequence, by) -> list[AdviceAttachment]:
    """Attach files to the adviser's draft: every file is checked first, then all are stored,
    or none (IN-07, IN-08)."""
    files = list(files)
    if not files:
        raise CaseRuleError("Choose a file to attach")
    problems, checked = [], []
    for upload in files:
        try:
            checked.append(check_upload(upload))
        except CaseRuleError as error:
            problems += error.messages
    if problems:
        raise CaseRuleError(*problems)
    stored: list[AdviceAttachment] = []
    with transaction.atomic():
        advice = _editable(advice, by)
        limit = attachments_max()
        if advice.attachments.count() + len(checked) > limit:
            raise CaseRuleError(f"Advice can have up to {limit} files attached")
        try:
            for item in checked:
                attachment = AdviceAttachment(
                    advice_request=advice,
                    original_name=item.name,
                    content_type=item.content_type,
                    size=len(item.data),
                    sha256=hashlib.sha256(item.data).hexdigest(),
                    uploaded_by=by,
                )
                attachment.file.save("upload", ContentFile(item.data), save=False)
                stored.append(attachment)
                history_save(attachment, "File attached to advice", by)
            _touch(advice, by)
        except BaseException:
            for attachment in stored:  # leave no file behind when the rows are not written
                attachment.file.storage.delete(attachment.file.name)
            raise
    return stored


def attachment_remove(*, attachment: AdviceAttachment, by) -> None:
    """Take a file off the adviser's draft. The stored file is deleted once the change commits."""
    with transaction.atomic():
        advice = _editable(attachment.advice_request, by)
        storage, name = attachment.file.storage, attachment.file.name
        attachment._change_reason = "File removed from advice"
        attachment._history_user = by
        attachment.delete()
        _touch(advice, by)
        transaction.on_commit(lambda: storage.delete(name))


# -- submitting and reviewing ------------------------------------------------------------------


def advice_submit(
    *,
    advice: AdviceRequest,
    by,
    received_on: date | None = None,
    summary: str | None = None,
    today: date | None = None,
) -> AdviceRequest:
    """The adviser sends their advice to the council (reg 8(1): within 6 weeks of the request).

    It must describe at least one need (ADVICE-NEED) and every provision must say who provides
    it and how often (ADVICE-QUANTIFIED). `received_on` is the day the council has it (today,
    unless the caseworker records views given earlier). `summary` is a plain-text summary; by
    default it is written from the entries, one labelled line each. The advice then waits for the
    council's review, except the family's views, which the council records itself (accepted).
    """
    today = today or timezone.localdate()
    received_on = received_on or today
    with transaction.atomic():
        advice = _lock(advice)
        if not advice.is_editable:
            raise CaseRuleError("This advice has already been submitted")
        _check_adviser(advice, by)
        date_check(
            received_on, today=today, not_before=advice.requested_on, what="the advice was given"
        )
        entries = list(advice.entries.prefetch_related("links"))
        problems = rules.submission_problems(advice.kind, [entry.as_fact() for entry in entries])
        if problems:
            raise CaseRuleError(*problems)
        resubmitted = advice.status == AdviceStatus.RETURNED
        advice.summary = (summary or "").strip() or rules.advice_summary(
            [entry.as_fact(with_links=True) for entry in entries]
        )
        advice.received_on = received_on
        advice.submitted_by = by
        advice.submitted_at = timezone.now()
        advice.status = AdviceStatus.SUBMITTED
        reason = "Advice resubmitted" if resubmitted else "Advice submitted"
        if advice.kind == AdviceKind.PARENT_VIEWS:
            # The family's views are recorded by the council itself: nothing to review.
            advice.status = AdviceStatus.ACCEPTED
            advice.accepted_by = by
            advice.accepted_at = advice.submitted_at
            reason = "Family's views recorded"
        history_save(advice, reason, by)
        case_breaches_refresh(advice.case)  # the advice is in: no longer owed
        if advice.kind != AdviceKind.PARENT_VIEWS:
            _advice_submitted_notify(advice)
    return advice


def _advice_submitted_notify(advice: AdviceRequest) -> None:
    """Tell the case's caseworker that advice is in for them to review (or, with no caseworker,
    the council's queue). The message names no one (DM-03)."""
    case = advice.case
    key = f"advice-submitted:{advice.pk}:{advice.submitted_at.isoformat()}"
    if case.caseworker_id:
        notification_queue(
            kind=NotificationKind.ADVICE_SUBMITTED,
            user_id=case.caseworker_id,
            link=advice_page_link(advice),
            key=key,
        )
    else:
        notification_queue_to_agency(
            kind=NotificationKind.ADVICE_SUBMITTED,
            agency=case.council,
            link=advice_page_link(advice),
            key=key,
        )


def advice_accept(*, advice: AdviceRequest, by, today: date | None = None) -> AdviceRequest:
    """The council accepts the advice: it counts towards the assessment and can feed the plan."""
    with transaction.atomic():
        advice = _lock(advice)
        _check_council(advice, by)
        if advice.status == AdviceStatus.ACCEPTED:
            raise CaseRuleError("This advice has already been accepted")
        if advice.status != AdviceStatus.SUBMITTED:
            raise CaseRuleError("This advice has not been submitted yet")
        advice.status = AdviceStatus.ACCEPTED
        advice.accepted_by = by
        advice.accepted_at = timezone.now()
        history_save(advice, "Advice accepted", by)
    return advice


def advice_return(
    *, advice: AdviceRequest, reasons: str, by, today: date | None = None
) -> AdviceRequest:
    """The council sends the advice back with the reasons. It is outstanding again: the reply to
    the request is the advice the council accepts, and the reg 8(1) date does not move."""
    if not (reasons or "").strip():
        raise CaseRuleError("Enter what the adviser needs to change")
    with transaction.atomic():
        advice = _lock(advice)
        _check_council(advice, by)
        if advice.status != AdviceStatus.SUBMITTED:
            raise CaseRuleError("Only submitted advice can be returned")
        advice.status = AdviceStatus.RETURNED
        advice.returned_reason = reasons.strip()
        advice.returned_by = by
        advice.returned_at = timezone.now()
        advice.received_on = None
        history_save(advice, "Advice returned to the adviser", by)
        case_breaches_refresh(advice.case)  # owed again, by its reg 8(1) date
        # Asked again: the person who submitted it if they still work the queue, or the
        # agency's mailbox (DM-03: the message names no one).
        submitter = advice.submitted_by
        still_there = submitter is not None and may_work_queue(
            actor_for(submitter), advice.agency_id, advice.agency.kind
        )
        notification_queue(
            kind=NotificationKind.ADVICE_RETURNED,
            agency=advice.agency,
            user_id=submitter.pk if still_there else None,
            link=advice_page_link(advice),
            key=f"advice-returned:{advice.pk}:{advice.returned_at.isoformat()}",
        )
    return advice


# -- more time ---------------------------------------------------------------------------------


def extension_page_link(extension: AdviceExtensionRequest) -> str:
    """The council's page to agree or refuse more time."""
    return links.url("advice-extension", extension)


def extension_request(
    *,
    advice: AdviceRequest,
    new_date: date,
    reason: str,
    limb: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    by,
    today: date | None = None,
) -> AdviceExtensionRequest:
    """The adviser asks for more time, with the reason. If the reason is one of the reg 8(2)
    exceptions they say which, and when the circumstances began. The caseworker is told, in the
    same transaction (an outbox row)."""
    today = today or timezone.localdate()
    errors = []
    if not (reason or "").strip():
        errors.append("Enter why you need more time")
    if limb:
        if limb not in rules.ADVICE_LIMBS:
            errors.append(f"Reg {limb} is not an exception to the advice time limit")
        elif starts_on is None:
            errors.append("Enter the date the circumstances began")
        else:
            # The adviser's account: the council completes it (an end date, or still going on)
            # if it records an exception when it agrees more time.
            errors += validate_exception(
                deadlines.ADVICE,
                limb,
                starts_on=starts_on,
                ends_on=ends_on,
                period_starts_on=advice.requested_on,
                period_due_on=advice.due_on,
                today=today,
                require_end=False,
            )
    with transaction.atomic():
        advice = _lock(advice)
        _check_adviser(advice, by)
        if not advice.is_editable:
            raise CaseRuleError("This advice has already been submitted")
        not_before = max(advice.due_on, today)
        if new_date <= not_before:
            errors.insert(0, f"The new date must be after {not_before:%-d %B %Y}")
        if advice.extension_requests.filter(decision=ExtensionDecision.PENDING).exists():
            errors.insert(
                0, "You have already asked for more time: wait for the council's decision"
            )
        if errors:
            raise CaseRuleError(*errors)
        extension = AdviceExtensionRequest(
            advice_request=advice,
            requested_by=by,
            new_date=new_date,
            reason=reason.strip(),
            limb=limb,
            starts_on=starts_on if limb else None,
            ends_on=ends_on if limb else None,
        )
        try:
            history_save(extension, "More time asked for", by)
        except IntegrityError as exc:
            raise CaseRuleError(
                "You have already asked for more time: wait for the council's decision"
            ) from exc
        # The case's caseworker decides (or, with no caseworker, the council's mailbox).
        notification_queue(
            kind=NotificationKind.ADVICE_MORE_TIME,
            agency=advice.case.council,
            user_id=advice.case.caseworker_id,
            link=extension_page_link(extension),
            key=f"advice-more-time:{extension.pk}",
        )
    return extension


def extension_decide(
    *,
    extension: AdviceExtensionRequest,
    accept: bool,
    decision_reason: str,
    exception_limb: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    ongoing: bool = False,
    ongoing_evidence: str = "",
    family_told_on: date | None = None,
    by,
    today: date | None = None,
) -> AdviceExtensionRequest:
    """The council accepts or refuses the request for more time. The statutory date never moves.
    Accepting a reason the council finds is a reg 8(2) exception (`exception_limb`) records that
    exception on the advice (`exception_record`), with the adviser's reason as the evidence: its
    circumstances need an end date or to be still going on (with `ongoing_evidence`), and the
    family must have been told (`family_told_on`).
    The adviser who asked is told the decision, in the same transaction (an outbox row)."""
    today = today or timezone.localdate()
    decision_reason = (decision_reason or "").strip()
    with transaction.atomic():
        extension = (
            AdviceExtensionRequest.objects.select_for_update()
            .select_related("advice_request", "advice_request__case")
            .get(pk=extension.pk)
        )
        advice = extension.advice_request
        _check_council(advice, by)
        if not extension.is_pending:
            raise CaseRuleError("This request for more time has already been decided")
        if not accept and not decision_reason:
            raise CaseRuleError("Enter why more time is refused")
        if not accept and exception_limb:
            raise CaseRuleError("Record an exception only when you agree more time")
        if accept and exception_limb:
            if starts_on is None and extension.starts_on is None:
                raise CaseRuleError("Enter the date the circumstances began")
            extension.exception = exception_record(
                case=advice.case,
                period_code=deadlines.ADVICE.code,
                limb=exception_limb,
                starts_on=starts_on or extension.starts_on,
                # The council's own dates when it gives any; otherwise the adviser's.
                ends_on=ends_on
                if starts_on or ends_on is not None or ongoing
                else extension.ends_on,
                ongoing=ongoing,
                ongoing_evidence=ongoing_evidence,
                evidence=extension.reason,
                reasoning=decision_reason,
                advice_request=advice,
                family_told_on=family_told_on,
                by=by,
                today=today,
            )
        extension.decision = ExtensionDecision.ACCEPTED if accept else ExtensionDecision.REFUSED
        extension.decided_by = by
        extension.decided_at = timezone.now()
        extension.decision_reason = decision_reason
        history_save(extension, "More time agreed" if accept else "More time refused", by)
        # The adviser who asked is told (or, if they have gone, their agency's mailbox).
        notification_queue(
            kind=NotificationKind.ADVICE_MORE_TIME_DECIDED,
            agency=advice.agency,
            user_id=extension.requested_by_id,
            link=advice_page_link(advice),
            key=f"advice-more-time-decided:{extension.pk}",
        )
    return extension


def agreed_date(advice: AdviceRequest) -> date | None:
    """The latest date the council has agreed the advice may come by (None if none): an
    internal target; the statutory date stays `advice.due_on`."""
    return (
        advice.extension_requests.filter(decision=ExtensionDecision.ACCEPTED)
        .order_by("-new_date")
        .values_list("new_date", flat=True)
        .first()
    )


# -- cancelling a request, asking for more advice later -----------------------------------------

#: The stages in which the council may cancel a request for advice or ask for more: from the
#: decision to assess until the final plan is issued.
ADVICE_CHANGE_STATUSES = (
    AssessmentStatus.ASSESSING,
    AssessmentStatus.DRAFTING,
    AssessmentStatus.DRAFT_ISSUED,
    AssessmentStatus.CONSULTING,
)
CANCEL_REASON_MAX = 1000


def advice_request_cancel(
    *, advice: AdviceRequest, reason: str, by, today: date | None = None
) -> AdviceRequest:
    """The council no longer needs this advice (ADVICE-CANCEL): for example the adviser has nothing
    new to add, or advice already given is enough (reg 6(4)). The request is marked cancelled with
    the reason, is no longer missing, and the adviser's agency is told. `workflows/` ends the
    adviser's and review tasks and their chasers in the same transaction."""
    today = today or timezone.localdate()
    reason = (reason or "").strip()
    if not reason:
        raise CaseRuleError("Enter the reason for cancelling the request for advice")
    if len(reason) > CANCEL_REASON_MAX:
        raise CaseRuleError(f"The reason must be {CANCEL_REASON_MAX} characters or fewer")
    with transaction.atomic():
        advice = _lock(advice)
        _check_council(advice, by)
        if advice.case.status not in ADVICE_CHANGE_STATUSES:
            raise CaseRuleError(
                "Advice can only be cancelled between the decision to assess and the final plan"
            )
        if advice.status == AdviceStatus.CANCELLED:
            raise CaseRuleError("This request for advice has already been cancelled")
        if advice.status == AdviceStatus.ACCEPTED:
            raise CaseRuleError("This advice has been accepted: there is nothing to cancel")
        advice.status = AdviceStatus.CANCELLED
        advice.cancelled_reason = reason
        advice.cancelled_by = by
        advice.cancelled_on = today
        history_save(advice, f"Request for advice cancelled: {reason}", by)
        case_breaches_refresh(advice.case)
        if advice.agency_id != advice.case.council_id:
            notification_queue_to_agency(
                kind=NotificationKind.ADVICE_CANCELLED,
                agency=advice.agency,
                link=advice_page_link(advice),
                key=f"advice-cancelled:{advice.pk}",
            )
    return advice


def advice_request_add(
    *,
    case: Assessment,
    kind: str,
    agency: Agency,
    requested_on: date,
    by,
    today: date | None = None,
) -> AdviceRequest:
    """Ask for more advice after the decision to assess (reg 6(1); due 6 weeks later, reg 8(1)):
    a kind not asked for yet, a second "other" adviser, or again after a cancelled request. The
    same consent gate as the first requests (the agency must be covered on the day, or an
    override recorded); the agency is told and receives its case pack. `workflows/` gives the
    agency its adviser's task in the same transaction."""
    today = today or timezone.localdate()
    if kind not in AdviceKind.values:
        raise CaseRuleError("Choose the kind of advice")
    if case.council_id not in actor_for(by).council_agency_ids:
        raise CaseRuleError("Only the council's SEN team can ask for advice")
    if kind == AdviceKind.PARENT_VIEWS:
        agency = case.council
    adviser_kind_check(kind, agency)
    date_check(
        requested_on,
        today=today,
        not_before=case.assessment_decided_on,
        what="of the request",
    )
    with transaction.atomic():
        case = (
            Assessment.objects.select_for_update()
            .select_related("child", "council")
            .get(pk=case.pk)
        )
        if case.status not in ADVICE_CHANGE_STATUSES:
            raise CaseRuleError(
                "Advice can only be asked for between the decision to assess and the final plan"
            )
        if (
            case.advice_requests.filter(kind=kind, agency=agency)
            .exclude(status=AdviceStatus.CANCELLED)
            .exists()
        ):
            raise CaseRuleError(f"{agency.name} has already been asked for this advice")
        partner = {agency.pk} - {case.council_id}
        if partner:
            missing = case.missing_consent_to_request_advice(requested_on, agency_ids=partner)
            if missing is not None:
                raise CaseRuleError(consent_gate_message(case, missing))
        advice = AdviceRequest(
            case=case,
            kind=kind,
            agency=agency,
            requested_on=requested_on,
            due_on=deadlines.due_on(deadlines.ADVICE, requested_on),
        )
        history_save(advice, "Advice requested after the decision to assess", by)
        case_breaches_refresh(case)
        advice_requested_notify(advice)
        if partner:
            case_pack_share(case=case, recipients=[agency], by=by, today=requested_on)
    return advice
