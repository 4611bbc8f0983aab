import pytest

from core.privacy import erase_personal_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("请联系13812345678谢谢", "请联系***********谢谢"),
        ("电话：138 1234 5678。", "电话：*** **** ****。"),
        ("电话138-1234-5678", "电话***-****-****"),
        ("全角１３８１２３４５６７８也算", "全角***********也算"),
        ("+86 13812345678", "+** ***********"),
        ("座机010-12345678找我", "座机***-********找我"),
        ("我叫张建国，住3栋", "我叫***，住3栋"),
        ("联系人：李梅", "联系人：**"),
    ],
)
def test_phone_numbers_and_cued_names_are_masked(text, expected):
    assert erase_personal_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "3栋2单元502室门口的路灯坏了",
        "2026年11月30日晚上8点",
        "维修费用12000元",
        "编号20261130001的工单",  # 13 digits: not a phone number
    ],
)
def test_numbers_that_are_not_phones_stay(text):
    assert erase_personal_text(text) == text


def test_known_names_are_masked_wherever_they_appear():
    assert erase_personal_text("张大爷您好，张大爷反映的问题已解决", ["张大爷"]) == (
        "***您好，***反映的问题已解决"
    )


def test_one_character_names_and_empty_text_are_left_alone():
    assert erase_personal_text("王府井大街", ["王"]) == "王府井大街"
    assert erase_personal_text("", ["张三"]) == ""
