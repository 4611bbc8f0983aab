from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from core.models import TimelineEntry
from core.workflow import timeline_add
from residents import places, services
from residents.models import IssuePhoto, ResidentIssue
from tests.members.factories import MemberFactory, OfficeStaffFactory

from .conftest import CAPTCHA_PASSED, solved
from .factories import CommunityFactory, StreetFactory

NEW = reverse("residents:new")
TRACK = reverse("residents:track")


def _data(street, **overrides) -> dict:
    data = {
        "category": ResidentIssue.Category.PUBLIC_FACILITIES,
        "street": street.pk,
        "community": "",
        "place": "和平里3号楼东门",
        "description": "路灯坏了一个多月，晚上出门很黑。",
        "name": "",
        "mobile": "",
        **CAPTCHA_PASSED,
    }
    data.update(overrides)
    return data


def _image(fmt="JPEG", size=(64, 48), exif=None, name="photo.jpg") -> SimpleUploadedFile:
    buffer = BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    if exif is not None:
        image.save(buffer, format=fmt, exif=exif)
    else:
        image.save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _files_on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def _assert_nothing_written(settings):
    assert ResidentIssue.objects.count() == 0
    assert IssuePhoto.objects.count() == 0
    assert TimelineEntry.objects.count() == 0
    assert _files_on_disk(settings) == []


# --- The form -----------------------------------------------------------------------------------


def test_form_page_lists_categories_streets_and_the_anti_robot_check(client, community):
    response = client.get(NEW)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<altcha-widget" in html and reverse("residents:antirobot_challenge") in html
    assert community.name in html and community.street.name in html
    for value in ResidentIssue.Category.values:
        assert f'value="{value}"' in html


def test_form_page_query_count_does_not_grow_with_streets_and_communities(client, db):
    StreetFactory()
    CommunityFactory()
    with CaptureQueriesContext(connection) as few:
        client.get(NEW)
    for _ in range(10):
        street = StreetFactory()
        CommunityFactory.create_batch(3, street=street)
    places.forget()  # what the commit of those changes does (tests run inside a transaction)

    with CaptureQueriesContext(connection) as many:
        client.get(NEW)

    assert len(many) == len(few)


def test_submit_redirects_to_the_code_and_tracking_link(client, street, community):
    response = client.post(NEW, _data(street, community=community.pk))

    issue = ResidentIssue.objects.get()
    assert response.status_code == 302
    assert response.url == f"{reverse('residents:done')}?code={issue.tracking_code}"
    assert issue.community == community and issue.channel == ResidentIssue.Channel.WEB
    done = client.get(response.url)
    html = done.content.decode()
    assert issue.tracking_code in html
    assert f"/issues/track/?code={issue.tracking_code}" in html


def test_codes_are_random_not_sequential(client, street):
    codes = []
    for _ in range(5):
        client.post(NEW, _data(street))
    codes = list(ResidentIssue.objects.values_list("tracking_code", flat=True))

    assert len(set(codes)) == 5
    assert all(len(code) == 8 and not set(code) & set("01ILO") for code in codes)


def test_a_made_up_solution_is_refused_and_writes_nothing(client, street, settings):
    response = client.post(NEW, _data(street, altcha="eyJjaGFsbGVuZ2UiOnt9fQ=="))

    assert response.status_code == 200
    assert response.context["form"].errors["antirobot"]
    _assert_nothing_written(settings)


def test_real_solution_is_accepted(client, street, antirobot_real):
    response = client.post(NEW, _data(street, altcha=solved(client)))

    assert response.status_code == 302
    assert ResidentIssue.objects.count() == 1


def test_test_mode_answer_is_refused_outside_test_mode(client, street, settings):
    settings.CAPTCHA_TEST_MODE = False

    response = client.post(NEW, _data(street))

    assert response.status_code == 200
    _assert_nothing_written(settings)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("description", "长" * 2001),
        ("place", "路" * 201),
        ("name", "名" * 51),
        ("description", ""),
        ("mobile", "12345"),
    ],
)
def test_bad_text_is_refused_and_writes_nothing(client, street, settings, field, value):
    response = client.post(NEW, _data(street, consent="on", **{field: value}))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    _assert_nothing_written(settings)


def test_phone_without_consent_is_refused_and_typed_text_kept(client, street, settings):
    response = client.post(NEW, _data(street, mobile="13812345678"))

    assert response.status_code == 200
    assert "consent" in response.context["form"].errors
    assert "路灯坏了一个多月" in response.content.decode()
    _assert_nothing_written(settings)


def test_community_of_another_street_is_refused(client, street, settings):
    elsewhere = CommunityFactory(name="别的社区")

    response = client.post(NEW, _data(street, community=elsewhere.pk))

    assert "community" in response.context["form"].errors
    _assert_nothing_written(settings)


def test_photos_are_stored_reencoded_without_exif(client, street, settings):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (39.0, 54.0, 27.0)
    photo = _image(exif=exif, name="IMG_张大爷家门口.jpg")
    assert b"PhoneMaker" in photo.read()
    photo.seek(0)

    response = client.post(NEW, _data(street, photos=[photo, _image(fmt="PNG", name="b.png")]))

    assert response.status_code == 302
    stored = list(IssuePhoto.objects.all())
    assert len(stored) == 2
    for row in stored:
        raw = Path(row.image.path).read_bytes()
        assert b"PhoneMaker" not in raw and b"Exif" not in raw
        assert "张大爷" not in row.image.name
        with Image.open(row.image.path) as image:
            assert not image.getexif()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image at all", "image/jpeg"),
        SimpleUploadedFile("page.png", b"<html><script>alert(1)</script></html>", "image/png"),
        SimpleUploadedFile("doc.gif", b"GIF89a" + b"\x00" * 40, "image/gif"),
    ],
    ids=["exe-named-jpg", "html-named-png", "broken-gif"],
)
def test_non_images_are_refused_and_write_nothing(client, street, settings, upload):
    response = client.post(NEW, _data(street, photos=[upload]))

    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    _assert_nothing_written(settings)


def test_gif_and_truncated_images_are_refused(client, street, settings):
    buffer = BytesIO()
    Image.new("RGB", (40, 40)).save(buffer, format="GIF")
    gif = SimpleUploadedFile("a.gif", buffer.getvalue(), "image/gif")
    truncated_bytes = _image(size=(400, 400)).read()[:300]
    truncated = SimpleUploadedFile("cut.jpg", truncated_bytes, "image/jpeg")

    for upload in (gif, truncated):
        response = client.post(NEW, _data(street, photos=[upload]))
        assert "photos" in response.context["form"].errors

    _assert_nothing_written(settings)


def test_oversize_photo_is_refused_and_writes_nothing(client, street, settings):
    settings.RESIDENT_ISSUE_PHOTO_MAX_BYTES = 1000
    big = _image(size=(600, 600))
    assert big.size > 1000

    response = client.post(NEW, _data(street, photos=[big]))

    assert "photos" in response.context["form"].errors
    _assert_nothing_written(settings)


def test_more_than_three_photos_are_refused_and_write_nothing(client, street, settings):
    photos = [_image(name=f"{n}.jpg") for n in range(4)]

    response = client.post(NEW, _data(street, photos=photos))

    assert "photos" in response.context["form"].errors
    _assert_nothing_written(settings)


def test_typed_html_is_shown_as_text_when_the_form_comes_back(client, street):
    response = client.post(
        NEW, _data(street, description="<script>alert('x')</script>", mobile="1")
    )

    html = response.content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(" in html


# --- Rate limits ---------------------------------------------------------------------------------


def _message_in_site_language(text: str) -> str:
    with translation.override("zh-hans"):
        return gettext(text)


def test_submissions_over_the_rate_get_429_in_chinese_and_write_nothing(client, street, settings):
    settings.RESIDENT_ISSUE_SUBMIT_RATE = "2/m"
    for _ in range(2):
        assert client.post(NEW, _data(street)).status_code == 302

    response = client.post(NEW, _data(street))

    assert response.status_code == 429
    assert ResidentIssue.objects.count() == 2
    html = response.content.decode()
    assert 'lang="zh-hans"' in html
    assert (
        _message_in_site_language("Too many requests came from your network in a short time.")
        in html
    )
    assert settings.OFFICE_PHONE in html
    assert int(response["Retry-After"]) > 0
    # Another address is not held back by the first one.
    assert client.post(NEW, _data(street), REMOTE_ADDR="10.1.2.3").status_code == 302


def test_tracking_lookups_over_the_rate_get_429(client, street, settings):
    settings.RESIDENT_ISSUE_TRACK_RATE = "3/m"
    issue = services.issue_submit(
        actor=None,
        category="other",
        street=street,
        community=None,
        place="某处",
        description="某事",
    )
    for code in ("AAAAAAAA", "BBBBBBBB", issue.tracking_code):
        assert client.get(TRACK, {"code": code}).status_code in (200, 404)

    assert client.get(TRACK, {"code": issue.tracking_code}).status_code == 429
    # The empty form itself is not a lookup.
    assert client.get(TRACK).status_code == 200


# --- Tracking ------------------------------------------------------------------------------------


@pytest.fixture
def office(db):
    return OfficeStaffFactory()


def _issue(street, **fields):
    return services.issue_submit(
        actor=None,
        category=ResidentIssue.Category.PUBLIC_FACILITIES,
        street=street,
        community=None,
        place="和平里3号楼东门",
        description="路灯坏了。",
        **fields,
    )


def test_tracking_shows_state_dates_and_reply_but_no_personal_or_internal_data(
    client, street, office
):
    issue = _issue(street, name="张大爷", mobile="13812345678", consent=True)
    services.issue_accept(issue=issue, actor=office, note="内部：来电者是楼长")
    services.issue_close(issue=issue, actor=office, reply="路灯已修好。")

    response = client.get(TRACK, {"code": issue.tracking_code.lower()})

    html = response.content.decode()
    assert response.status_code == 200
    assert str(ResidentIssue.State.CLOSED.label) in html
    assert "路灯已修好。" in html
    assert "张大爷" not in html
    assert "13812345678" not in html and "138****5678" not in html
    assert "内部：来电者是楼长" not in html
    assert 'id="feedback-form"' in html


def test_unknown_code_says_not_found_with_the_same_queries_as_a_known_one(client, street):
    issue = _issue(street)
    with CaptureQueriesContext(connection) as known:
        found = client.get(TRACK, {"code": issue.tracking_code})
    with CaptureQueriesContext(connection) as unknown:
        missing = client.get(TRACK, {"code": "ZZZZZZZZ"})
    with CaptureQueriesContext(connection) as garbage:
        client.get(TRACK, {"code": "<b>x</b>"})

    assert found.status_code == 200
    assert missing.status_code == 404
    assert 'id="not-found"' in missing.content.decode()
    assert len(known) == len(unknown) == len(garbage)


def test_tracking_follows_the_report_the_issue_became_to_the_department_reply(
    client, street, office
):
    issue = _issue(street)
    services.issue_accept(issue=issue, actor=office)
    member = MemberFactory()
    services.issue_convert(
        issue=issue,
        actor=office,
        kind="opinion_report",
        member=member,
        title="关于修复和平里路灯的建议<b>",
        category="urban",
    )
    report = issue.links.get().opinion_report
    timeline_add(
        subject=report,
        actor=None,
        action="reply",
        note="区城管局：已于本周更换灯具。",
        actor_label="区城管局",
        is_public=True,
    )
    timeline_add(subject=report, actor=office, action="note", note="内部审稿意见", is_public=False)

    html = client.get(TRACK, {"code": issue.tracking_code}).content.decode()

    assert "关于修复和平里路灯的建议&lt;b&gt;" in html
    assert "区城管局：已于本周更换灯具。" in html
    assert "内部审稿意见" not in html


def test_tracking_query_count_does_not_grow_with_the_chain(client, street, office):
    issue = _issue(street)
    services.issue_accept(issue=issue, actor=office)
    with CaptureQueriesContext(connection) as short:
        client.get(TRACK, {"code": issue.tracking_code})
    for n in range(3):
        services.issue_convert(
            issue=issue,
            actor=office,
            kind="opinion_report" if n % 2 else "proposal",
            member=MemberFactory(),
            title=f"建议{n}",
            category="urban",
        )
    services.issue_route(
        issue=issue, actor=office, kind="member", target=MemberFactory(name="王秀英")
    )
    for link in issue.links.exclude(kind="member"):
        for _ in range(3):
            timeline_add(subject=link.target, actor=None, action="x", note="进展", is_public=True)

    with CaptureQueriesContext(connection) as long:
        response = client.get(TRACK, {"code": issue.tracking_code})

    assert response.content.decode().count("进展") == 9
    assert len(long) == len(short)


def test_merged_issue_code_shows_the_surviving_issue(client, street, office):
    merged, survivor = _issue(street), _issue(street)
    services.issue_merge(issue=merged, into=survivor, actor=office)
    services.issue_accept(issue=survivor, actor=office)
    services.issue_close(issue=survivor, actor=office, reply="两处路灯均已修复。")

    html = client.get(TRACK, {"code": merged.tracking_code}).content.decode()

    assert "两处路灯均已修复。" in html
    assert merged.tracking_code in html
    assert 'id="feedback-form"' in html


def test_feedback_is_asked_once_after_closing(client, street, office):
    issue = _issue(street)
    services.issue_close(issue=issue, actor=office, reply="不属于受理范围，已告知有关部门。")

    response = client.post(
        reverse("residents:feedback"), {"code": issue.tracking_code, "answer": "unsolved"}
    )
    again = client.post(
        reverse("residents:feedback"), {"code": issue.tracking_code, "answer": "solved"}
    )

    assert response.status_code == again.status_code == 200
    issue.refresh_from_db()
    assert issue.satisfaction == "unsolved"
    html = client.get(TRACK, {"code": issue.tracking_code}).content.decode()
    assert 'id="feedback-form"' not in html and 'id="feedback-given"' in html


def test_feedback_not_asked_while_open(client, street):
    issue = _issue(street)

    html = client.get(TRACK, {"code": issue.tracking_code}).content.decode()
    client.post(reverse("residents:feedback"), {"code": issue.tracking_code, "answer": "solved"})

    assert 'id="feedback-form"' not in html
    issue.refresh_from_db()
    assert issue.satisfaction == ""


def test_home_page_leads_residents_to_the_form_and_tracking(client, db):
    html = client.get("/").content.decode()

    assert f'href="{NEW}"' in html
    assert f'href="{TRACK}"' in html


def _plain_picture(fmt: str, size: tuple[int, int], name: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("L", size, 0).save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize(
    "upload",
    [
        lambda: _plain_picture("JPEG", (7300, 5480), "forty-megapixels.jpg"),
        lambda: _plain_picture("PNG", (4000, 4000), "sixteen-megapixel-screenshot.png"),
    ],
    ids=["40-MP-jpeg", "16-MP-png"],
)
def test_pictures_beyond_the_decoding_budget_are_refused_and_write_nothing(
    client, street, settings, upload
):
    response = client.post(NEW, _data(street, photos=[upload()]), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert "像素过多" in " ".join(response.context["form"].errors["photos"])
    _assert_nothing_written(settings)


def test_a_twenty_megapixel_phone_photo_is_stored_scaled_down(client, street, settings):
    photo = _plain_picture("JPEG", (5472, 3648), "IMG_0001.jpg")

    response = client.post(NEW, _data(street, photos=[photo]))

    assert response.status_code == 302
    with Image.open(IssuePhoto.objects.get().image.path) as stored:
        assert max(stored.size) == 2560
