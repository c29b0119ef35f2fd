import django.db.models
from django.db import migrations, models

import solidaria.core.privacy.fields


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0003_round_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="follow_up_owed",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="order",
            name="email_owed",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="order",
            name="sealed_token",
            field=solidaria.core.privacy.fields.EncryptedTextField(
                blank=True, default="", editable=False
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=django.db.models.Q(("follow_up_owed", True)),
                fields=["id"],
                name="order_follow_up_owed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                condition=django.db.models.Q(("email_owed", True)),
                fields=["id"],
                name="order_email_owed_idx",
            ),
        ),
    ]
