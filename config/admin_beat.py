"""django-celery-beat's schedules as office staff keep them in the admin, in Chinese.

Staff decide whether and when a task runs; which task, its arguments and its queue are a
developer's matter, so office staff see the name, the task (by what it does), whether it is on,
and its schedule in words, while superusers keep django-celery-beat's whole form. The package's
own catalog leaves its help texts half in English (True, None, JSON…), its cron fields' help
entirely, and describes a crontab as `0 18 * * * (m/h/dM/MY/d) Asia/Shanghai`: the portal says
每天 18:00（北京时间） instead, wherever a crontab is shown (lists, selects, titles).
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin
from django.utils.dates import MONTHS, WEEKDAYS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from core.admin_display import local_datetime

#: What each scheduled task does, as staff read it instead of its dotted path.
TASK_LABELS = {
    "core.tasks.send_notification_emails": _("Send the notification emails"),
    "core.tasks.send_deliveries": _("Send emails and text messages waiting in the outbox"),
    "core.tasks.sweep_deliveries": _("Send again what the outbox could not send yet"),
    "core.tasks.purge_expired_audit_entries": _("Delete audit entries past their retention period"),
    "members.tasks.send_activity_reminders": _("Remind members of tomorrow's activities"),
    "residents.tasks.erase_expired_personal_data": _(
        "Erase residents' names and phones after the retention period"
    ),
    "studios.tasks.erase_expired_visitor_data": _(
        "Erase studio visitors' names and phones after the retention period"
    ),
    "studios.booking_tasks.erase_expired_appointment_personal_data": _(
        "Erase the names and phones of residents' studio appointments after the retention period"
    ),
}

_NUMBERS = re.compile(r"^\d+(,\d+)*$")


def _numbers(field: str) -> list[int] | None:
    return [int(part) for part in field.split(",")] if _NUMBERS.match(field) else None


def _zone_label(zone) -> str:
    return gettext("Beijing time") if str(zone) == settings.TIME_ZONE else str(zone)


def crontab_text(crontab: CrontabSchedule) -> str:
    """A crontab in words: 每天 18:00（北京时间）, 每周一、周三 09:00, 每月1日 08:00…; other
    patterns field by field in Chinese."""
    minute, hour = _numbers(crontab.minute), _numbers(crontab.hour)
    days, months = _numbers(crontab.day_of_month), _numbers(crontab.month_of_year)
    weekdays = _numbers(crontab.day_of_week)
    rest = (crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    if minute and hour and len(minute) == len(hour) == 1:
        time = f"{hour[0]:02d}:{minute[0]:02d}"
        if rest == ("*", "*", "*"):
            when = gettext("every day at %(time)s") % {"time": time}
        elif weekdays and rest[:2] == ("*", "*"):
            # Cron counts Sunday as 0 or 7, Monday as 1; Django's WEEKDAYS start on Monday (0).
            names = "、".join(str(WEEKDAYS[(day - 1) % 7]) for day in weekdays)
            when = gettext("every %(weekdays)s at %(time)s") % {"weekdays": names, "time": time}
        elif days and rest[1:] == ("*", "*"):
            when = gettext("on day %(days)s of every month at %(time)s") % {
                "days": "、".join(map(str, days)),
                "time": time,
            }
        elif days and months and rest[2] == "*":
            when = gettext("on day %(days)s of %(months)s at %(time)s") % {
                "days": "、".join(map(str, days)),
                "months": "、".join(str(MONTHS[month]) for month in months if month in MONTHS),
                "time": time,
            }
        else:
            when = None
    else:
        when = None
    if when is None:
        when = gettext(
            "minute %(minute)s, hour %(hour)s, day of month %(days)s, month %(months)s, "
            "day of week %(weekdays)s"
        ) % {
            "minute": crontab.minute,
            "hour": crontab.hour,
            "days": crontab.day_of_month,
            "months": crontab.month_of_year,
            "weekdays": crontab.day_of_week,
        }
    return gettext("%(when)s (%(zone)s)") % {"when": when, "zone": _zone_label(crontab.timezone)}


def describe_crontabs_in_chinese() -> None:
    """The one place where a crontab turns into text for people: its str() (selects, titles,
    breadcrumbs, a periodic task's str()) and django-celery-beat's `human_readable`."""
    CrontabSchedule.__str__ = crontab_text
    CrontabSchedule.human_readable = property(crontab_text)


class TaskSelectWidget(beat_admin.TaskSelectWidget):
    def tasks_as_choices(self):
        choices = super().tasks_as_choices()
        return tuple((name, TASK_LABELS.get(name, name) if name else "") for name, _ in choices)


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    regtask = beat_admin.TaskChoiceField(label=_("Task"), required=False, widget=TaskSelectWidget)

    #: Help texts in place of the package's, which speak of True, False and None.
    HELP_TEXTS = {
        "name": _("A name that says what this schedule is for."),
        "enabled": _("Untick to stop running this task until it is ticked again."),
        "one_off": _("Run the task once at the scheduled time, then stop."),
        "start_time": _("Leave empty to start at once."),
        "crontab": _("When the task runs. Use either a time of day or an interval, not both."),
        "interval": _("How often the task runs, instead of a time of day."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, text in self.HELP_TEXTS.items():
            if name in self.fields:
                self.fields[name].help_text = text
        if "task" not in self.fields and self.instance.task:
            self.fields["regtask"].initial = self.instance.task

    def clean(self):
        if "task" not in self.fields:
            # The task is chosen from the registered ones only.
            self.cleaned_data.setdefault("task", "")
        data = super().clean()
        self.instance.task = data["task"]
        return data


class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin):
    form = PeriodicTaskForm
    list_display = ("name", "enabled", "schedule_text", "last_run_at", "total_run_count")
    list_filter = ("enabled", "one_off")
    search_fields = ("name", "description")
    readonly_fields = ("last_run_at", "last_run", "total_run_count", "crontab_translation")

    OFFICE_FIELDSETS = (
        (None, {"fields": ("name", "regtask", "enabled", "description")}),
        (
            _("Schedule"),
            {"fields": ("crontab", "interval", "start_time", "one_off", "last_run")},
        ),
    )

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        return self.OFFICE_FIELDSETS

    @admin.display(description=_("last run at"))
    def last_run(self, obj):
        # In place of the read-only field, whose help text (the package's) speaks of enabled,
        # False and None; a model field's text cannot change without a migration of its own.
        return local_datetime(obj.last_run_at, self.get_empty_value_display())

    @admin.display(description=_("schedule"))
    def schedule_text(self, obj):
        return str(obj.crontab or obj.interval or obj.solar or obj.clocked or "")


class CrontabScheduleForm(forms.ModelForm):
    class Meta:
        model = CrontabSchedule
        fields = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week", "timezone")
        help_texts = {
            "minute": _("Minutes of the hour, 0–59; several separated by commas; * for every."),
            "hour": _("Hours of the day, 0–23; several separated by commas; * for every."),
            "day_of_month": _("Days of the month, 1–31; * for every day."),
            "month_of_year": _("Months, 1–12; * for every month."),
            "day_of_week": _("Days of the week, 1 (Monday) to 7 (Sunday); * for every day."),
        }

    timezone = forms.ChoiceField(label=_("time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The committee works on Beijing time; another zone stays as it was, never offered.
        choices = [(settings.TIME_ZONE, gettext("Beijing time"))]
        current = str(self.instance.timezone) if self.instance.pk else settings.TIME_ZONE
        if current != settings.TIME_ZONE:
            choices.append((current, current))
        self.fields["timezone"].choices = choices
        self.fields["timezone"].initial = current


class CrontabScheduleAdmin(admin.ModelAdmin):
    """Without the package's inline of the tasks using the schedule: it lists their dotted
    task paths and arguments; each task's page says which schedule it uses."""

    form = CrontabScheduleForm
    list_display = ("__str__",)


class IntervalScheduleAdmin(admin.ModelAdmin):
    list_display = ("__str__",)
    fields = ("every", "period")


def register(site: admin.AdminSite) -> None:
    """Put the portal's admins in place of django-celery-beat's own."""
    describe_crontabs_in_chinese()
    for model, model_admin in (
        (PeriodicTask, PeriodicTaskAdmin),
        (CrontabSchedule, CrontabScheduleAdmin),
        (IntervalSchedule, IntervalScheduleAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
