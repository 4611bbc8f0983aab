"""Member pages (/member/opinions/, /member/proposals/), department pages (/department/),
attachment downloads and notifications. Thin: parse, check, call one service, redirect."""

import functools
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import apply_service_error
from core.models import Notification
from core.workflow import TransitionRefused

from . import selectors, services
from .drafts import DraftKind
from .forms import DepartmentReplyForm, DraftForm, EvaluationForm
from .models import Attachment, OpinionReport, Proposal
from .workflow import PROPOSAL, REPORT

CONTENT_TYPES = {
    Attachment.Kind.PDF: "application/pdf",
    Attachment.Kind.DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    ),
    Attachment.Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Attachment.Kind.JPEG: "image/jpeg",
    Attachment.Kind.PNG: "image/png",
}


def member_required(view):
    """Logged in and linked to a member; anyone else gets the 403 page that says where to go."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        member = selectors.member_of(request.user)
        if member is None:
            return render(request, "members/not_a_member.html", status=403)
        return view(request, member, *args, **kwargs)

    return wrapper


def handler_required(view):
    """Logged in and a handler of at least one department."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not selectors.departments_of(request.user).exists():
            return render(request, "departments/not_a_handler.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _refused(request: HttpRequest, error: TransitionRefused, to: str) -> HttpResponse:
    messages.error(request, error.message)
    return redirect(to)


# --- Opinion reports ---------------------------------------------------------------------------


# A member's own lists show this many a page: a prolific member's list costs the same to open
# as anybody's, and a phone screen shows about this many before the pager.
MEMBER_LIST_PAGE_SIZE = 20


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, MEMBER_LIST_PAGE_SIZE).get_page(request.GET.get("page"))


@member_required
def report_list(request: HttpRequest, member) -> HttpResponse:
    page = _page(request, selectors.member_report_list(member))
    return render(
        request,
        "opinions/report_list.html",
        {"member": member, "reports": page.object_list, "page": page},
    )


@member_required
def report_detail(request: HttpRequest, member, pk: int) -> HttpResponse:
    try:
        report = selectors.report_detail(selectors.reports_of_member(member), pk)
    except OpinionReport.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "opinions/report_detail.html",
        {
            "report": report,
            "timeline": selectors.timeline_of(report),
            "attachments": report.page_attachments,
            "is_author": report.author_id == member.pk,
        },
    )


# --- Drafts of reports and proposals (opinions/drafts.py) ---------------------------------------


def _draft_initial(kind: DraftKind, draft) -> dict:
    return {
        "title": draft.title,
        "category": draft.category,
        "content": draft.content,
        "group": draft.group_id,
        "studio": draft.studio_id,
        kind.people_field: list(kind.people(draft).values_list("pk", flat=True)),
    }


@member_required
def draft_form(
    request: HttpRequest, member, kind: DraftKind, pk: int | None = None
) -> HttpResponse:
    """Write a new draft of `kind` (no pk) or change one of the member's own: save it, or save
    and submit it, all or nothing. A refused form keeps what was typed."""
    draft = None
    if pk is not None:
        draft = get_object_or_404(kind.of_member(member), pk=pk)
        if not kind.owned_by(request.user, draft):
            raise Http404
        if not kind.workflow.allows("edited", draft):
            messages.info(request, _("Only drafts can be changed."))
            return redirect(kind.url_name("detail"), pk=pk)
    form = DraftForm(
        request.POST or None,
        request.FILES or None,
        kind=kind,
        member=member,
        subject=draft,
        initial=_draft_initial(kind, draft) if draft is not None else None,
    )
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with transaction.atomic():
                saved = services.draft_save(
                    kind, actor=request.user, draft=draft, owner=member, **form.draft_fields()
                )
                if submit:
                    services.draft_submit(kind, draft=saved, actor=request.user)
        except ValidationError as error:
            apply_service_error(form, error)
        except TransitionRefused as error:
            form.add_error(None, error.message)
        else:
            if submit:
                messages.success(request, _("Submitted. You will be told of every step."))
            else:
                messages.success(request, _("Saved as a draft. Submit it when it is ready."))
            return redirect(kind.url_name("detail"), pk=saved.pk)
    return render(
        request,
        "opinions/draft_form.html",
        {"form": form, "kind": kind, "draft": draft, "files_lost": _files_lost(request)},
    )


def _files_lost(request: HttpRequest) -> bool:
    """Browsers cannot refill a file input: say so when a refused form had files chosen."""
    return request.method == "POST" and bool(request.FILES)


@require_POST
@member_required
def draft_submit(request: HttpRequest, member, kind: DraftKind, pk: int) -> HttpResponse:
    """Submit a draft from its page."""
    draft = get_object_or_404(kind.of_member(member), pk=pk)
    url = reverse(kind.url_name("detail"), args=[pk])
    try:
        services.draft_submit(kind, draft=draft, actor=request.user)
    except TransitionRefused as error:
        return _refused(request, error, url)
    messages.success(request, _("Submitted. You will be told of every step."))
    return redirect(url)


# --- Proposals ---------------------------------------------------------------------------------


@member_required
def proposal_list(request: HttpRequest, member) -> HttpResponse:
    page = _page(request, selectors.member_proposal_list(member))
    return render(
        request,
        "opinions/proposal_list.html",
        {"member": member, "proposals": page.object_list, "page": page},
    )


@member_required
def proposal_detail(request: HttpRequest, member, pk: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_detail(selectors.proposals_of_member(member), pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    is_owner = selectors.is_proposal_owner(member, proposal)
    return render(
        request,
        "opinions/proposal_detail.html",
        {
            "proposal": proposal,
            "timeline": selectors.timeline_of(proposal),
            "attachments": selectors.attachments_of(proposal),
            "is_owner": is_owner,
            "evaluation_form": (
                EvaluationForm() if is_owner and PROPOSAL.allows("evaluated", proposal) else None
            ),
        },
    )


@require_POST
@member_required
def proposal_evaluate(request: HttpRequest, member, pk: int) -> HttpResponse:
    proposal = get_object_or_404(selectors.proposals_of_member(member), pk=pk)
    form = EvaluationForm(request.POST)
    url = reverse("opinions:proposal_detail", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Choose how satisfied you are with the reply."))
        return redirect(url)
    try:
        services.proposal_evaluate(
            proposal=proposal,
            actor=request.user,
            evaluation=form.cleaned_data["evaluation"],
            note=form.cleaned_data["note"],
        )
    except TransitionRefused as error:
        return _refused(request, error, url)
    messages.success(request, _("Thank you: your evaluation was recorded."))
    return redirect(url)


# --- Attachments ------------------------------------------------------------------------------


@login_required
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """The only way out for an attachment: 404 unless the viewer may see its report or
    proposal (the same answer as for a file that does not exist)."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    if not selectors.attachment_viewable_by(request.user, attachment):
        raise Http404
    content_type = (
        CONTENT_TYPES.get(attachment.kind) or mimetypes.guess_type(attachment.original_name)[0]
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.display_name,
        content_type=content_type or "application/octet-stream",
    )


# --- Notifications ----------------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opinions/notifications.html",
        {
            "notifications": selectors.notifications_of(request.user),
            "ns": request.resolver_match.namespace,
        },
    )


@require_POST
@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(Notification, pk=pk, recipient=request.user)
    Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=timezone.now())
    if note.url and url_has_allowed_host_and_scheme(
        note.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(note.url)
    return redirect(request.resolver_match.namespace + ":notifications")


@require_POST
@login_required
def notifications_mark_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect(request.resolver_match.namespace + ":notifications")


# --- Department pages --------------------------------------------------------------------------


@handler_required
def department_home(request: HttpRequest) -> HttpResponse:
    reports, proposals = selectors.department_inbox(request.user)
    departments = list(selectors.departments_of(request.user))
    return render(
        request,
        "departments/home.html",
        {
            "departments": departments,
            "department_ids": [department.pk for department in departments],
            "reports": reports,
            "proposals": proposals,
            "today": timezone.localdate(),
        },
    )


@handler_required
def department_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A report forwarded to one of the user's departments (lead or co-handling): the content,
    every department's reply, and this department's reply form until it has replied."""
    try:
        report = selectors.report_detail(selectors.department_reports(request.user), pk)
    except OpinionReport.DoesNotExist:
        raise Http404 from None
    mine = set(selectors.departments_of(request.user).values_list("pk", flat=True))
    replied = {reply.department_id for reply in report.replies.all()}
    on_report = selectors.report_departments(report)
    my_department = next((d for d in on_report if d.pk in mine and d.pk not in replied), None)
    may_reply = my_department is not None and REPORT.allows("replied", report)
    form = DepartmentReplyForm(request.POST or None, request.FILES or None) if may_reply else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.opinion_report_reply(
                report=report,
                actor=request.user,
                department=my_department,
                feedback=form.cleaned_data["text"],
                letter=form.cleaned_data["letter"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        except TransitionRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your reply was sent. The member has been told."))
            return redirect("departments:report_detail", pk=pk)
    return render(
        request,
        "departments/report_detail.html",
        {
            "report": report,
            "attachments": report.page_attachments,
            "my_department": my_department or next((d for d in on_report if d.pk in mine), None),
            "form": form,
            "today": timezone.localdate(),
        },
    )


@handler_required
def department_proposal(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        proposal = selectors.proposal_detail(selectors.department_proposals(request.user), pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
    mine = set(selectors.departments_of(request.user).values_list("pk", flat=True))
    is_lead = proposal.lead_department_id in mine
    co_department = next((d for d in proposal.co_departments.all() if d.pk in mine), None)
    awaiting = proposal.awaits_reply
    form = DepartmentReplyForm(request.POST or None, request.FILES or None) if awaiting else None
    if form is not None and request.method == "POST" and form.is_valid():
        text, letter = form.cleaned_data["text"], form.cleaned_data["letter"]
        try:
            if is_lead:
                services.proposal_reply(
                    proposal=proposal, actor=request.user, text=text, letter=letter
                )
            else:
                services.proposal_co_reply(
                    proposal=proposal,
                    actor=request.user,
                    department=co_department,
                    text=text,
                    letter=letter,
                )
        except ValidationError as error:
            apply_service_error(form, error)
        except TransitionRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("departments:proposal_detail", pk=pk)
    return render(
        request,
        "departments/proposal_detail.html",
        {
            "proposal": proposal,
            "attachments": selectors.attachments_of(proposal),
            "is_lead": is_lead,
            "form": form,
            "today": timezone.localdate(),
        },
    )
