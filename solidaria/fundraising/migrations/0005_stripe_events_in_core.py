from django.db import migrations

BATCH = 2000


def to_core(apps, schema_editor):
    """The ids of the events already applied go with them: Stripe may still deliver
    one again, and it must change nothing then either. (Their arrival time becomes
    the migration's: nothing reads it.)"""
    Old = apps.get_model("fundraising", "StripeEvent")
    New = apps.get_model("core", "StripeEvent")
    New.objects.bulk_create(
        [_copy(New, e) for e in Old.objects.order_by("pk").iterator(chunk_size=BATCH)],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


def _copy(New, event):
    return New(event_id=event.event_id, type=event.type)


def to_fundraising(apps, schema_editor):
    Old = apps.get_model("fundraising", "StripeEvent")
    New = apps.get_model("core", "StripeEvent")
    Old.objects.bulk_create(
        [Old(event_id=e.event_id, type=e.type) for e in New.objects.iterator(chunk_size=BATCH)],
        batch_size=BATCH,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    """Stripe's webhook and its event ids moved to core (core.payments), shared by
    the fund's gifts and the buying rounds' orders."""

    dependencies = [
        ("fundraising", "0004_donation_supporter_covering_index"),
        ("core", "0004_stripe_event"),
    ]

    operations = [
        migrations.RunPython(to_core, to_fundraising),
        migrations.DeleteModel(name="StripeEvent"),
    ]
