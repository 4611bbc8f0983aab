"""Read queries for resident issues: staff scoping, the public tracking page, duplicates."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet, TextField, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext

from core.admin_scoping import visible_rows
from core.models import TimelineEntry
from members import roles
from members.selectors import groups_visible_to, members_visible_to, visible_group_ids

from . import targets
from .models import (
    TRACKING_CODE_ALPHABET,
    TRACKING_CODE_LENGTH,
    Community,
    IssueLink,
    ResidentIssue,
    Street,
)

DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_LIMIT = 5
# Trigram similarity (0…1) of place and text above which two issues are shown as possible
# duplicates. Chinese text has few shared trigrams unless the wording overlaps, so it is low.
DUPLICATE_MIN_SIMILARITY = 0.12
# Without PostgreSQL (the demo's SQLite) the ranking is done in Python over at most this many
# candidates of the same street and category.
DUPLICATE_FALLBACK_CANDIDATES = 200

_CODE_RE = re.compile(rf"^[{TRACKING_CODE_ALPHABET}]{{{TRACKING_CODE_LENGTH}}}$")


def issues_visible_to(user) -> QuerySet[ResidentIssue]:
    """Office staff see every issue; liaison staff the issues of the streets their groups work
    in, those routed to their groups, to the groups' members or to their studios, and those
    that came from a visit to one of their studios."""
    if roles.is_office_staff(user):
        return ResidentIssue.objects.all()
    if not roles.has_role(user, roles.LIAISON_STAFF):
        return ResidentIssue.objects.none()
    group_ids = visible_group_ids(user)
    studios = _studios_visible_to(user)
    routed = IssueLink.objects.filter(
        Q(group_id__in=group_ids)
        | Q(member__in=members_visible_to(user).values("pk"))
        | Q(studio__in=studios.values("pk"))
    ).values("issue_id")
    from_visits = (
        apps.get_model("studios", "Visit")
        .objects.filter(studio__in=studios.values("pk"), issue__isnull=False)
        .values("issue_id")
    )
    # Subqueries, no join: the admin ANDs this condition into its list's own query
    # (core.admin_scoping.narrow), read along the list's ordering index.
    streets = Street.objects.filter(group_id__in=group_ids).values("pk")
    return ResidentIssue.objects.filter(
        Q(street__in=streets) | Q(pk__in=routed) | Q(pk__in=from_visits)
    )


def _studios_visible_to(user) -> QuerySet:
    # Studios sit above residents: their model and scope are reached by name, never imported.
    studio = apps.get_model("studios", "Studio")
    rows = visible_rows(studio, user)
    return studio.objects.none() if rows is None else rows


def issues_linked_to(target) -> QuerySet[ResidentIssue]:
    """The resident issues that went to `target` (a group, member, report, proposal…)."""
    kind = next(
        kind for kind in targets.TARGET_KINDS.values() if apps.get_model(kind.model) is type(target)
    )
    return ResidentIssue.objects.filter(
        pk__in=IssueLink.objects.filter(**{kind.field: target}).values("issue_id")
    )


def normalize_tracking_code(raw: str) -> str:
    """What a resident typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s\-]", "", str(raw or "")).upper()[:32]


def is_well_formed_code(code: str) -> bool:
    return bool(_CODE_RE.match(code))


# --- The public tracking page -----------------------------------------------------------------


@dataclass
class PublicStep:
    at: datetime
    label: str
    note: str = ""
    by: str = ""


@dataclass
class ChainItem:
    """An item the issue became or went to, with its public progress."""

    kind_label: str
    text: str
    state_label: str = ""
    steps: list[PublicStep] = field(default_factory=list)
    # Come to an outcome the resident can judge (see TargetKind.settled).
    settled: bool = True


@dataclass
class Tracking:
    issue: ResidentIssue
    # The issue whose progress the resident follows: the surviving one after a merge.
    followed: ResidentIssue
    steps: list[PublicStep]
    chain: list[ChainItem]

    @property
    def was_merged(self) -> bool:
        return self.followed.pk != self.issue.pk

    @property
    def outcome_pending(self) -> bool:
        """Something the issue became (a report, a proposal) is still under way."""
        return not all(item.settled for item in self.chain)

    @property
    def asks_for_feedback(self) -> bool:
        # Asked once the reply is final: not while the page still says a report or proposal
        # made of the issue is being handled (the same rule as the feedback step's guard).
        return (
            self.followed.state == ResidentIssue.State.CLOSED
            and not self.issue.satisfaction
            and not self.outcome_pending
        )

    @property
    def awaits_outcome(self) -> bool:
        """Closed, not answered yet, and the question waits for the outcome of the items."""
        return (
            self.followed.state == ResidentIssue.State.CLOSED
            and not self.issue.satisfaction
            and self.outcome_pending
        )


def _public_steps(rows) -> list[PublicStep]:
    return [
        PublicStep(at=row.created_at, label=row.action_label, note=row.note, by=row.actor_label)
        for row in rows
    ]


def issue_tracking(code: str) -> Tracking | None:
    """What the resident may see for `code`: state, dates, public reply and public steps,
    including the public steps of every report or proposal the issue became. Never the name,
    the phone or anything staff wrote internally.

    Runs the same four queries whether the code exists or not, so that a lookup does not tell
    by its time whether a code exists.
    """
    code = normalize_tracking_code(code)
    issue = (
        ResidentIssue.objects.select_related("street", "community", "merged_into")
        .filter(tracking_code=code if is_well_formed_code(code) else "")
        .first()
    )
    followed = issue.merged_into if issue is not None and issue.merged_into_id else issue
    followed_id = followed.pk if followed is not None else 0

    links = list(
        IssueLink.objects.filter(issue_id=followed_id).select_related(
            *targets.select_related_fields()
        )
    )
    own_rows = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ResidentIssue),
        object_id=followed_id,
        is_public=True,
    )
    steps = _public_steps(own_rows)

    followed_targets = [link for link in links if link.target_kind.follows_public_timeline]
    content_types = ContentType.objects.get_for_models(
        *(apps.get_model(link.target_kind.model) for link in followed_targets)
    )
    condition = Q(pk=0)  # matches nothing, yet the query runs like the others
    for link in followed_targets:
        content_type = content_types[type(link.target)]
        condition |= Q(content_type=content_type, object_id=link.target.pk)
    chain_rows: dict[tuple[int, int], list] = {}
    for row in TimelineEntry.objects.filter(condition, is_public=True):
        chain_rows.setdefault((row.content_type_id, row.object_id), []).append(row)

    if issue is None:
        return None
    # Routing steps (to a group, a member) are in the issue's own progress; what has a
    # workflow of its own (a report, a proposal) is followed in a card of its own.
    chain = []
    for link in followed_targets:
        target, kind = link.target, link.target_kind
        item = ChainItem(
            kind_label=str(kind.label),
            text=kind.public_text(target),
            state_label=target.get_state_display(),
            steps=_public_steps(chain_rows.get((content_types[type(target)].pk, target.pk), [])),
            settled=kind.settled(target),
        )
        acted_at = kind.member_acted_at(target)
        if kind.pending_text is not None and acted_at is None:
            # Still the draft staff started for the member: the words are not theirs yet.
            item.text = kind.pending_text(target)
            item.state_label = gettext("passed to a member to write")
        elif kind.pending_text is not None:
            steps.append(PublicStep(at=acted_at, label=gettext("taken up by a member")))
        chain.append(item)
    steps.sort(key=lambda step: step.at)
    return Tracking(issue=issue, followed=followed, steps=steps, chain=chain)


def issue_outcome_known(issue: ResidentIssue) -> bool:
    """Every report or proposal the issue became has come to an outcome (or there is none):
    only then is the resident asked whether the problem was solved."""
    links = IssueLink.objects.filter(issue=issue).select_related(*targets.select_related_fields())
    return all(
        link.target_kind.settled(link.target)
        for link in links
        if link.target_kind.follows_public_timeline
    )


# --- Duplicates -----------------------------------------------------------------------------


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def text_similarity(a: str, b: str) -> float:
    """Jaccard overlap of character bigrams: a fair measure for Chinese, which has no spaces."""
    first, second = _bigrams(a), _bigrams(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def possible_duplicates(
    issue: ResidentIssue, *, viewer, limit: int = DUPLICATE_LIMIT
) -> list[ResidentIssue]:
    """Issues of the same street and category, raised within 30 days of `issue`, whose place
    and text look alike; the most similar first, each with a `similarity` attribute.

    Only issues `viewer` may see: an issue in a liaison's scope by routing may share its street
    with issues of another group, which the liaison must neither read nor merge into.
    """
    window = timedelta(days=DUPLICATE_WINDOW_DAYS)
    candidates = (
        issues_visible_to(viewer)
        .filter(
            street_id=issue.street_id,
            category=issue.category,
            created_at__gte=issue.created_at - window,
            created_at__lte=issue.created_at + window,
        )
        .exclude(pk=issue.pk)
        .exclude(state=ResidentIssue.State.MERGED)
        .select_related("street", "community")
    )
    text = f"{issue.place} {issue.description}"
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            candidates.annotate(
                similarity=TrigramSimilarity(
                    Concat("place", Value(" "), "description", output_field=TextField()), text
                )
            )
            .filter(similarity__gte=DUPLICATE_MIN_SIMILARITY)
            .order_by("-similarity", "-created_at")[:limit]
        )
    ranked = []
    for candidate in candidates.order_by("-created_at")[:DUPLICATE_FALLBACK_CANDIDATES]:
        candidate.similarity = text_similarity(text, f"{candidate.place} {candidate.description}")
        if candidate.similarity >= DUPLICATE_MIN_SIMILARITY:
            ranked.append(candidate)
    ranked.sort(key=lambda candidate: -candidate.similarity)
    return ranked[:limit]


def issue_timeline(issue: ResidentIssue) -> QuerySet[TimelineEntry]:
    """Every step of the issue, public and internal, for staff."""
    return TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ResidentIssue), object_id=issue.pk
    ).select_related("actor")


def streets_visible_to(user) -> QuerySet[Street]:
    """Office staff see every street; liaison staff the streets their groups work in."""
    if roles.is_office_staff(user):
        return Street.objects.all()
    return Street.objects.filter(group__in=groups_visible_to(user))


def communities_visible_to(user) -> QuerySet[Community]:
    if roles.is_office_staff(user):
        return Community.objects.all()
    return Community.objects.filter(street__in=streets_visible_to(user))


def issue_links(issue: ResidentIssue) -> list[IssueLink]:
    return list(issue.links.select_related("created_by", *targets.select_related_fields()))


# --- Where an issue can be handed: the route-to picker -------------------------------------------

ROUTE_PAGE_SIZE = 20


@dataclass(frozen=True)
class RouteSection:
    """A heading of the route-to picker and its choices: (value "kind:pk", label) pairs."""

    title: str
    choices: list[tuple[str, str]]


def route_targets(
    *, user, issue: ResidentIssue, term: str = "", page: int = 1, size: int = ROUTE_PAGE_SIZE
) -> tuple[list[RouteSection], bool]:
    """One page of the targets `user` may hand `issue` to, matching `term` (name or pinyin):
    the groups, members and studios of the issue's street first, then all the others, each part in
    pinyin order. Returns the page's sections and whether another page follows.

    At most two queries per part (a count to skip whole parts, then one slice), whatever the
    size of the roster: the picker asks for a page at a time as staff scroll.
    """
    term = term.strip()
    street = issue.street.name if issue.street_id else ""
    near_parts, other_parts = [], []
    for kind in targets.route_kinds():
        rows = kind.choices(user)
        if term:
            rows = rows.filter(kind.matching(term))
        near = kind.near(issue)
        if near is None:
            other_parts.append((gettext("Every %(kind)s") % {"kind": kind.label}, kind, rows))
            continue
        near_parts.append(
            (
                gettext("%(kind)s in %(street)s") % {"kind": kind.label, "street": street},
                kind,
                rows.filter(near),
            )
        )
        other_parts.append(
            (gettext("Other %(kind)s") % {"kind": kind.label}, kind, rows.exclude(near))
        )
    skip = max(page - 1, 0) * size
    wanted = size + 1  # one more than a page says whether another page follows
    sections: list[RouteSection] = []
    for title, kind, rows in near_parts + other_parts:
        if wanted <= 0:
            break
        if skip:
            total = rows.count()
            if skip >= total:
                skip -= total
                continue
        found = list(rows[skip : skip + wanted])
        skip = 0
        if found:
            wanted -= len(found)
            sections.append(
                RouteSection(
                    title,
                    [(f"{kind.key}:{target.pk}", kind.choice_label(target)) for target in found],
                )
            )
    more = wanted <= 0
    if more:
        sections[-1].choices.pop()
        if not sections[-1].choices:
            sections.pop()
    return sections, more


def route_target(*, user, value: str):
    """The (kind key, target) that the picker's `value` ("member:12") names, if `user` may hand
    an issue to it; None otherwise."""
    key, _sep, pk = (value or "").partition(":")
    kind = next((k for k in targets.route_kinds() if k.key == key), None)
    if kind is None or not pk.isdigit():
        return None
    target = kind.choices(user).filter(pk=int(pk)).first()
    return None if target is None else (kind.key, target)
