"""Action tables: one POST endpoint per record, each action a form and the service it feeds.

A screen with several buttons (a penalty case's steps, a deal's stages, a visit's findings)
declares `actions = {"name": Act(Form, perform)}`; the view parses the post through the form,
calls `perform(request, obj, cleaned_data)` and reports the result on the record's page. No
view reads `request.POST` itself, so every input is bounded by construction and a refusal of
the service or of the form is a message, never a server error."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from longcheng.core.errors import ConcurrentEditError, LongchengError


def form_errors(form: forms.BaseForm) -> str:
    """Every error of a form in one line, each after the label of its field."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        text = "；".join(str(e) for e in errors)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


def parse(form: forms.BaseForm) -> dict[str, Any]:
    """The cleaned data of a bound form, or a refusal that names each wrong field."""
    if not form.is_valid():
        raise LongchengError(_("填写有误：%(e)s") % {"e": form_errors(form)})
    return form.cleaned_data


class NoFields(forms.Form):
    """An action that only needs the button (its permission is the service's)."""


@dataclass(frozen=True)
class Act:
    form: type[forms.BaseForm]
    perform: Callable[[Any, Any, dict], str | None]
    # Extra keyword arguments for the form, from the request and the record.
    form_kwargs: Callable[[Any, Any], dict] = field(default=lambda request, obj: {})
    prefix: str | None = None


class ActionTableView(View):
    """Subclasses set `actions` and `get_record(request, **kwargs)`."""

    actions: dict[str, Act] = {}
    action_kwarg = "action"

    def get_record(self, request, **kwargs):
        raise NotImplementedError

    def after(self, request, record):
        return redirect(record)

    def post(self, request, **kwargs):
        act = self.actions.get(kwargs.get(self.action_kwarg, ""))
        if act is None:
            raise Http404
        record = self.get_record(request, **kwargs)
        form = act.form(
            request.POST, request.FILES, prefix=act.prefix, **act.form_kwargs(request, record)
        )
        try:
            done = act.perform(request, record, parse(form))
        except ConcurrentEditError as error:
            messages.warning(request, error.message)
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            if done:
                messages.success(request, done)
        return self.after(request, record)
