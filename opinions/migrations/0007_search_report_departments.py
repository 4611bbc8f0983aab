"""A report forwarded to several departments at once: the existing department becomes the lead,
co-handling departments are added, and each department's reply is a row of its own
(ReportReply), which may carry the reply letter. The feedback text of reports answered before
becomes their lead department's reply, dated when it was received.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def feedback_to_lead_reply(apps, schema_editor):
    OpinionReport = apps.get_model("opinions", "OpinionReport")
    ReportReply = apps.get_model("opinions", "ReportReply")
    answered = OpinionReport.objects.exclude(feedback="").filter(department__isnull=False)
    for report in answered.iterator():
        reply = ReportReply.objects.create(
            report=report, department_id=report.department_id, is_lead=True, text=report.feedback
        )
        if report.feedback_at is not None:
            # created_at is auto_now_add: keep the day the feedback really came.
            ReportReply.objects.filter(pk=reply.pk).update(created_at=report.feedback_at)


def lead_reply_to_feedback(apps, schema_editor):
    OpinionReport = apps.get_model("opinions", "OpinionReport")
    ReportReply = apps.get_model("opinions", "ReportReply")
    for reply in ReportReply.objects.filter(is_lead=True).iterator():
        OpinionReport.objects.filter(pk=reply.report_id).update(feedback=reply.text)


class Migration(migrations.Migration):

    dependencies = [
        ('opinions', '0006_search_trigram_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='opinionreport',
            name='co_departments',
            field=models.ManyToManyField(blank=True, related_name='cohandled_reports', to='opinions.department', verbose_name='co-handling departments'),
        ),
        migrations.AlterField(
            model_name='opinionreport',
            name='department',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='opinion_reports', to='opinions.department', verbose_name='lead handling department'),
        ),
        migrations.AlterField(
            model_name='opinionreport',
            name='feedback_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='every department replied at'),
        ),
        migrations.CreateModel(
            name='ReportReply',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('is_lead', models.BooleanField(default=False, verbose_name="lead department's reply")),
                ('text', models.TextField(verbose_name='reply')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='replied at')),
                ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='opinions.department', verbose_name='department')),
                ('replied_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='entered by')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='replies', to='opinions.opinionreport', verbose_name='report')),
            ],
            options={
                'verbose_name': "department's reply",
                'verbose_name_plural': "departments' replies",
                'ordering': ['-is_lead', 'created_at', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('report', 'department'), name='report_reply_once_per_department')],
            },
        ),
        migrations.RunPython(feedback_to_lead_reply, lead_reply_to_feedback),
        migrations.RemoveField(
            model_name='opinionreport',
            name='feedback',
        ),
    ]
