"""Excel export shared by every list: the user's filters and visibility apply, personal data
stays masked unless asked for by someone allowed to, and every export is audited."""

import io
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django import forms
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from longcheng.audit.models import Action
from longcheng.audit.services import audit_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def build_xlsx(*, title: str, headers: list[str], rows: Iterable[list]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(width, 40)
    sheet.append(headers)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        if isinstance(value, datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        return value
    text = str(value)
    # A cell starting with = + - @ would be run by Excel as a formula (CSV/formula injection).
    if text[:1] in ("=", "+", "-", "@"):
        return "'" + text
    return text


def xlsx_response(
    *,
    user,
    filename: str,
    title: str,
    headers: list[str],
    rows: list[list],
    object_type: str,
    filters: dict,
    personal: bool,
) -> HttpResponse:
    content = build_xlsx(title=title, headers=headers, rows=rows)
    audit_record(
        actor=user,
        action=Action.EXPORT_PERSONAL if personal else Action.EXPORT,
        object_type=object_type,
        object_repr=title,
        detail={"rows": len(rows), "filters": filters},
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    # An ASCII fallback name for old clients, the Chinese name (RFC 5987) for the rest.
    response["Content-Disposition"] = (
        f'attachment; filename="export-{stamp}.xlsx"; '
        f"filename*=UTF-8''{quote(filename)}-{stamp}.xlsx"
    )
    return response


class ExportForm(forms.Form):
    export = forms.ChoiceField(choices=[("xlsx", "xlsx")])


def wants_xlsx(request) -> bool:
    """`?export=xlsx`: the page's table as a spreadsheet instead of the page."""
    return ExportForm(request.GET).is_valid()


class TableExportMixin:
    """For list pages that are not a RegisterListView: `?export=xlsx` returns the page's table
    (`export_table`), through the same audited, masked export as every other list."""

    export_title = ""
    export_object_type = ""

    def export_table(self) -> tuple[list[str], list[list]]:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        if wants_xlsx(request):
            headers, rows = self.export_table()
            title = str(self.export_title)
            return xlsx_response(
                user=request.user,
                filename=title,
                title=title,
                headers=[str(h) for h in headers],
                rows=rows,
                object_type=self.export_object_type,
                filters={k: v for k, v in request.GET.items() if k != "export"},
                personal=False,
            )
        return super().get(request, *args, **kwargs)  # type: ignore[misc]
