"""Action tables: one POST endpoint per record, each action a form and the service it feeds.

A screen with several buttons (a penalty case's steps, a deal's stages, a visit's findings)
declares `actions = {"name": Act(Form, perform)}`; the view parses the post through the form,
calls `perform(request, obj, cleaned_data)` and reports the result on the record's page. No
view reads `request.POST` itself, so every input is bounded by construction and a refusal of
the service or of the form is a message, never a server error."""

from abc import ABC, abstractmethod
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


def reporting(message, call: Callable[[Any, Any, dict], object]):
    """A `perform` that calls `call(user, record, data)` and reports `message` (a string, a lazy
    string, or a callable giving one in the request's language)."""

    def perform(request, record, data):
        call(request.user, record, data)
        return str(message() if callable(message) else message)

    return perform


@dataclass(frozen=True)
class Act:
    form: type[forms.BaseForm]
    perform: Callable[[Any, Any, dict], str | None]
    # Extra keyword arguments for the form, from the request and the record.
    form_kwargs: Callable[[Any, Any], dict] = field(default=lambda request, obj: {})
    prefix: str | None = None


class ActionTableView(ABC, View):
    """Subclasses set `actions` and say how the record is found (`get_record`)."""

    actions: dict[str, Act] = {}
    action_kwarg = "action"

    @abstractmethod
    def get_record(self, request, **kwargs):
        """The record the post acts on, among those the user may reach (else 404)."""

    def get_act(self, name: str) -> Act | None:
        return self.actions.get(name)

    def parse_form(self, form: forms.BaseForm) -> dict[str, Any]:
        return parse(form)

    def after(self, request, record):
        return redirect(record)

    def post(self, request, **kwargs):
        act = self.get_act(kwargs.get(self.action_kwarg, ""))
        if act is None:
            raise Http404
        record = self.get_record(request, **kwargs)
        form = act.form(
            request.POST, request.FILES, prefix=act.prefix, **act.form_kwargs(request, record)
        )
        try:
            done = act.perform(request, record, self.parse_form(form))
        except ConcurrentEditError as error:
            messages.warning(request, error.message)
        except LongchengError as error:
            messages.error(request, error.message)
        else:
            if done:
                messages.success(request, done)
        return self.after(request, record)


class PostedActionForm(forms.Form):
    """Which button of a page with several (`<input type="hidden" name="action">`)."""

    action = forms.SlugField(max_length=40, required=False)


class PostedActionView(ActionTableView):
    """An action table whose buttons all post to the record's own address, naming the action
    in a posted `action` field; a post without one runs `default_action`, an unknown one is a
    404."""

    default_action = ""

    def post(self, request, **kwargs):
        form = PostedActionForm(request.POST)
        name = (form.cleaned_data["action"] if form.is_valid() else "") or self.default_action
        return super().post(request, **{**kwargs, self.action_kwarg: name})
