"""Error pages and their log lines, and the favicon.

* A server error's page gives a reference the person can quote; the server's log line for that
  error carries the same reference (and the traceback).
* An expected refusal (403, 404) logs one line, not a traceback.
* /favicon.ico answers, and every page links our own icon.
"""

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import path

from config import urls as project_urls


def boom(request):
    raise RuntimeError("something broke")


def denied(request):
    raise PermissionDenied


# This module is the URLconf for the tests that need a view that fails.
urlpatterns = [
    *project_urls.urlpatterns,
    path("test-boom/", boom),
    path("test-denied/", denied),
]
handler500 = project_urls.handler500


@pytest.fixture
def failing_urls(settings):
    settings.ROOT_URLCONF = __name__


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "django.request"]


def test_server_error_page_gives_the_reference_in_the_log_line(client, caplog, failing_urls):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/test-boom/")
    assert response.status_code == 500
    page = response.content.decode()
    reference = response["X-Request-ID"][:8]
    assert len(response["X-Request-ID"]) == 32
    assert (
        f'Give them this reference: <strong class="app-error-reference">{reference}</strong>'
        in page
    )
    assert "something broke" not in page and "RuntimeError" not in page
    [line] = request_lines(caplog)
    assert line.getMessage() == f"Internal Server Error: /test-boom/ (reference {reference})"
    assert line.exc_info is not None  # the traceback is kept for a real error
    assert (
        f"(reference {reference})" in caplog.text and "RuntimeError: something broke" in caplog.text
    )


def test_server_error_reference_is_a_proxys_request_id_in_full(client, caplog, failing_urls):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/test-boom/", HTTP_X_REQUEST_ID="lb-7f3a-0001")
    assert '<strong class="app-error-reference">lb-7f3a-0001</strong>' in response.content.decode()
    [line] = request_lines(caplog)
    assert line.getMessage().endswith("(reference lb-7f3a-0001)")


def test_a_percent_sign_in_the_path_does_not_break_the_log_line(client, caplog, failing_urls):
    client.raise_request_exception = False
    with caplog.at_level(logging.INFO):
        response = client.get("/test-boom/", {"q": "100%"})
    assert response.status_code == 500
    [line] = request_lines(caplog)
    assert line.getMessage().startswith("Internal Server Error: /test-boom/ (reference ")


@pytest.mark.django_db
def test_permission_denied_logs_one_line_without_a_traceback(client, caplog, caseworker):
    client.force_login(caseworker)
    with caplog.at_level(logging.INFO):
        response = client.get("/cases/caseload/")  # managers only
    assert response.status_code == 403
    [line] = request_lines(caplog)
    assert line.getMessage() == "Forbidden (Permission denied): /cases/caseload/"
    assert line.exc_info is None
    assert "Traceback" not in caplog.text


def test_permission_denied_from_any_view_has_no_traceback(client, caplog, failing_urls):
    with caplog.at_level(logging.INFO):
        assert client.get("/test-denied/").status_code == 403
    assert [line.getMessage() for line in request_lines(caplog)] == [
        "Forbidden (Permission denied): /test-denied/"
    ]
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_not_found_logs_one_line_without_a_traceback(client, caplog, caseworker):
    client.force_login(caseworker)
    with caplog.at_level(logging.INFO):
        response = client.get("/cases/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert "Traceback" not in caplog.text


def test_the_console_handler_has_the_filter_too():
    """django.security.* (a bad Host header, say) logs through the console handler."""
    from config.log_filters import RequestErrorFilter

    [console] = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    assert any(isinstance(f, RequestErrorFilter) for f in console.filters)
    record = logging.LogRecord(
        "django.security.DisallowedHost", logging.ERROR, __file__, 1, "Bad host", (), None
    )
    record.status_code = 400
    try:
        raise ValueError("x")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    assert console.filter(record)
    assert record.exc_info is None


def test_favicon_ico_answers_with_our_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert "max-age=86400" in response["Cache-Control"]


def test_pages_link_the_favicon(client):
    page = client.get("/sign-in/").content.decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in page
    assert '<link rel="icon" href="/static/images/favicon.svg" type="image/svg+xml">' in page
