"""Structured logging to standard output: one JSON object per line."""

from __future__ import annotations

import json
import logging
import sys

from matcher.db import utcnow


class JsonFormatter(logging.Formatter):
    """Format a log record as one line of JSON (time, level, logger, message, exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": utcnow().isoformat(timespec="milliseconds"), "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        for key in ("method", "path", "status", "duration_ms", "user_id"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str = "INFO", fmt: str = "json") -> None:
    """Send the root logger to stdout, as JSON lines or plain text."""
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter() if fmt == "json" else
                         logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
