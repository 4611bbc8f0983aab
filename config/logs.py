"""Structured logs: one JSON object per line, each with the id of the request it belongs to.

RequestIdMiddleware (config/middleware.py) puts the id in a context variable for the length of
the request; RequestIdFilter copies it onto every record, whichever logger wrote it, so that the
lines of one request can be found together (and matched with the proxy's log through the
X-Request-ID header).
"""

import contextvars
import datetime
import json
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else was passed in `extra=` and goes into the line.
_RECORD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """time, level, logger, request_id, message, then whatever `extra=` carried."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", request_id_var.get()),
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def current_request_id() -> str | None:
    """The id of the request being served, or None outside one (a Celery task): the audit
    trail files each change under it, so a change can be found in the log lines and back."""
    request_id = request_id_var.get()
    return None if request_id == "-" else request_id
