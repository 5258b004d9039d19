"""Payments keep their application's funding year: paid per year is summed without a join.

Added nullable, filled from each payment's application (history rows too), then required.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('funding', '0005_application_and_payment_list_order_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpayment',
            name='funding_year',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='funding.fundingyear', verbose_name='funding year'),
        ),
        migrations.AddField(
            model_name='payment',
            name='funding_year',
            field=models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='funding.fundingyear', verbose_name='funding year'),
        ),
        migrations.RunSQL(
            [
                "UPDATE funding_payment SET funding_year_id = (SELECT a.funding_year_id FROM "
                "funding_fundingapplication a WHERE a.id = funding_payment.application_id)",
                "UPDATE funding_historicalpayment SET funding_year_id = (SELECT a.funding_year_id "
                "FROM funding_fundingapplication a "
                "WHERE a.id = funding_historicalpayment.application_id)",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name='payment',
            name='funding_year',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='funding.fundingyear', verbose_name='funding year'),
        ),
        migrations.AddIndex(
            model_name='payment',
            index=models.Index(fields=['funding_year'], include=('amount',), name='payment_year_amount'),
        ),
    ]
