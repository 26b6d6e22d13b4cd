"""Reading an uploaded table (xlsx or csv) row by row, in constant memory."""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator

from django.conf import settings
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


class _Borrowed(io.RawIOBase):
    """The caller's binary file, read through a text wrapper that must not close it."""

    def __init__(self, fileobj):
        self._file = fileobj

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._file.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:  # the caller owns the file
        pass


def _text_stream(fileobj) -> io.TextIOWrapper:
    """Decode as the file is read (a 200 MB CSV is never held whole): UTF-8 (with or without
    BOM), else GB18030 — what Excel on a Chinese Windows writes."""
    head = fileobj.read(65536)
    fileobj.seek(0)
    encoding = "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        encoding = "gb18030"
    return io.TextIOWrapper(
        io.BufferedReader(_Borrowed(fileobj), 1 << 20), encoding=encoding, newline=""
    )


def _refuse_zip_bomb(fileobj) -> None:
    """An .xlsx is a zip: refuse one that would unpack to more than the limit, from its
    directory alone, before any of it is decompressed."""
    try:
        with zipfile.ZipFile(fileobj) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise UnreadableFile(_("无法读取该 Excel 文件，请用模板另存为 .xlsx 后重试。")) from error
    finally:
        fileobj.seek(0)
    limit = settings.LONGCHENG_IMPORT_MAX_UNCOMPRESSED_BYTES
    if unpacked > limit:
        raise UnreadableFile(
            _("该 Excel 文件解压后有 %(n)s MB，超过 %(m)s MB 的上限，请分批导入。")
            % {"n": f"{unpacked // 2**20:,}", "m": f"{limit // 2**20:,}"}
        )


def open_rows(fileobj, name: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The header and an iterator of (row number as Excel shows it, cells). Blank rows are
    skipped; cells are text, or dates where Excel holds a date."""
    lowered = name.lower()
    if lowered.endswith(".xlsx"):
        _refuse_zip_bomb(fileobj)
        try:
            book = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise UnreadableFile(
                _("无法读取该 Excel 文件，请用模板另存为 .xlsx 后重试。")
            ) from error
        sheet = book.worksheets[0]
        declared = sheet.max_row or 0  # from the sheet's dimension tag, read without the rows
        if declared > settings.LONGCHENG_IMPORT_MAX_ROWS + 1:
            raise UnreadableFile(
                _("表格有 %(n)s 行，超过单次导入上限 %(m)s 行，请分批导入。")
                % {"n": f"{declared:,}", "m": f"{settings.LONGCHENG_IMPORT_MAX_ROWS:,}"}
            )
        rows = sheet.iter_rows(values_only=True)
    elif lowered.endswith(".csv"):
        rows = csv.reader(_text_stream(fileobj))
    else:
        raise UnreadableFile(_("只接受 .xlsx 或 .csv 文件。"))
    try:
        header = [str(_text(c)) for c in next(rows)]
    except StopIteration:
        raise UnreadableFile(_("文件是空的。")) from None
    except UnicodeDecodeError:
        raise UnreadableFile(_("CSV 文件的编码无法识别，请另存为 UTF-8。")) from None
    while header and header[-1] == "":
        header.pop()

    text_only = lowered.endswith(".csv")

    longest = settings.LONGCHENG_IMPORT_MAX_CELL_CHARS

    def body() -> Iterator[tuple[int, list]]:
        number = 1
        try:
            for number, cells in enumerate(rows, start=2):
                values = [c.strip() for c in cells] if text_only else [_text(c) for c in cells]
                for column, value in enumerate(values, start=1):
                    if isinstance(value, str) and len(value) > longest:
                        raise UnreadableFile(
                            _(
                                "第 %(n)s 行第 %(c)s 列的内容超过 %(m)s 个字符，"
                                "不像是一个单元格的数据。"
                            )
                            % {"n": number, "c": column, "m": f"{longest:,}"}
                        )
                if any(v != "" for v in values):
                    yield number, values
        except UnicodeDecodeError as error:
            raise UnreadableFile(
                _("第 %(n)s 行之后有文字编码与前文不一致的内容，请整份另存为 UTF-8。")
                % {"n": number}
            ) from error

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
