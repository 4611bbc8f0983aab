import pytest

from members import roles

from .factories import LiaisonStaffFactory, OfficeStaffFactory


@pytest.mark.django_db
def test_staff_factories_put_users_in_their_role_groups():
    assert roles.is_office_staff(OfficeStaffFactory())
    assert roles.is_liaison_staff(LiaisonStaffFactory())
