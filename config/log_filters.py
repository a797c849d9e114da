"""Logging filters for the console log (configured in config/settings/base.py LOGGING)."""

import logging


class RequestErrorFilter(logging.Filter):
    """Log lines for refused and failed requests (Django's ``django.request`` and
    ``django.security.*`` loggers).

    * A 4xx response (403 permission denied, 404, 400) is expected: one line, no traceback.
    * A 5xx response gets the reference the error page showed the person (config.views), so
      "reference 1a2b3c4d" in a support call finds the traceback in the log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or getattr(record, "_request_error_filtered", False):
            return True
        record._request_error_filtered = True
        if status < 500:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
            return True
        request_id = getattr(getattr(record, "request", None), "request_id", "")
        if request_id:
            from config.views import error_reference

            record.msg = record.getMessage().replace("%", "%%") + " (reference %s)"
            record.args = (error_reference(request_id),)
        return True
