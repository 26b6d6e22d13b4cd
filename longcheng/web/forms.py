from django import forms


class BootstrapFormMixin:
    """Gives every widget Bootstrap's classes and marks fields with errors as invalid.

    Validation must not run in __init__ (forms adjust querysets after it), so the invalid
    marks are added once the form has been cleaned."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, forms.HiddenInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()


class ConfirmForm(forms.Form):
    """A ticked 确认 box before something that cannot be undone."""

    confirm = forms.BooleanField(required=True)


class PageForm(forms.Form):
    """?page=N of a paginated page; anything else reads as the first page."""

    page = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)

    def number(self) -> int:
        return (self.cleaned_data.get("page") if self.is_valid() else None) or 1
