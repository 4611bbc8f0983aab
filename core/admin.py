from django.contrib import admin

from .models import WorkdayException


@admin.register(WorkdayException)
class WorkdayExceptionAdmin(admin.ModelAdmin):
    """Days the office works or rests against the calendar: a year's holidays and make-up days
    before the calendar package knows them, or a local decision."""

    list_display = ("date", "is_working_day", "note")
    list_filter = ("is_working_day",)
    search_fields = ("note",)
    date_hierarchy = "date"
