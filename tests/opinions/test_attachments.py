import pytest
from django.core.exceptions import ValidationError

from opinions import attachments
from opinions.attachments import validate_attachment, validate_attachment_count

from .files import EXE, HTML, JPEG, PDF, PNG, office, pdf_with, picture_of, plain_zip, upload


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


# --- The hostile corpus: files whose first bytes pass, whose whole container does not ----------

FORTY_MEGAPIXELS = (7300, 5480)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a macro project's compound file


@pytest.fixture(scope="module")
def huge_jpeg():
    return picture_of("JPEG", FORTY_MEGAPIXELS)


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("照片.jpg", JPEG[:4] + HTML, "damaged"),
        ("照片.jpg", JPEG + HTML, "active_content"),
        ("截图.png", PNG + b"\n" + HTML, "active_content"),
        ("截图.png", PNG[:60], "damaged"),
        ("调研报告.docx", office("docx", {"word/media/setup.exe": EXE}), "active_content"),
        ("调研报告.docx", office("docx", {"word/media/image1.png": EXE}), "active_content"),
        ("调研报告.docx", office("docx", {"word/afchunk.html": HTML}), "active_content"),
        ("调研报告.docx", office("docx", {"word/media/page.xml": HTML}), "active_content"),
        (
            "统计表.xlsx",
            office("xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
            "active_content",
        ),
        (
            "调研报告.docx",
            office("docx", defaults='<Default Extension="htm" ContentType="text/html"/>'),
            "active_content",
        ),
        ("说明.pdf", b"%PDF-1.7\n" + HTML, "damaged"),
        ("说明.pdf", pdf_with("/OpenAction<</S/JavaScript/JS(app.alert(1))>>"), "active_content"),
        ("说明.pdf", pdf_with("/OpenAction<</S/J#61vaScript/JS(x)>>"), "active_content"),
        ("说明.pdf", pdf_with("/OpenAction<</S/Launch/F(cmd.exe)>>"), "active_content"),
        ("说明.pdf", pdf_with("/Names<</EmbeddedFiles<</Names[]>>>>"), "active_content"),
    ],
)
def test_containers_with_hostile_content_are_refused(name, content, code):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload(name, content))
    assert refused.value.code == code
    assert name in refused.value.message


def test_a_renamed_web_page_is_not_a_pdf():
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("说明.pdf", HTML))
    assert refused.value.code == "bad_type"


def test_a_forty_megapixel_photo_is_refused_before_it_is_decoded(huge_jpeg):
    with pytest.raises(ValidationError) as refused:
        validate_attachment(upload("高清照片.jpg", huge_jpeg))
    assert refused.value.code == "too_many_pixels"


def test_a_phone_photo_of_twenty_megapixels_is_accepted():
    assert validate_attachment(upload("现场照片.jpg", picture_of("JPEG", (5472, 3648)))) == "jpg"


def test_a_real_pdf_and_a_document_with_a_picture_are_accepted():
    assert validate_attachment(upload("一页.pdf", pdf_with(""))) == "pdf"
    document = office("docx", {"word/media/image1.png": PNG})
    assert validate_attachment(upload("带图.docx", document)) == "docx"
