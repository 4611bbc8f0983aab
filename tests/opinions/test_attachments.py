import pytest
from django.core.exceptions import ValidationError

from opinions import attachments
from opinions.attachments import validate_attachment, validate_attachment_count

from .files import JPEG, PDF, PNG, office, plain_zip, upload


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("说明.pdf", PDF, "pdf"),
        ("照片.PNG", PNG, "png"),
        ("照片.jpeg", JPEG, "jpg"),
        ("照片.jpg", JPEG, "jpg"),
        ("调研报告.docx", office("docx"), "docx"),
        ("统计表.xlsx", office("xlsx"), "xlsx"),
    ],
)
def test_accepted_kinds_are_recognised_by_content(name, content, kind):
    assert validate_attachment(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("说明.pdf", PNG, "type_mismatch"),
        ("照片.png", PDF, "type_mismatch"),
        ("调研报告.docx", office("xlsx"), "type_mismatch"),
        ("病毒.exe", b"MZ\x90\x00" + b"\x00" * 20, "bad_type"),
        ("说明.pdf", b"<html><script>alert(1)</script>", "bad_type"),
        ("宏.docx", office("docm"), "bad_type"),
        ("压缩包.docx", plain_zip(), "bad_type"),
        ("坏的.docx", b"PK\x03\x04 not really a zip", "bad_type"),
        ("说明.txt", PDF, "type_mismatch"),
        ("说明", PDF, "type_mismatch"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload(name, content))
    assert refused.value.code == code
    assert name in refused.value.message


def test_oversized_file_is_refused(monkeypatch):
    monkeypatch.setattr(attachments, "MAX_ATTACHMENT_BYTES", len(PDF) - 1)
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("说明.pdf", PDF))
    assert refused.value.code == "too_large"


def test_count_limit_counts_what_is_already_attached():
    validate_attachment_count(existing=3, added=2)
    with pytest.raises(ValidationError):
        validate_attachment_count(existing=4, added=2)
