"""Reading an uploaded table (xlsx or csv) row by row, in constant memory."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterator

from django.utils.translation import gettext as _
from openpyxl import load_workbook


class UnreadableFile(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _text(value) -> str | datetime.datetime | datetime.date:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 2023 as 2023.0
    return str(value).strip()


def open_rows(fileobj, name: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header and an iterator of (row number as Excel shows it, cells). Blank rows are
    skipped; cells are text, or dates where Excel holds a date."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        try:
            book = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(
                _("无法读取该 Excel 文件，请用模板另存为 .xlsx 后重试。")
            ) from error
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
    elif lowered.endswith(".csv"):
        raw = fileobj.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise UnreadableFile(_("CSV 文件的编码无法识别，请另存为 UTF-8。"))
        rows = csv.reader(io.StringIO(text))
    else:
        raise UnreadableFile(_("只接受 .xlsx 或 .csv 文件。"))
    try:
        header = [str(_text(c)) for c in next(rows)]
    except StopIteration:
        raise UnreadableFile(_("文件是空的。")) from None
    while header and header[-1] == "":
        header.pop()

    def body() -> Iterator[tuple[int, list]]:
        for number, cells in enumerate(rows, start=2):
            values = [_text(c) for c in cells]
            if any(v != "" for v in values):
                yield number, values

    return header, body()


def parse_datetime(value) -> datetime.datetime | None:
    """Excel dates, or text as 2023-08-15, 2023-08-15 09:30, 2023/8/15 9:30."""
    if isinstance(value, datetime.datetime):
        return value
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time(9, 0))
    text = str(value).strip().replace("/", "-")
    # The template's own form, read without strptime (which consults the locale every call).
    if len(text) == 16 and (text[4], text[7], text[10], text[13]) == ("-", "-", " ", ":"):
        try:
            return datetime.datetime(
                int(text[:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:])
            )
        except ValueError:
            return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
