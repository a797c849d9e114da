"""Advice portal fixtures: a case waiting for advice, and files of each type (built in memory)."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ehcp.assessments.models import AssessmentStatus
from tests.factories import CaseWalk

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<< /Type /Catalog /Pages 2 0 R >>endobj\n"
    b"2 0 obj<< /Type /Pages /Kids [] /Count 0 >>endobj\ntrailer<< /Root 1 0 R >>\n%%EOF\n"
)


def image_bytes(fmt: str, size=(4, 3)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def docx_bytes(*, extra: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    """What the browser sends: the name and the declared type are the browser's to choose."""
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def files():
    return {
        "pdf": lambda name="report.pdf": upload(name, MINIMAL_PDF, "application/pdf"),
        "png": lambda name="chart.png": upload(name, image_bytes("PNG"), "image/png"),
        "jpeg": lambda name="photo.jpg": upload(name, image_bytes("JPEG"), "image/jpeg"),
        "docx": lambda name="report.docx": upload(name, docx_bytes()),
    }


@pytest.fixture
def assessing(cast):
    """A case waiting for the family's views, health and psychological advice (the defaults)."""
    return CaseWalk(cast).to(AssessmentStatus.ASSESSING)
