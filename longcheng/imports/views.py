import io

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView as PageView
from django.views.generic import View
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font

from longcheng.web.exports import XLSX, xlsx_response
from longcheng.web.forms import BootstrapFormMixin, ConfirmForm, PageForm

from . import pipeline, services
from .importers import IMPORTERS, SYSTEM_LABELS, importers_for
from .selectors import batches_visible_to


class UploadForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("导入类型"))
    file = forms.FileField(
        label=gettext_lazy("文件"), help_text=gettext_lazy("按模板填写的 .xlsx 或 .csv 文件")
    )
    system = forms.ChoiceField(
        label=gettext_lazy("坐标系（仅区划边界）"),
        required=False,
        choices=[("", gettext_lazy("按文件（.prj 或 GeoJSON 的 crs；未注明为 WGS-84）"))]
        + [(k, v) for k, v in SYSTEM_LABELS.items()],
        help_text=gettext_lazy("高德、腾讯等国内地图导出的坐标多为 GCJ-02，请选择后再上传。"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        importers = importers_for(user)
        self.fields["kind"].choices = [(i.kind, i.label) for i in importers]
        if any(not i.tabular for i in importers):
            self.fields["file"].help_text = _(
                "按模板填写的 .xlsx 或 .csv 文件；区划边界为 .geojson 或 zip 压缩的 Shapefile"
            )
        else:
            del self.fields["system"]

    def options(self) -> dict:
        system = self.cleaned_data.get("system")
        return {"system": system} if system else {}


class ImportIndexView(LoginRequiredMixin, PageView):
    template_name = "imports/index.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not importers_for(request.user):
            raise PermissionDenied(_("您的角色没有可导入的数据。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        page = Paginator(batches_visible_to(self.request.user), 20).get_page(
            PageForm(self.request.GET).number()
        )
        kwargs.setdefault("form", UploadForm(user=self.request.user))
        return super().get_context_data(
            title=_("Excel 导入"),
            importers=importers_for(self.request.user),
            page=page,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        try:
            batch = services.import_start_check(
                user=request.user,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                options=form.options(),
            )
        except pipeline.ImportRefused as refused:
            form.add_error("file", refused.message)
            return self.render_to_response(self.get_context_data(form=form))
        return redirect("imports:batch", pk=batch.pk)


class BatchDetailView(LoginRequiredMixin, PageView):
    template_name = "imports/batch.html"

    def get_batch(self):
        return get_object_or_404(batches_visible_to(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        batch = self.get_batch()
        return super().get_context_data(
            title=_("导入批次 %(n)s") % {"n": batch.pk},
            batch=batch,
            importer=IMPORTERS[batch.kind](),
            shown_errors=batch.errors[:500],
            progress=pipeline.progress_of(batch) if batch.running else 0,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        batch = self.get_batch()
        if not ConfirmForm(request.POST).is_valid():
            messages.error(request, _("请勾选确认后再导入。"))
            return redirect("imports:batch", pk=batch.pk)
        try:
            services.import_start_commit(user=request.user, batch=batch)
        except pipeline.ImportRefused as refused:
            messages.error(request, refused.message)
        return redirect("imports:batch", pk=batch.pk)


class BatchProgressView(BatchDetailView):
    """Polled by the batch page while its job runs; when the job ends, the page reloads."""

    template_name = "imports/partials/progress.html"

    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        if not batch.running:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return super().get(request, *args, **kwargs)


class BatchErrorsView(BatchDetailView):
    def get(self, request, *args, **kwargs):
        batch = self.get_batch()
        return xlsx_response(
            user=request.user,
            filename=_("导入错误清单"),
            title=_("导入错误"),
            headers=[str(IMPORTERS[batch.kind].row_label), _("列"), _("问题")],
            rows=[[e["row"], e["column"], e["message"]] for e in batch.errors],
            object_type="imports.importbatch",
            filters={"batch": batch.pk},
            personal=False,
        )


class TemplateView(LoginRequiredMixin, View):
    """The blank template: the header with each column's rule as a note, and a sheet of
    instructions with examples (no example row in the data sheet: it would be imported)."""

    def get(self, request, kind: str):
        cls = IMPORTERS.get(kind)
        if cls is None or not cls().allowed(request.user):
            raise Http404
        importer = cls()
        sample = importer.sample()
        if sample is not None:  # not a table to fill: a sample file of the kind
            name, content = sample
            response = HttpResponse(content, content_type="application/geo+json")
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        book = Workbook()
        sheet = book.active
        sheet.title = str(importer.label)[:31]
        for index, column in enumerate(importer.columns, start=1):
            cell = sheet.cell(row=1, column=index, value=column.name)
            cell.font = Font(bold=True, color="9B1C1C" if column.required else "000000")
            rule = (_("必填") if column.required else _("选填")) + (
                f"：{column.help}" if column.help else ""
            )
            if column.example:
                rule += "\n" + _("例：%(e)s") % {"e": column.example}
            cell.comment = Comment(rule, "Longcheng")
            sheet.column_dimensions[cell.column_letter].width = max(12, len(column.name) * 3)
        notes = book.create_sheet(_("填写说明"))
        notes.append([_("列"), _("是否必填"), _("说明"), _("示例")])
        for column in importer.columns:
            notes.append(
                [
                    column.name,
                    _("必填") if column.required else _("选填"),
                    column.help,
                    column.example,
                ]
            )
        notes.append([])
        notes.append([str(importer.description)])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="template-{kind}.xlsx"'
        return response
