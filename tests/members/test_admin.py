import datetime
import io

import openpyxl
import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.forms import MultiWidget
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from import_export.forms import SelectableFieldsExportForm

from core.models import Delivery
from members import roles
from members.models import Activity, Member
from members.phones import normalize_mobile
from members.resources import ActivityResource, MemberResource

from .factories import (
    ActivityFactory,
    AttendanceFactory,
    GroupFactory,
    LiaisonStaffFactory,
    MemberFactory,
    OfficeStaffFactory,
    SectorFactory,
    SectorGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return OfficeStaffFactory()


@pytest.fixture
def liaison():
    return LiaisonStaffFactory()


@pytest.fixture
def own_group(liaison):
    group = GroupFactory(name="东街街道活动组")
    group.liaison_staff.add(liaison)
    return group


@pytest.fixture
def other_group():
    return GroupFactory(name="西街街道活动组")


@pytest.fixture
def own_member(own_group):
    # Like member_create does it: the user name is the mobile number.
    return MemberFactory(
        name="王自己", street_group=own_group, mobile="13811110001", user__username="13811110001"
    )


@pytest.fixture
def other_member(other_group):
    return MemberFactory(
        name="李别人", street_group=other_group, mobile="13822220002", user__username="13822220002"
    )


@pytest.fixture
def own_activity(own_group):
    return ActivityFactory(title="东街学习会", organiser_group=own_group)


@pytest.fixture
def other_activity(other_group):
    return ActivityFactory(title="西街调研", organiser_group=other_group)


def _login(client, user):
    client.force_login(user)
    return client


def _listed(response):
    return {str(obj) for obj in response.context["cl"].result_list}


def _change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _form_data(form):
    """What the browser would post back for the form as rendered."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        widget = form.fields[name].widget
        if isinstance(widget, MultiWidget):  # date and time of a datetime, say
            for index, part in enumerate(widget.decompress(value)):
                data[f"{name}_{index}"] = "" if part is None else part
        else:
            data[name] = "" if value is None else value
    return data


def _page_data(response):
    """The POST data of a rendered change page as the browser would send it, inlines included."""
    data = _form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for form in [formset.management_form, *formset.forms]:
            for name in form.fields:
                value = form[name].value()
                if value is None or value is False:
                    continue
                data[form.add_prefix(name)] = value
    return data


def _autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return {item["text"] for item in response.json()["results"]}


def _export(client, model, resource_class):
    """Export the whole changelist as XLSX through the admin's export form; rows as dicts."""
    url = reverse(f"admin:members_{model._meta.model_name}_export")
    data = {"format": "0", "resource": "0"}
    for name in resource_class().get_export_order():
        field = SelectableFieldsExportForm.create_boolean_field_name(resource_class, name)
        data[field] = "on"
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- liaison scoping: lists -------------------------------------------------------------------


def test_liaison_member_list_shows_only_members_of_their_groups(
    client, liaison, own_member, other_member
):
    response = _login(client, liaison).get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert _listed(response) == {"王自己"}


def test_office_member_list_shows_every_member(client, office, own_member, other_member):
    response = _login(client, office).get(reverse("admin:members_member_changelist"))
    assert _listed(response) == {"王自己", "李别人"}


def test_liaison_activity_and_group_lists_show_only_their_groups(
    client, liaison, own_activity, other_activity
):
    _login(client, liaison)
    activities = client.get(reverse("admin:members_activity_changelist"))
    groups = client.get(reverse("admin:members_group_changelist"))
    assert _listed(activities) == {"东街学习会"}
    assert _listed(groups) == {"东街街道活动组"}


def test_office_activity_and_group_lists_show_everything(
    client, office, own_activity, other_activity
):
    _login(client, office)
    activities = client.get(reverse("admin:members_activity_changelist"))
    groups = client.get(reverse("admin:members_group_changelist"))
    assert _listed(activities) == {"东街学习会", "西街调研"}
    assert _listed(groups) == {"东街街道活动组", "西街街道活动组"}


def test_liaison_without_groups_sees_no_member(client, own_member, other_member):
    lonely = LiaisonStaffFactory()
    response = _login(client, lonely).get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    assert _listed(response) == set()


def test_member_list_group_filters_offer_only_the_liaisons_groups(
    client, liaison, own_member, other_member
):
    response = _login(client, liaison).get(reverse("admin:members_member_changelist"))
    offered = {
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if spec.title == Member._meta.get_field("street_group").verbose_name
        for choice in spec.choices(response.context["cl"])
    }
    assert "东街街道活动组" in offered
    assert "西街街道活动组" not in offered


def test_term_filter_offers_the_rosters_terms_and_reads_them_without_scanning_it(client, office):
    for term, name in ((7, "张七届"), (8, "李八届"), (9, "王九届")):
        MemberFactory(name=name, term=term)
    url = reverse("admin:members_member_changelist")

    with CaptureQueriesContext(connection) as queries:
        response = _login(client, office).get(url)
    offered = [
        choice["display"]
        for spec in response.context["cl"].filter_specs
        if spec.title == Member._meta.get_field("term").verbose_name
        for choice in spec.choices(response.context["cl"])
    ]
    filtered = client.get(url, {"term": "8"})
    refused = client.get(url, {"term": "八"})

    assert offered[1:] == ["第9届", "第8届", "第7届"]  # after 全部
    # No DISTINCT over the whole roster on every page, as Django's own filter ran.
    assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]]
    assert _listed(filtered) == {"李八届"}
    # A term that is not a number: the list says its parameters were wrong, writes nothing.
    assert refused.status_code == 302 and "e=1" in refused["Location"]


def test_group_filters_give_way_to_the_search_box_when_there_are_too_many_groups(
    client, office, monkeypatch
):
    from core import admin_scoping

    MemberFactory(name="赵一", street_group=GroupFactory(name="北街街道活动组"))
    MemberFactory(name="钱二", street_group=GroupFactory(name="南街街道活动组"))
    url = reverse("admin:members_member_changelist")
    street_group = Member._meta.get_field("street_group").verbose_name

    def titles():
        response = client.get(url)
        return {
            str(spec.title) for spec in response.context["cl"].filter_specs if spec.has_output()
        }

    _login(client, office)
    assert str(street_group) in titles()
    monkeypatch.setattr(admin_scoping, "MAX_FILTER_CHOICES", 1)
    assert str(street_group) not in titles()
    # The search box finds a group's members instead.
    assert _listed(client.get(url, {"q": "南街"})) == {"钱二"}


# --- liaison scoping: change pages --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["member", "activity", "group"])
def test_liaison_change_page_of_another_groups_row_does_not_exist(
    client, liaison, own_member, other_member, own_activity, other_activity, kind
):
    own, other = {
        "member": (own_member, other_member),
        "activity": (own_activity, other_activity),
        "group": (own_member.street_group, other_member.street_group),
    }[kind]
    _login(client, liaison)
    assert client.get(_change_url(own)).status_code == 200
    response = client.get(_change_url(other))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_office_opens_the_change_page_of_any_groups_member(client, office, other_member):
    response = _login(client, office).get(_change_url(other_member))
    assert response.status_code == 200
    assert response.context["original"] == other_member


def test_liaison_cannot_post_changes_to_another_groups_member(client, liaison, other_member):
    response = _login(client, liaison).post(_change_url(other_member), {"name": "改名"})
    assert response.status_code == 302
    other_member.refresh_from_db()
    assert other_member.name == "李别人"


# --- liaison scoping: autocompletes and form choices ---------------------------------------------


def test_liaison_member_autocomplete_lists_only_their_members(
    client, liaison, own_member, other_member
):
    _login(client, liaison)
    assert _autocomplete(client, "attendance", "member") == {"王自己"}
    assert _autocomplete(client, "group", "conveners", term="李") == set()


def test_office_member_autocomplete_lists_every_member(client, office, own_member, other_member):
    assert _autocomplete(_login(client, office), "attendance", "member") == {"王自己", "李别人"}


def test_member_autocomplete_finds_a_mobile_typed_with_spaces(client, office, own_member):
    found = _autocomplete(_login(client, office), "attendance", "member", term="138 1111 0001")
    assert found == {"王自己"}


def test_group_autocomplete_is_scoped_too(client, liaison, office, own_group, other_group):
    assert _autocomplete(_login(client, liaison), "member", "street_group") == {"东街街道活动组"}
    assert _autocomplete(_login(client, office), "member", "street_group") == {
        "东街街道活动组",
        "西街街道活动组",
    }


def _member_form_data(**overrides):
    data = {
        "name": "新委员",
        "gender": Member.Gender.MALE,
        "party": Member.Party.NONE,
        "work_unit": "",
        "title": "",
        "mobile": "13933334444",
        "sector": SectorFactory().pk,
        "term": "8",
        "sector_group": "",
        "street_group": "",
        "status": Member.Status.ACTIVE,
        "left_on": "",
    }
    data.update(overrides)
    return data


def test_liaison_cannot_put_a_new_member_in_another_group(client, liaison, own_group, other_group):
    response = _login(client, liaison).post(
        reverse("admin:members_member_add"), _member_form_data(street_group=other_group.pk)
    )
    assert response.status_code == 200
    assert "street_group" in response.context["adminform"].form.errors
    assert not Member.objects.filter(name="新委员").exists()


def test_liaison_adds_a_member_to_their_group_with_a_login(client, liaison, own_group):
    response = _login(client, liaison).post(
        reverse("admin:members_member_add"), _member_form_data(street_group=own_group.pk)
    )
    assert response.status_code == 302
    member = Member.objects.get(name="新委员")
    assert member.street_group == own_group
    assert member.user.username == "13933334444"


def test_liaison_must_put_a_new_member_in_one_of_their_groups(client, liaison, own_group):
    response = _login(client, liaison).post(
        reverse("admin:members_member_add"), _member_form_data()
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors()
    assert not Member.objects.filter(name="新委员").exists()


def test_liaison_keeps_a_members_sector_group_run_by_someone_else(
    client, liaison, own_group, other_member
):
    foreign_sector_group = SectorGroupFactory()
    member = MemberFactory(street_group=own_group, sector_group=foreign_sector_group)
    form = _login(client, liaison).get(_change_url(member)).context["adminform"].form
    data = _form_data(form)
    data.update(name="改了名字", left_on="", work_unit="新单位")
    response = client.post(_change_url(member), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    member.refresh_from_db()
    assert member.work_unit == "新单位"
    assert member.sector_group == foreign_sector_group
    # …but no other group outside their reach can be chosen.
    data["sector_group"] = SectorGroupFactory().pk
    response = client.post(_change_url(member), data)
    assert "sector_group" in response.context["adminform"].form.errors


def test_liaison_cannot_change_who_runs_their_group(client, liaison, own_group):
    intruder = LiaisonStaffFactory()
    _login(client, liaison)
    response = client.post(
        _change_url(own_group), {"conveners": [], "liaison_staff": [intruder.pk], "name": "x"}
    )
    assert response.status_code == 302
    own_group.refresh_from_db()
    assert list(own_group.liaison_staff.all()) == [liaison]
    assert own_group.name == "东街街道活动组"


def test_office_puts_only_liaison_staff_in_charge_of_a_group(client, office, own_group):
    form = _login(client, office).get(_change_url(own_group)).context["adminform"].form
    choices = set(form.fields["liaison_staff"].queryset)
    assert own_group.liaison_staff.get() in choices
    assert office not in choices


def test_liaison_keeps_participants_from_other_groups_in_their_activity(
    client, liaison, own_activity, own_member, other_member
):
    AttendanceFactory(activity=own_activity, member=own_member)
    AttendanceFactory(activity=own_activity, member=other_member)  # invited by the office
    response = _login(client, liaison).get(_change_url(own_activity))
    data = _page_data(response)
    data["place"] = "社区议事厅"
    response = client.post(_change_url(own_activity), data)
    assert response.status_code == 302
    own_activity.refresh_from_db()
    assert own_activity.place == "社区议事厅"
    assert set(own_activity.participants.all()) == {own_member, other_member}


def test_liaison_cannot_add_a_participant_from_another_group(
    client, liaison, own_activity, other_member
):
    response = _login(client, liaison).get(_change_url(own_activity))
    data = _page_data(response)
    prefix = response.context["inline_admin_formsets"][0].formset.prefix
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-member": str(other_member.pk),
            f"{prefix}-0-status": "present",
        }
    )
    response = client.post(_change_url(own_activity), data)
    assert response.status_code == 200
    assert not own_activity.participants.exists()


# --- liaison scoping: exports ---------------------------------------------------------------------


def test_liaison_member_export_holds_only_their_members_masked(
    client, liaison, own_member, other_member
):
    rows = _export(_login(client, liaison), Member, MemberResource)
    mobile = str(Member._meta.get_field("mobile").verbose_name)
    name = str(Member._meta.get_field("name").verbose_name)
    assert [(row[name], row[mobile]) for row in rows] == [("王自己", "138****0001")]


def test_office_member_export_holds_everyone_masked(client, office, own_member, other_member):
    rows = _export(_login(client, office), Member, MemberResource)
    mobile = str(Member._meta.get_field("mobile").verbose_name)
    assert sorted(row[mobile] for row in rows) == ["138****0001", "138****0002"]


def test_activity_export_is_scoped_and_counts_participants(
    client, liaison, office, own_activity, other_activity
):
    AttendanceFactory.create_batch(2, activity=own_activity)
    title = str(Activity._meta.get_field("title").verbose_name)
    rows = _export(_login(client, liaison), Activity, ActivityResource)
    assert [row[title] for row in rows] == ["东街学习会"]
    assert rows[0][str(ActivityResource().fields["participant_count"].column_name)] == 2
    rows = _export(_login(client, office), Activity, ActivityResource)
    assert sorted(row[title] for row in rows) == ["东街学习会", "西街调研"]


# --- the member change page: mobile numbers -------------------------------------------------------


def test_office_sees_and_edits_the_whole_mobile_normalised(client, office, own_member):
    _login(client, office)
    form = client.get(_change_url(own_member)).context["adminform"].form
    assert form["mobile"].value() == "13811110001"
    data = _form_data(form)
    data.update(mobile="+86 １３９ 8765 4321", left_on="")
    response = client.post(_change_url(own_member), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    own_member.refresh_from_db()
    assert own_member.mobile == "13987654321"


def test_admin_refuses_a_mobile_that_is_not_one_with_the_translated_message(
    client, office, own_member
):
    _login(client, office)
    form = client.get(_change_url(own_member)).context["adminform"].form
    data = _form_data(form)
    data.update(mobile="12345", left_on="")
    response = client.post(_change_url(own_member), data)
    errors = response.context["adminform"].form.errors["mobile"]
    with pytest.raises(Exception) as expected:
        normalize_mobile("12345")
    assert errors == expected.value.messages
    own_member.refresh_from_db()
    assert own_member.mobile == "13811110001"


def test_without_full_mobile_permission_the_mobile_is_masked_and_read_only(
    client, liaison, own_member
):
    full = Permission.objects.get(codename="view_full_mobile")
    AuthGroup.objects.get(name=roles.LIAISON_STAFF).permissions.remove(full)
    _login(client, liaison)
    response = client.get(_change_url(own_member))
    form = response.context["adminform"].form
    assert "mobile" not in form.fields
    assert "138****0001" in response.text
    assert "13811110001" not in response.text
    data = _form_data(form)
    data.update(left_on="", mobile="13999999999", title="新职务")
    assert client.post(_change_url(own_member), data).status_code == 302
    own_member.refresh_from_db()
    assert (own_member.title, own_member.mobile) == ("新职务", "13811110001")


def _reminder(user) -> Delivery:
    """A reminder in the outbox (core.Delivery), addressed to `user`."""
    return Delivery.objects.create(
        kind="activity-reminder",
        channel=Delivery.Channel.SMS,
        content_type=ContentType.objects.get_for_model(user),
        object_id=user.pk,
        recipient=user,
        due_on=datetime.date(2026, 3, 11),
        address=user.username,
        subject="明天学习",
    )


@pytest.mark.parametrize("model_name", ["members_member", "members_user", "core_delivery"])
def test_lists_mask_mobiles_even_for_office_staff(client, office, own_member, model_name):
    _reminder(own_member.user)
    own_member.user.first_name = ""  # a login without a name shows its (masked) user name
    own_member.user.save()
    response = _login(client, office).get(reverse(f"admin:{model_name}_changelist"))
    assert "138****0001" in response.text
    assert "13811110001" not in response.text


def test_office_adding_a_member_creates_their_login(client, office):
    response = _login(client, office).post(
        reverse("admin:members_member_add"), _member_form_data(mobile="１３９ 3333 4444")
    )
    assert response.status_code == 302
    member = Member.objects.get(name="新委员")
    assert member.mobile == "13933334444"
    assert member.user.username == "13933334444"
    assert member.user.groups.filter(name=roles.MEMBER).exists()
    assert response.url == reverse("admin:members_member_changelist")


def test_adding_a_member_whose_number_is_another_logins_name_is_refused(client, office):
    UserFactory(username="13933334444")
    response = _login(client, office).post(reverse("admin:members_member_add"), _member_form_data())
    assert response.status_code == 200
    assert "mobile" in response.context["adminform"].form.errors
    assert not Member.objects.exists()


def test_a_member_who_left_needs_a_leaving_date(client, office, own_member):
    _login(client, office)
    form = client.get(_change_url(own_member)).context["adminform"].form
    data = _form_data(form)
    data.update(status=Member.Status.LEFT, left_on="")
    response = client.post(_change_url(own_member), data)
    assert "left_on" in response.context["adminform"].form.errors
    data.update(left_on="2025-03-01")
    assert client.post(_change_url(own_member), data).status_code == 302
    own_member.refresh_from_db()
    assert own_member.left_on == datetime.date(2025, 3, 1)


# --- logins ---------------------------------------------------------------------------------------


def test_office_staff_cannot_see_or_make_superusers(client, office):
    boss = UserFactory(is_superuser=True, is_staff=True, username="boss")
    clerk = UserFactory(username="clerk", is_staff=True)
    _login(client, office)
    assert "boss" not in _listed(client.get(reverse("admin:members_user_changelist")))
    assert client.get(_change_url(boss)).status_code == 302
    form = client.get(_change_url(clerk)).context["adminform"].form
    assert "is_superuser" not in form.fields
    password_url = reverse("admin:auth_user_password_change", args=[clerk.pk])
    assert client.get(password_url).status_code == 200


# --- query counts ---------------------------------------------------------------------------------


def _queries(client, url, expected_rows):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == expected_rows
    return len(context)


def _make_members(count):
    for _ in range(count):
        sector_group = SectorGroupFactory()
        MemberFactory(
            sector=sector_group.sector, sector_group=sector_group, street_group=GroupFactory()
        )


def _make_activities(count):
    for _ in range(count):
        activity = ActivityFactory(organiser_group=GroupFactory())
        AttendanceFactory.create_batch(2, activity=activity)


def _make_groups(count):
    for _ in range(count):
        group = GroupFactory()
        group.conveners.add(MemberFactory(street_group=group))
        group.liaison_staff.add(LiaisonStaffFactory())


@pytest.mark.parametrize(
    ("model_name", "make"),
    [("member", _make_members), ("activity", _make_activities), ("group", _make_groups)],
)
def test_changelist_query_count_does_not_grow_with_rows(client, office, model_name, make):
    url = reverse(f"admin:members_{model_name}_changelist")
    _login(client, office)
    make(5)
    client.get(url)  # warm caches that are not per request (content types)
    at_5 = _queries(client, url, 5)
    make(45)
    at_50 = _queries(client, url, 50)
    assert at_5 == at_50
    assert at_50 <= 15


# --- every page renders, for both staff roles -----------------------------------------------------


def _pages(user_kind, liaison, own_member, own_activity):
    reminder = _reminder(own_member.user)
    pages = [
        reverse("admin:index"),
        reverse("admin:members_sector_changelist"),
        _change_url(own_member.sector),
        reverse("admin:members_group_changelist"),
        _change_url(own_member.street_group),
        reverse("admin:members_member_changelist"),
        reverse("admin:members_member_add"),
        _change_url(own_member),
        reverse("admin:members_activity_changelist"),
        reverse("admin:members_activity_add"),
        _change_url(own_activity),
        reverse("admin:members_member_export"),
        reverse("admin:members_activity_export"),
    ]
    if user_kind == "office":
        pages += [
            reverse("admin:members_sector_add"),
            reverse("admin:members_group_add"),
            reverse("admin:members_user_changelist"),
            reverse("admin:members_user_add"),
            _change_url(liaison),
            reverse("admin:core_delivery_changelist"),
            _change_url(reminder),
            reverse("admin:members_member_import"),
            f"{reverse('admin:members_member_changelist')}?q=王",
            f"{reverse('admin:members_activity_changelist')}?q=学习",
        ]
    return pages


@pytest.mark.parametrize("user_kind", ["office", "liaison"])
def test_admin_pages_render_for_staff(client, liaison, office, own_member, own_activity, user_kind):
    AttendanceFactory(activity=own_activity, member=own_member)
    own_member.sector_group = SectorGroupFactory(sector=own_member.sector)
    own_member.save()
    _login(client, office if user_kind == "office" else liaison)
    for url in _pages(user_kind, liaison, own_member, own_activity):
        response = client.get(url)
        assert response.status_code == 200, url


def test_liaison_has_no_import_and_office_has(client, liaison, office, own_member):
    _login(client, liaison)
    changelist = client.get(reverse("admin:members_member_changelist"))
    assert reverse("admin:members_member_import") not in changelist.text
    assert reverse("admin:members_member_import_template") not in changelist.text
    assert client.get(reverse("admin:members_member_import")).status_code == 403
    _login(client, office)
    changelist = client.get(reverse("admin:members_member_changelist"))
    assert reverse("admin:members_member_import") in changelist.text
    assert reverse("admin:members_member_import_template") in changelist.text


def test_reminder_log_is_read_only(client, office, own_member):
    reminder = _reminder(own_member.user)
    _login(client, office)
    assert client.get(reverse("admin:core_delivery_add")).status_code == 403
    response = client.post(_change_url(reminder), {"status": "failed"})
    assert response.status_code == 403
    reminder.refresh_from_db()
    assert reminder.status == "pending"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xd8\xff\xe0" + b"<html><script>alert(1)</script></html>", "不是"),
        ("jpeg+html", "网页代码"),
        ("forty-megapixels", "像素过多"),
    ],
    ids=["jpeg-header-then-html", "whole-jpeg-then-html", "40-MP"],
)
def test_activity_photo_must_be_a_whole_picture_of_bounded_size(content, message):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation
    from PIL import Image

    from members.admin import ActivityPhotoForm

    if content == "jpeg+html":
        buffer = io.BytesIO()
        Image.new("RGB", (20, 20), "blue").save(buffer, format="JPEG")
        content = buffer.getvalue() + b"<!DOCTYPE html><script>alert(1)</script>"
    elif content == "forty-megapixels":
        buffer = io.BytesIO()
        Image.new("L", (7300, 5480), 0).save(buffer, format="JPEG")
        content = buffer.getvalue()
    upload = SimpleUploadedFile("活动照片.jpg", content, content_type="image/jpeg")

    with translation.override("zh-hans"):
        form = ActivityPhotoForm(data={"caption": "调研"}, files={"image": upload})
        assert not form.is_valid()
        assert message in " ".join(form.errors["image"])


# --- sidebar filters: one query between the group filters ---------------------------------------


def _group_filter_choices(response) -> dict[str, set[str]]:
    return {
        spec.parameter_name: {title for _, title in spec.lookup_choices}
        for spec in response.context["cl"].filter_specs
        if getattr(spec, "parameter_name", None) in ("sector_group", "street_group")
    }


@pytest.mark.parametrize("who", ["office", "liaison"])
def test_group_filters_of_the_members_list_are_read_in_one_query(client, who, request):
    user = request.getfixturevalue(who)
    url = reverse("admin:members_member_changelist")

    def add_groups(count):
        for _ in range(count):
            group = GroupFactory()
            sector_group = SectorGroupFactory()
            if who == "liaison":
                group.liaison_staff.add(user)
                sector_group.liaison_staff.add(user)
            MemberFactory(street_group=group, sector_group=sector_group)

    add_groups(1)
    _login(client, user)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_groups(6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    choices = _group_filter_choices(response)
    assert len(choices["street_group"]) == 7 and len(choices["sector_group"]) == 7
    group_queries = [q["sql"] for q in many.captured_queries if 'FROM "members_group"' in q["sql"]]
    assert len(group_queries) == 1, group_queries


def test_liaison_group_filters_offer_only_their_own_groups(
    client, liaison, own_member, other_member
):
    response = _login(client, liaison).get(reverse("admin:members_member_changelist"))
    assert _group_filter_choices(response)["street_group"] == {"东街街道活动组"}
    assert _listed(response) == {"王自己"}


def test_members_list_runs_at_most_three_queries_more_than_a_bare_admin_list(client, office):
    """The benchmark's reference is a bare ModelAdmin of the same table: session, user, two
    permission queries, the count, the full count and the rows (7). The portal's list adds
    the role names, the sectors and the groups for its filters and the term range (10)."""
    MemberFactory()
    _login(client, office)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("admin:members_member_changelist")).status_code == 200
    assert len(captured) <= 7 + 3, [q["sql"][:80] for q in captured.captured_queries]
