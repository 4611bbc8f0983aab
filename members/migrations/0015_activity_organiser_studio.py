import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0014_term_filter_index'),
        ('studios', '0001_studios'),
    ]

    operations = [
        migrations.AlterField(
            model_name='activity',
            name='organiser_group',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='members.group', verbose_name='organising group'),
        ),
        migrations.AddField(
            model_name='activity',
            name='organiser_studio',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='studios.studio'),
        ),
    ]
