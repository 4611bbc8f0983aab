"""A report or a proposal may be marked with a member studio, on the shared draft form, by a
member of that studio only; it then counts for the studio's 1+123."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opinions import services as opinion_services
from opinions.drafts import DRAFT_KINDS
from opinions.models import AdoptionLevel, OpinionReport, Proposal
from studios.models import Studio, StudioMember
from studios.progress import progress_of_studio
from tests.members.factories import MemberFactory, OfficeStaffFactory

from .plan_factories import PlanStudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

KINDS = pytest.mark.parametrize(
    ("kind", "model"),
    [("report", OpinionReport), ("proposal", Proposal)],
    ids=["report", "proposal"],
)
REFUSED = "只有工作室的委员"


def draft_data(**kwargs):
    data = {
        "title": "关于在社区设立法律咨询点的建议",
        "category": "public_order",
        "content": "居民遇到邻里纠纷不知道找谁，建议工作室每月在社区设法律咨询点。",
        "save": "1",
    }
    data.update(kwargs)
    return data


@pytest.fixture
def member():
    return MemberFactory(name="王秀英")


@pytest.fixture
def studio(member):
    studio = PlanStudioFactory(name="法律服务工作室")
    StudioMemberFactory(studio=studio, member=member, role=StudioMember.Role.LEAD)
    return studio


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client


@KINDS
def test_the_form_offers_only_the_members_own_running_studios(
    member_client, member, studio, kind, model
):
    other = PlanStudioFactory(name="别人的工作室")
    exited = PlanStudioFactory(
        name="已退出的工作室",
        state=Studio.State.EXITED,
        exited_on=datetime.date(2024, 1, 1),
        exit_reason="合并",
    )
    StudioMemberFactory(studio=exited, member=member)

    page = member_client.get(reverse(f"opinions:{kind}_create")).content.decode()

    assert 'name="studio"' in page
    assert "法律服务工作室" in page
    assert other.name not in page
    assert exited.name not in page


@KINDS
def test_a_member_of_no_studio_is_not_offered_one(client, kind, model):
    loner = MemberFactory()
    client.force_login(loner.user)
    assert 'name="studio"' not in client.get(reverse(f"opinions:{kind}_create")).content.decode()


@KINDS
def test_a_member_marks_a_draft_with_their_studio(member_client, studio, kind, model):
    response = member_client.post(reverse(f"opinions:{kind}_create"), draft_data(studio=studio.pk))

    assert response.status_code == 302
    draft = model.objects.get()
    assert draft.studio == studio
    # Shown on the draft's page, and kept when the draft is edited.
    assert "法律服务工作室" in member_client.get(response.url).content.decode()
    member_client.post(
        reverse(f"opinions:{kind}_edit", args=[draft.pk]),
        draft_data(title="修改后的标题", studio=studio.pk),
    )
    draft.refresh_from_db()
    assert (draft.title, draft.studio) == ("修改后的标题", studio)


@KINDS
def test_a_studio_the_member_does_not_belong_to_is_refused_and_nothing_written(
    member_client, studio, kind, model
):
    other = PlanStudioFactory(name="别人的工作室")

    response = member_client.post(reverse(f"opinions:{kind}_create"), draft_data(studio=other.pk))

    assert response.status_code == 200
    page = response.content.decode()
    assert REFUSED in page
    assert "关于在社区设立法律咨询点的建议" in page  # what was typed stays
    assert not model.objects.exists()


@KINDS
def test_a_member_of_no_studio_posting_one_is_refused(client, kind, model):
    loner = MemberFactory()
    client.force_login(loner.user)
    studio = PlanStudioFactory()

    response = client.post(reverse(f"opinions:{kind}_create"), draft_data(studio=studio.pk))

    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not model.objects.exists()


@KINDS
def test_a_member_cannot_move_a_draft_to_a_studio_they_left(
    member_client, member, studio, kind, model
):
    draft = opinion_services.draft_save(
        DRAFT_KINDS[kind],
        actor=member.user,
        owner=member,
        title="草稿",
        content="内容",
        category="other",
        studio=studio,
    )
    StudioMember.objects.filter(studio=studio, member=member).delete()
    other = PlanStudioFactory()

    with pytest.raises(ValidationError) as refused:
        opinion_services.draft_save(
            DRAFT_KINDS[kind],
            actor=member.user,
            draft=draft,
            title="草稿",
            content="内容",
            category="other",
            studio=other,
        )
    assert "studio" in refused.value.error_dict
    draft.refresh_from_db()
    assert draft.studio == studio
    # Left out, the studio stays; a studio already on the draft may stay.
    opinion_services.draft_save(
        DRAFT_KINDS[kind],
        actor=member.user,
        draft=draft,
        title="新标题",
        content="内容",
        category="other",
    )
    opinion_services.draft_save(
        DRAFT_KINDS[kind],
        actor=member.user,
        draft=draft,
        title="新标题",
        content="内容",
        category="other",
        studio=studio,
    )
    draft.refresh_from_db()
    assert (draft.title, draft.studio) == ("新标题", studio)


def test_staff_preparing_a_draft_for_a_member_cannot_mark_it_with_a_studio(member, studio):
    office = OfficeStaffFactory()
    with pytest.raises(ValidationError):
        opinion_services.opinion_report_create(
            actor=office,
            author=member,
            title="代拟稿",
            content="内容",
            category="other",
            studio=studio,
        )
    assert not OpinionReport.objects.exists()


@KINDS
def test_the_draft_page_costs_the_same_with_studios_or_without(
    member_client, member, studio, kind, model
):
    url = reverse(f"opinions:{kind}_create")
    member_client.get(url)  # warms the per-process caches

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert member_client.get(url).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(4):
        StudioMemberFactory(member=member)
    assert queries() == one


def test_staff_see_the_studio_on_the_report_in_the_admin(client, member, studio):
    report = opinion_services.opinion_report_create(
        actor=member.user,
        author=member,
        title="关于法律咨询的建议",
        content="内容",
        category="other",
        studio=studio,
    )
    client.force_login(OfficeStaffFactory())
    page = client.get(
        reverse("admin:opinions_opinionreport_change", args=[report.pk])
    ).content.decode()
    assert "法律服务工作室" in page


def test_a_report_written_for_the_studio_counts_once_adopted(member_client, member, studio):
    office = OfficeStaffFactory()
    member_client.post(reverse("opinions:report_create"), draft_data(studio=studio.pk, submit="1"))
    report = OpinionReport.objects.get()
    year = timezone.localdate().year
    assert progress_of_studio(studio, year).figure("reports").done == 0

    opinion_services.opinion_report_start_review(report=report, actor=office)
    opinion_services.opinion_report_adopt(
        report=report, actor=office, level=AdoptionLevel.DISTRICT, bulletin=None, note=""
    )
    opinion_services.opinion_report_adopt(
        report=report, actor=office, level=AdoptionLevel.CITY, bulletin=None, note=""
    )

    assert progress_of_studio(studio, year).figure("reports").done == 1
