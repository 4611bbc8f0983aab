"""People pickers find people by name or pinyin and list them in pinyin order (李, 王, 张, 赵),
not by character code (张 U+5F20 would come before 李 U+674E and 王 U+738B)."""

import pytest
from django.urls import reverse

from members.models import Group, Member
from members.pinyin import pinyin_key, pinyin_search_text

from .factories import GroupFactory, LiaisonStaffFactory, MemberFactory, OfficeStaffFactory

pytestmark = pytest.mark.django_db

# Created in character-code order, which is not the order a Chinese reader expects.
NAMES = ["张伟", "王芳", "李娜", "赵敏"]
PINYIN_ORDER = ["李娜", "王芳", "张伟", "赵敏"]


@pytest.fixture
def members():
    return [MemberFactory(name=name) for name in NAMES]


def _autocomplete(client, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [item["text"] for item in response.json()["results"]]


def test_members_come_out_in_pinyin_order(members):
    assert sorted(NAMES) != PINYIN_ORDER  # by character code they would not
    assert list(Member.objects.values_list("name", flat=True)) == PINYIN_ORDER


def test_the_sort_key_follows_a_renamed_member(members):
    zhao = Member.objects.get(name="赵敏")
    zhao.name = "艾敏"  # ai: now first
    zhao.save(update_fields=["name"])
    assert Member.objects.first().name == "艾敏"
    assert Member.objects.get(pk=zhao.pk).name_pinyin == "ai4min3"


def test_surnames_read_as_surnames():
    # 单 is shàn and 曾 zēng as a surname: 单 files under S, after 李 (L), not under D.
    assert pinyin_key("单雄信").startswith("shan4")
    assert pinyin_key("曾国藩").startswith("zeng1")
    assert sorted(["单雄信", "李白", "曾国藩"], key=pinyin_key) == ["李白", "单雄信", "曾国藩"]
    assert pinyin_search_text(pinyin_key("张三")) == "zhangsan zs"


def test_groups_come_out_in_pinyin_order():
    for name in ["中心街道活动组", "城关街道活动组", "北关街道活动组"]:
        GroupFactory(name=name)
    assert list(Group.objects.values_list("name", flat=True)) == [
        "北关街道活动组",
        "城关街道活动组",
        "中心街道活动组",
    ]


def test_admin_member_autocomplete_lists_in_pinyin_order(client, members):
    client.force_login(OfficeStaffFactory())
    assert _autocomplete(client, "attendance", "member") == PINYIN_ORDER
    assert _autocomplete(client, "group", "conveners") == PINYIN_ORDER


def test_admin_member_autocomplete_finds_by_name_and_by_pinyin(client, members):
    client.force_login(OfficeStaffFactory())
    assert _autocomplete(client, "attendance", "member", term="张") == ["张伟"]
    assert _autocomplete(client, "attendance", "member", term="Zhang") == ["张伟"]
    assert _autocomplete(client, "attendance", "member", term="赵") == ["赵敏"]


def test_member_changelist_is_in_pinyin_order(client, members):
    client.force_login(OfficeStaffFactory())
    response = client.get(reverse("admin:members_member_changelist"))
    assert [m.name for m in response.context["cl"].result_list] == PINYIN_ORDER


def test_liaison_autocomplete_offers_only_their_groups_members(client):
    liaison = LiaisonStaffFactory()
    own, other = GroupFactory(name="东街活动组"), GroupFactory(name="西街活动组")
    own.liaison_staff.add(liaison)
    for name in ["张伟", "赵敏"]:
        MemberFactory(name=name, street_group=own)
    for name in ["王芳", "李娜", "张强"]:
        MemberFactory(name=name, street_group=other)
    client.force_login(liaison)

    assert _autocomplete(client, "attendance", "member") == ["张伟", "赵敏"]
    assert _autocomplete(client, "attendance", "member", term="张") == ["张伟"]
    assert _autocomplete(client, "attendance", "member", term="li") == []
    assert _autocomplete(client, "group", "conveners", term="zhang") == ["张伟"]
    assert _autocomplete(client, "activity", "organiser_group") == ["东街活动组"]


def test_the_migration_backfills_existing_rows(members):
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    GroupFactory(name="中心街道活动组")
    GroupFactory(name="北关街道活动组")
    Member.objects.update(name_pinyin="")
    Group.objects.update(name_pinyin="")
    migration = import_module("members.migrations.0009_pickers_pinyin_sort_key")
    with connection.schema_editor() as editor:
        migration.backfill_pinyin(apps, editor)

    assert list(Member.objects.values_list("name", flat=True)) == PINYIN_ORDER
    groups = list(Group.objects.values_list("name", flat=True))
    assert groups == ["北关街道活动组", "中心街道活动组"]
    assert Group.objects.get(name="北关街道活动组").name_pinyin == "bei3guan1jie1dao4huo2dong4zu3"
