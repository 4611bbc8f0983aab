"""The admin's step panel: the steps open on an item now, each calling one service.

A change page governed by a workflow is read-only; the panel above it offers the steps whose
declared edge (`<app>/workflow.py`) leaves the item's current state. A step with a form either
has a small page of its own (reports, proposals) or shows its form in the panel itself
(`inline_step_forms`, resident issues, where staff work through many items quickly). Either
way the step posts to `<object_id>/step/<name>/`, which calls the step's service: the admin
can never bypass a transition's checks.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext

from .forms import apply_service_error
from .workflow import TransitionRefused, Workflow


@dataclass(frozen=True)
class Step:
    """One step offered on a change page: a form (or a plain button) that calls one service.

    `edge` names the declared edge the service takes: the step is open in that edge's
    from-states, and nowhere else.
    """

    name: str
    edge: str
    label: Any
    run: Callable[[Any, Any, dict], Any]  # (obj, actor, cleaned_data) -> obj
    form: type[forms.Form] | None = None
    initial: Callable[[Any], dict] | None = None
    # Further keyword arguments of the form: (request, obj) -> dict (the acting user…).
    form_kwargs: Callable[[Any, Any], dict] | None = None
    primary: bool = False


class OpenStep(NamedTuple):
    step: Step
    url: str
    form: forms.Form | None  # only with inline_step_forms


class StepsAdminMixin:
    """A read-only change page with a panel of the steps possible now."""

    workflow: Workflow
    steps: tuple[Step, ...] = ()
    inline_step_forms = False
    change_form_template = "admin/core/steps_change_form.html"
    step_form_template = "admin/core/step_form.html"

    def _url_name(self, view: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{view}"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/step/<slug:step>/",
                self.admin_site.admin_view(self.step_view),
                name=self._url_name("step"),
            ),
            *super().get_urls(),
        ]

    def steps_for(self, obj) -> list[Step]:
        state = getattr(obj, self.workflow.state_field)
        open_edges = {edge.action for edge in self.workflow.open_edges(state)}
        return [step for step in self.steps if step.edge in open_edges]

    def step_form(self, step: Step, request, obj, data=None) -> forms.Form | None:
        if step.form is None:
            return None
        kwargs = dict(step.form_kwargs(request, obj)) if step.form_kwargs else {}
        if self.inline_step_forms:
            # Several forms on one page: each field named after its step.
            kwargs["prefix"] = step.name
        if data is None and step.initial is not None:
            kwargs["initial"] = step.initial(obj)
        return step.form(data, **kwargs)

    def step_panel(self, request, obj) -> list[OpenStep]:
        if not self.has_change_permission(request, obj):
            return []
        return [
            OpenStep(
                step,
                reverse(f"admin:{self._url_name('step')}", args=[obj.pk, step.name]),
                self.step_form(step, request, obj) if self.inline_step_forms else None,
            )
            for step in self.steps_for(obj)
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        if obj is not None:
            extra_context["steps"] = self.step_panel(request, obj)
            state = getattr(obj, self.workflow.state_field)
            extra_context["state_label"] = self.workflow.state_label(state)
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, *args, **kwargs):
        # Step forms shown in the panel bring their widgets' scripts and styles (the route-to
        # picker's autocomplete).
        for open_step in context.get("steps") or ():
            if open_step.form is not None and "media" in context:
                context["media"] = context["media"] + open_step.form.media
        return super().render_change_form(request, context, *args, **kwargs)

    def _done(self, request, step: Step, change_url: str):
        messages.success(request, gettext("Done: %(step)s.") % {"step": str(step.label).lower()})
        return HttpResponseRedirect(change_url)

    def step_view(self, request, object_id, step):
        obj = self.get_object(request, object_id)
        chosen = next((s for s in self.steps if s.name == step), None)
        if obj is None or chosen is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse(f"admin:{self._url_name('change')}", args=[obj.pk])
        if request.method != "POST":
            if chosen.form is None or self.inline_step_forms:
                return HttpResponseRedirect(change_url)
            return self._step_page(request, obj, chosen, self.step_form(chosen, request, obj))
        form = self.step_form(chosen, request, obj, data=request.POST)
        if form is not None and not form.is_valid():
            if not self.inline_step_forms:
                return self._step_page(request, obj, chosen, form)
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(change_url)
        try:
            chosen.run(obj, request.user, form.cleaned_data if form is not None else {})
        except TransitionRefused as error:
            messages.error(request, error.message)
        except ValidationError as error:
            if form is None or self.inline_step_forms:
                messages.error(request, " ".join(error.messages))
            else:
                apply_service_error(form, error)
                return self._step_page(request, obj, chosen, form)
        else:
            return self._done(request, chosen, change_url)
        return HttpResponseRedirect(change_url)

    def _step_page(self, request, obj, step: Step, form):
        change_url = reverse(f"admin:{self._url_name('change')}", args=[obj.pk])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": obj,
            "title": step.label,
            "subtitle": str(obj),
            "step": step,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, self.step_form_template, context)
