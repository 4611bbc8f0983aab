import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('opinions', '0007_search_report_departments'),
        ('studios', '0001_studios'),
    ]

    operations = [
        migrations.AddField(
            model_name='opinionreport',
            name='studio',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='opinion_reports', to='studios.studio', verbose_name='member studio'),
        ),
        migrations.AddField(
            model_name='proposal',
            name='studio',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='proposals', to='studios.studio', verbose_name='member studio'),
        ),
    ]
