"""Structured logs: one JSON object per line when LOG_FORMAT=json, for the log shipper. The
personal-data filter runs before this formatter, so masked text is what gets serialised."""

from pythonjsonlogger.json import JsonFormatter


class LongchengJsonFormatter(JsonFormatter):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "fmt", "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d %(threadName)s"
        )
        kwargs.setdefault("datefmt", "%Y-%m-%dT%H:%M:%S%z")
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level"})
        kwargs.setdefault("json_ensure_ascii", False)
        super().__init__(*args, **kwargs)
