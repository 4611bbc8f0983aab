"""Writes of the yearly plan (1+123), the five norms (五规范) and the archive (档案).

Office staff, and liaison staff for the studios of their groups, keep them. Every function
checks its input and the actor before writing anything: a refusal (ValidationError naming the
field, or TransitionRefused) leaves the database as it was.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workflow import refuse_unless, staff_in_scope
from opinions.attachments import validate_attachment
from opinions.services.common import attachments_add, attachments_remove

from .. import selectors
from ..models import AnnualPlan, ArchiveItem, Norm, NormCheck, Studio
from ..progress import TARGETS

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_TARGET = 99
TITLE_MAX_CHARS = ArchiveItem._meta.get_field("title").max_length


def _refuse_unless_staff_in_scope(actor, studio: Studio, permission: str) -> None:
    """Staff holding `permission` whose scope includes the studio (liaison staff: the
    studios of their groups)."""
    refuse_unless(
        staff_in_scope(actor, studio, permission=permission, visible=selectors.studios_visible_to),
        _("You are not allowed to do this."),
    )


def check_year(year) -> None:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            {
                "year": _("Give a year between %(min)s and %(max)s.")
                % {"min": MIN_YEAR, "max": MAX_YEAR}
            }
        )


# --- The yearly plan ---------------------------------------------------------------------------


def check_plan(
    *, studio: Studio, year: int, targets: Mapping[str, int], plan: AnnualPlan | None = None
) -> None:
    """Refuse a year out of range, a negative (or absurd) target, or a second plan of the
    studio for the same year (ValidationError naming the field)."""
    check_year(year)
    errors = {}
    for target in TARGETS:
        value = targets.get(target.plan_field)
        if value is None:
            errors[target.plan_field] = _("Give a target (0 for none).")
        elif value < 0:
            errors[target.plan_field] = _("A target cannot be negative.")
        elif value > MAX_TARGET:
            errors[target.plan_field] = _("A target may be at most %(limit)s.") % {
                "limit": MAX_TARGET
            }
    others = AnnualPlan.objects.filter(studio=studio, year=year)
    if plan is not None and plan.pk is not None:
        others = others.exclude(pk=plan.pk)
    if others.exists():
        errors["year"] = _(
            "%(studio)s already has a plan for %(year)s: change that plan instead."
        ) % {"studio": studio.name, "year": year}
    if errors:
        raise ValidationError(errors)


def _plan_fields(plan_text: str, research_topics: str, service_projects: str, targets) -> dict:
    return {
        "plan": (plan_text or "").strip(),
        "research_topics": (research_topics or "").strip(),
        "service_projects": (service_projects or "").strip(),
        **{target.plan_field: targets[target.plan_field] for target in TARGETS},
    }


def annual_plan_create(
    *,
    actor,
    studio: Studio,
    year: int,
    plan_text: str = "",
    research_topics: str = "",
    service_projects: str = "",
    targets: Mapping[str, int],
) -> AnnualPlan:
    """Write the studio's plan for `year` with its four targets (keyed by the plan's field
    names, `target_reports`…). One plan per studio and year: the studio's row is locked while
    checking, so two staff saving at once cannot both create one."""
    _refuse_unless_staff_in_scope(actor, studio, "studios.add_annualplan")
    with transaction.atomic():
        Studio.objects.select_for_update().filter(pk=studio.pk).first()
        check_plan(studio=studio, year=year, targets=targets)
        return AnnualPlan.objects.create(
            studio=studio,
            year=year,
            **_plan_fields(plan_text, research_topics, service_projects, targets),
        )


def annual_plan_update(
    *,
    actor,
    plan: AnnualPlan,
    plan_text: str = "",
    research_topics: str = "",
    service_projects: str = "",
    targets: Mapping[str, int],
) -> AnnualPlan:
    """Change a plan's text and targets (its studio and year stay)."""
    _refuse_unless_staff_in_scope(actor, plan.studio, "studios.change_annualplan")
    check_plan(studio=plan.studio, year=plan.year, targets=targets, plan=plan)
    fields = _plan_fields(plan_text, research_topics, service_projects, targets)
    for name, value in fields.items():
        setattr(plan, name, value)
    # save(), not update(): the audit trail records the values before and after.
    plan.save(update_fields=list(fields))
    return plan


# --- The archive -------------------------------------------------------------------------------


def _check_archive_fields(*, title: str, norm: str) -> str:
    title = (title or "").strip()
    errors = {}
    if not title:
        errors["title"] = _("Give the item a title.")
    elif len(title) > TITLE_MAX_CHARS:
        errors["title"] = _("The title may have at most %(limit)s characters.") % {
            "limit": TITLE_MAX_CHARS
        }
    if norm and norm not in Norm.values:
        errors["norm"] = _("Choose a norm from the list.")
    if errors:
        raise ValidationError(errors)
    return title


def archive_item_add(
    *, actor, studio: Studio, year: int, title: str, norm: str = "", upload
) -> ArchiveItem:
    """File a document or photo in the studio's archive of `year`. The file is checked by its
    content and stored privately as the reports' attachments are; a refused file writes
    nothing."""
    _refuse_unless_staff_in_scope(actor, studio, "studios.add_archiveitem")
    check_year(year)
    title = _check_archive_fields(title=title, norm=norm)
    if upload is None:
        raise ValidationError({"file": _("Choose the file to archive.")})
    try:
        validate_attachment(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    with transaction.atomic():
        item = ArchiveItem.objects.create(
            studio=studio,
            year=year,
            title=title,
            norm=norm or "",
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        attachments_add(subject=item, files=[upload], actor=actor)
    return item


def archive_item_update(*, actor, item: ArchiveItem, title: str, norm: str = "") -> ArchiveItem:
    """Change an item's title or norm (its file, studio and year stay)."""
    _refuse_unless_staff_in_scope(actor, item.studio, "studios.change_archiveitem")
    title = _check_archive_fields(title=title, norm=norm)
    item.title, item.norm = title, norm or ""
    item.save(update_fields=["title", "norm"])
    return item


def archive_item_delete(*, actor, item: ArchiveItem) -> None:
    """Remove an item and its file (the file once the transaction commits). It no longer
    stands as evidence of a norm."""
    _refuse_unless_staff_in_scope(actor, item.studio, "studios.delete_archiveitem")
    with transaction.atomic():
        attachments_remove(subject=item, ids=item.attachments.values_list("pk", flat=True))
        item.delete()


# --- The five norms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NormInput:
    """What staff ticked for one norm: met or not, the evidence chosen, a note."""

    norm: str
    met: bool
    evidence: tuple[ArchiveItem, ...] = field(default_factory=tuple)
    note: str = ""


def check_norms(*, studio: Studio, year: int, checks: Iterable[NormInput]) -> list[NormInput]:
    """Each norm at most once; evidence only from the studio's archive of that year; a norm
    ticked as met has evidence. ValidationError keyed by norm otherwise."""
    check_year(year)
    checks = list(checks)
    errors: dict[str, list[str]] = {}
    seen = set()
    for check in checks:
        if check.norm not in Norm.values or check.norm in seen:
            raise ValidationError(_("Choose each norm from the list, once."))
        seen.add(check.norm)
        foreign = [
            item for item in check.evidence if item.studio_id != studio.pk or item.year != year
        ]
        if foreign:
            errors.setdefault(check.norm, []).append(
                _("Choose evidence from this studio's archive of %(year)s.") % {"year": year}
            )
        if check.met and not check.evidence:
            errors.setdefault(check.norm, []).append(
                _("A norm is met only with evidence: choose at least one archive item.")
            )
    if errors:
        raise ValidationError(errors)
    return checks


def norm_checks_save(
    *, actor, studio: Studio, year: int, checks: Iterable[NormInput]
) -> list[NormCheck]:
    """Record the five norms of a studio in a year as staff ticked them, all or nothing. A norm
    whose tick, evidence or note changed is marked checked by the actor now."""
    _refuse_unless_staff_in_scope(actor, studio, "studios.change_normcheck")
    checks = check_norms(studio=studio, year=year, checks=checks)
    now = timezone.now()
    saved = []
    with transaction.atomic():
        existing = {
            row.norm: row
            for row in NormCheck.objects.select_for_update()
            .filter(studio=studio, year=year)
            .prefetch_related("evidence")
        }
        for check in checks:
            row = existing.get(check.norm)
            evidence_ids = {item.pk for item in check.evidence}
            note = (check.note or "").strip()
            if row is not None and (
                row.met == check.met
                and row.note == note
                and {item.pk for item in row.evidence.all()} == evidence_ids
            ):
                saved.append(row)
                continue
            if row is None:
                row = NormCheck(studio=studio, year=year, norm=check.norm)
            row.met, row.note = check.met, note
            row.checked_by = actor if getattr(actor, "pk", None) else None
            row.checked_at = now
            row.save()
            row.evidence.set(check.evidence)
            saved.append(row)
    return saved
