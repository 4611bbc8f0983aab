import datetime

import factory
from django.contrib.auth.models import Group as AuthGroup
from django.utils import timezone

from members import roles
from members.models import Activity, Attendance, Group, Member, Sector, User

DEFAULT_PASSWORD = "correct-horse-battery"


def _add_roles(user, create, names) -> None:
    if create and names:
        user.groups.add(*AuthGroup.objects.filter(name__in=names))
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory):
    """A login. `UserFactory(roles=[roles.MEMBER])` puts it in those role groups."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        _add_roles(self, create, extracted)


class OfficeStaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        _add_roles(self, create, extracted or [roles.OFFICE_STAFF])


class LiaisonStaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        _add_roles(self, create, extracted or [roles.LIAISON_STAFF])


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Iterator(
        ["经济界", "教育界", "医药卫生界", "农业界", "科技界", "文化艺术界", "法律界"]
    )


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"第{n}活动组")
    kind = Group.Kind.STREET


class SectorGroupFactory(GroupFactory):
    kind = Group.Kind.SECTOR
    sector = factory.SubFactory(SectorFactory)
    name = factory.LazyAttributeSequence(lambda g, n: f"{g.sector.name}活动组{n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    user = factory.SubFactory(UserFactory, roles=[roles.MEMBER])
    name = factory.Sequence(lambda n: f"委员{n:03d}")
    gender = Member.Gender.FEMALE
    sector = factory.SubFactory(SectorFactory)
    party = Member.Party.NONE
    work_unit = "区人民医院"
    title = "主任医师"
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    term = 8


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"履职活动{n}")
    kind = Activity.Kind.STUDY
    organiser_group = factory.SubFactory(GroupFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))
    place = "区政协会议室"


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    member = factory.SubFactory(MemberFactory)
    status = Attendance.Status.PRESENT
