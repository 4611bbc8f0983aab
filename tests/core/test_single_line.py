"""No single-line text anywhere takes a control character (a line break in a title once
stopped its notification emails); the mail subject is made safe all the same."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core import tasks
from core.models import Notification
from core.validators import PROJECT_APPS, validate_single_line
from opinions import services as opinion_services
from opinions.models import Bulletin, OpinionReport
from tests.members.factories import MemberFactory, OfficeStaffFactory
from tests.opinions.factories import DepartmentFactory, HandlerFactory, OpinionReportFactory

REFUSED = "不能包含控制字符（如换行）"
# Log-in forms store nothing: a user name or code with a control character matches no one.
NOT_STORED = {
    "members.forms.LoginForm.username",
    "members.otp.StaffLoginForm.username",
    "members.otp.StaffLoginForm.otp_token",
    "members.otp.TokenForm.token",
}
HOSTILE = [
    "关于\r\nBcc: x@example.cn",
    "标题\n第二行",
    "制表\t符",
    "空\x00字节",
    "删除\x7f",
    "行\u2028分隔",
]


def _project_form_classes() -> list[type[forms.BaseForm]]:
    for app_label in PROJECT_APPS:
        package = importlib.import_module(apps.get_app_config(app_label).name)
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)
    found, pending = set(), [forms.BaseForm]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.split(".")[0] in PROJECT_APPS:
                found.add(sub)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_model_text_field_of_the_project_refuses_control_characters():
    checked = []
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if isinstance(field, models.CharField):
                assert validate_single_line in field.validators, f"{model.__name__}.{field.name}"
                checked.append(field)
    assert len(checked) > 30


def test_every_single_line_form_field_of_the_project_refuses_control_characters():
    missing, checked = [], 0
    for form_class in _project_form_classes():
        model = getattr(getattr(form_class, "_meta", None), "model", None)
        for name, field in form_class.base_fields.items():
            if not isinstance(field, forms.CharField):
                continue
            if isinstance(field.widget, forms.Textarea | forms.PasswordInput):
                continue  # several lines by design, or a password
            checked += 1
            if validate_single_line in field.validators:
                continue
            if model is not None:
                # A model form runs the model field's validators in full_clean.
                try:
                    if validate_single_line in model._meta.get_field(name).validators:
                        continue
                except Exception:  # noqa: S110 - a form-only field: reported below
                    pass
            label = f"{form_class.__module__}.{form_class.__qualname__}.{name}"
            if label not in NOT_STORED:
                missing.append(label)
    assert checked > 15
    assert not missing, missing


@pytest.mark.django_db
@pytest.mark.parametrize("title", HOSTILE)
def test_a_member_cannot_save_a_report_title_with_a_control_character(client, title):
    member = MemberFactory()
    client.force_login(member.user)
    response = client.post(
        reverse("opinions:report_create"),
        {"title": title, "content": "正文第一行\r\n正文第二行", "category": "urban"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not OpinionReport.objects.exists()


@pytest.mark.django_db
def test_office_staff_cannot_save_a_bulletin_title_with_a_line_break_in_the_admin(client):
    client.force_login(OfficeStaffFactory())
    today = timezone.localdate()
    response = client.post(
        reverse("admin:opinions_bulletin_add"),
        {"year": today.year, "title": "第一期\r\n附言", "published_on": today.isoformat()},
    )
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not Bulletin.objects.exists()


@pytest.mark.django_db
def test_a_title_with_a_line_break_still_sends_its_email_on_one_line():
    """Rows stored before the check (or written by code that skips it) still get their mail."""
    member = MemberFactory()
    department = DepartmentFactory()
    HandlerFactory(department=department)
    office = OfficeStaffFactory()
    report = OpinionReportFactory(
        author=member, state="in_review", title="关于路灯\r\nBcc: evil@example.cn\u2028的建议"
    )
    opinion_services.opinion_report_forward(
        report=report,
        actor=office,
        department=department,
        reply_due=timezone.localdate() + datetime.timedelta(days=7),
    )
    ids = list(Notification.objects.values_list("pk", flat=True))

    assert tasks.send_notification_emails(ids) == len(ids) == 2
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "\u2028" not in message.subject
        assert "关于路灯 Bcc: evil@example.cn 的建议" in message.subject
        assert message.bcc == []
        message.message()  # the headers Django would send: no BadHeaderError
