import pytest
from django.utils import translation

from tests.members.factories import GroupFactory, MemberFactory, OfficeStaffFactory

from .factories import (
    CommitteeSessionFactory,
    DeclineReasonFactory,
    DepartmentFactory,
    HandlerFactory,
)


@pytest.fixture
def office(db):
    return OfficeStaffFactory(username="zhangwei", first_name="张伟")


@pytest.fixture
def group(db):
    return GroupFactory(name="城关街道活动组")


@pytest.fixture
def member(group):
    return MemberFactory(name="王秀英", street_group=group)


@pytest.fixture
def other_member(db):
    return MemberFactory(name="李建国")


@pytest.fixture
def department(db):
    return DepartmentFactory(name="区住房和城乡建设局")


@pytest.fixture
def handler(department):
    return HandlerFactory(username="zhujian", department=department)


@pytest.fixture
def session(db):
    return CommitteeSessionFactory()


@pytest.fixture
def reason(db):
    return DeclineReasonFactory(label="反映问题已在处理中")


@pytest.fixture(autouse=True)
def _english(settings):
    # Stored texts (timeline notes, notifications) are written in the site's language; the
    # tests read them in the English source, whatever the catalog holds.
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
