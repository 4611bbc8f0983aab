"""The archive (档案) of a studio, its files kept privately, the five norms (五规范) ticked with
evidence from it, and the printable yearly archive page."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.workflow import TransitionRefused
from opinions.models import Attachment
from studios.models import ArchiveItem, Norm, NormCheck, Visit
from studios.services import plans as services
from tests.members.factories import (
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
)
from tests.opinions.files import HTML, PNG, pdf, upload

from .plan_factories import AnnualPlanFactory, PlanStudioFactory, StudioMemberFactory

pytestmark = pytest.mark.django_db

YEAR = 2025
ADD_ITEM = reverse("admin:studios_archiveitem_add")


def norms_url(studio, year=YEAR):
    return reverse("admin:studios_annualplan_norms", args=[studio.pk, year])


def archive_url(studio, year=YEAR):
    return reverse("admin:studios_annualplan_archive", args=[studio.pk, year])


@pytest.fixture
def office():
    return OfficeStaffFactory()


@pytest.fixture
def office_client(client, office):
    client.force_login(office)
    return client


@pytest.fixture
def own_group():
    return GroupFactory(name="城关街道活动组")


@pytest.fixture
def liaison(own_group):
    user = LiaisonStaffFactory()
    own_group.liaison_staff.add(user)
    return user


@pytest.fixture
def studio(own_group):
    return PlanStudioFactory(name="城关工作室", group=own_group)


@pytest.fixture
def studio_member(studio):
    return StudioMemberFactory(studio=studio).member


def add_item(actor, studio, title="工作室挂牌照片", year=YEAR, norm=Norm.BASICS, file=None):
    return services.archive_item_add(
        actor=actor,
        studio=studio,
        year=year,
        title=title,
        norm=norm,
        upload=file or upload("挂牌.png", PNG),
    )


# --- The archive -------------------------------------------------------------------------------


def test_staff_file_a_document_kept_privately_as_an_attachment(office_client, studio):
    response = office_client.post(
        ADD_ITEM,
        {
            "studio": studio.pk,
            "year": YEAR,
            "title": "年度工作制度",
            "norm": "rules",
            "file": pdf(),
        },
    )

    assert response.status_code == 302
    item = ArchiveItem.objects.get()
    attachment = item.attachment
    assert (item.title, item.norm, attachment.kind) == ("年度工作制度", "rules", "pdf")
    stored = Path(attachment.file.path)
    assert stored.is_file()
    assert Path(settings.MEDIA_ROOT) not in stored.parents  # never served as a plain file


def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_written(office_client, studio):
    response = office_client.post(
        ADD_ITEM,
        {
            "studio": studio.pk,
            "year": YEAR,
            "title": "活动照片",
            "norm": "",
            "file": upload("照片.pdf", HTML),
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "照片.pdf" in page and "活动照片" in page
    assert not ArchiveItem.objects.exists()
    assert not Attachment.objects.exists()


def test_a_file_is_downloaded_by_the_studios_members_and_staff_in_scope_only(
    client, office, liaison, studio, studio_member
):
    item = add_item(office, studio)
    url = reverse("studios:archive_file", args=[item.pk])

    for user in (studio_member.user, office, liaison):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PNG
        assert "no-store" in response["Cache-Control"]

    outsider = MemberFactory()  # a member of no studio
    other_liaison = LiaisonStaffFactory()
    GroupFactory().liaison_staff.add(other_liaison)
    for user in (outsider.user, other_liaison):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_liaison_staff_file_only_in_their_groups_studios(client, liaison, studio):
    other = PlanStudioFactory(name="别组工作室")
    client.force_login(liaison)

    response = client.post(
        ADD_ITEM, {"studio": other.pk, "year": YEAR, "title": "照片", "norm": "", "file": pdf()}
    )

    assert response.status_code == 200
    assert not ArchiveItem.objects.exists()
    with pytest.raises(TransitionRefused):
        add_item(liaison, other)
    add_item(liaison, studio)
    assert ArchiveItem.objects.filter(studio=studio).count() == 1


# --- The five norms ----------------------------------------------------------------------------


def norms_data(**ticked):
    """Every norm unticked, but for `ticked`: norm → (met, [item ids], note)."""
    data = {}
    for norm in Norm:
        met, evidence, note = ticked.get(norm.value, (False, [], ""))
        if met:
            data[f"{norm.value}-met"] = "on"
        data[f"{norm.value}-evidence"] = [str(pk) for pk in evidence]
        data[f"{norm.value}-note"] = note
    return data


def test_staff_tick_norms_with_evidence_from_the_years_archive(office_client, office, studio):
    photo = add_item(office, studio, "挂牌照片")
    rules = add_item(office, studio, "接待制度", norm=Norm.RULES, file=pdf())

    response = office_client.post(
        norms_url(studio),
        norms_data(basics=(True, [photo.pk], "场所、标牌齐全"), rules=(True, [rules.pk], "")),
    )

    assert response.status_code == 302
    checks = {check.norm: check for check in NormCheck.objects.filter(studio=studio, year=YEAR)}
    assert checks["basics"].met and list(checks["basics"].evidence.all()) == [photo]
    assert checks["basics"].note == "场所、标牌齐全"
    assert checks["basics"].checked_by == office
    assert checks["rules"].met and not checks["exit"].met
    # The norms page shows what was ticked.
    page = office_client.get(norms_url(studio)).content.decode()
    assert "场所、标牌齐全" in page


def test_a_norm_ticked_without_evidence_is_refused_and_nothing_written(
    office_client, office, studio
):
    photo = add_item(office, studio)

    response = office_client.post(
        norms_url(studio), norms_data(basics=(True, [photo.pk], ""), procedure=(True, [], "写了"))
    )

    assert response.status_code == 200
    assert "才能勾选为达标" in response.content.decode()
    assert not NormCheck.objects.exists()


def test_evidence_from_another_studio_or_year_is_refused(office_client, office, studio):
    other = PlanStudioFactory()
    theirs = add_item(office, other)
    last_year = add_item(office, studio, year=YEAR - 1)

    response = office_client.post(norms_url(studio), norms_data(basics=(True, [theirs.pk], "")))
    assert response.status_code == 200
    assert not NormCheck.objects.exists()
    # The service says so too, whoever calls it.
    with pytest.raises(ValidationError) as refused:
        services.norm_checks_save(
            actor=office,
            studio=studio,
            year=YEAR,
            checks=[services.NormInput(norm="basics", met=True, evidence=(last_year,))],
        )
    assert "basics" in refused.value.error_dict
    assert not NormCheck.objects.exists()


def test_norms_of_another_groups_studio_are_not_found(client, liaison, studio):
    other = PlanStudioFactory()
    client.force_login(liaison)
    assert client.get(norms_url(studio)).status_code == 200
    assert client.get(norms_url(other)).status_code == 404
    assert client.post(norms_url(other), norms_data()).status_code == 404
    assert not NormCheck.objects.exists()


# --- The yearly archive page -------------------------------------------------------------------


def test_the_yearly_archive_page_holds_the_studios_year(office_client, office, studio):
    AnnualPlanFactory(studio=studio, year=YEAR, research_topics="老旧小区加装电梯")
    photo = add_item(office, studio, "挂牌照片")
    services.norm_checks_save(
        actor=office,
        studio=studio,
        year=YEAR,
        checks=[services.NormInput(norm="basics", met=True, evidence=(photo,), note="齐全")],
    )
    for day in (3, 4, 5):
        Visit.objects.create(
            studio=studio, visited_on=datetime.date(YEAR, 5, day), method="open", raised="咨询"
        )
    Visit.objects.create(
        studio=studio, visited_on=datetime.date(YEAR + 1, 1, 2), method="open", raised="咨询"
    )

    response = office_client.get(archive_url(studio))

    assert response.status_code == 200
    cache = response["Cache-Control"]
    assert "private" in cache and "no-store" in cache
    page = response.content.decode()
    for text in ("老旧小区加装电梯", "挂牌照片", "齐全", "规范基础建设", "规范退出机制"):
        assert text in page
    assert reverse("studios:archive_file", args=[photo.pk]) in page
    assert "接待来访 3 人次" in page
    assert "studio-progress" in page  # the 1+123 figures


def test_the_archive_page_costs_the_same_for_many_items(office_client, office, studio):
    AnnualPlanFactory(studio=studio, year=YEAR)

    def grow(count):
        items = [add_item(office, studio, f"材料{index}") for index in range(count)]
        services.norm_checks_save(
            actor=office,
            studio=studio,
            year=YEAR,
            checks=[
                services.NormInput(norm=norm.value, met=True, evidence=tuple(items))
                for norm in Norm
            ],
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert office_client.get(archive_url(studio)).status_code == 200
        return len(captured)

    grow(2)
    office_client.get(archive_url(studio))
    few = queries()
    grow(8)
    assert queries() == few


def test_the_archive_of_another_groups_studio_is_not_found(client, liaison, studio):
    other = PlanStudioFactory()
    client.force_login(liaison)
    assert client.get(archive_url(studio)).status_code == 200
    assert client.get(archive_url(other)).status_code == 404
