from django.db import migrations, models


class Migration(migrations.Migration):
    """Stripe's event ids, for every app that takes cards (they were the fund's:
    fundraising 0005 copies them here)."""

    dependencies = [
        ("core", "0003_outgoing_email_batches"),
    ]

    operations = [
        migrations.CreateModel(
            name="StripeEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("event_id", models.CharField(max_length=255, unique=True)),
                ("type", models.CharField(max_length=100)),
                ("received_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
