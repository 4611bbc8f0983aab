import pytest
from django.core.exceptions import ValidationError

from members.phones import mask_mobile, normalize_mobile

from .factories import MemberFactory


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13812341234", "13812341234"),
        ("１３８１２３４１２３４", "13812341234"),
        ("138 1234 1234", "13812341234"),
        ("138-1234-1234", "13812341234"),
        ("+86 138 1234 1234", "13812341234"),
        ("8613812341234", "13812341234"),
    ],
)
def test_normalize_mobile_accepts_what_people_type(raw, expected):
    assert normalize_mobile(raw) == expected


@pytest.mark.parametrize("raw", ["", "1381234123", "23812341234", "138123412345", "电话"])
def test_normalize_mobile_refuses_what_is_not_a_mobile_number(raw):
    with pytest.raises(ValidationError):
        normalize_mobile(raw)


def test_mask_mobile_keeps_first_three_and_last_four_digits():
    assert mask_mobile("13812341234") == "138****1234"


@pytest.mark.django_db
def test_member_masked_mobile_hides_the_middle_digits():
    member = MemberFactory(mobile="13987654321")
    assert member.masked_mobile == "139****4321"
