"""An order keeps its card payment: the payment intent (refunds and disputes find
the order by it), what arrived and what was refunded, and whether the payment could
not count or is disputed.

Orders paid by card before this kept the payment only in the audit log: the data
step copies it from there (the entries card.py wrote when the payment arrived, and
those of refunds), so that refunds and disputes of earlier payments still find
their order, and payments that could not count show in the console."""

from django.db import migrations, models

# The audit entries card.py wrote when a payment arrived, and what each meant.
PAYMENT_ACTIONS = {
    "cooperatives.order_card_paid": "",
    "cooperatives.order_card_amount_differs": "amount_differs",
    "cooperatives.order_card_paid_when_cancelled": "paid_cancelled",
}
REFUND_ACTION = "cooperatives.order_card_refunded"


def _order_id(object_id):
    return int(object_id) if object_id.isascii() and object_id.isdecimal() else None


def copy_card_payments_from_the_audit_log(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    Order = apps.get_model("cooperatives", "Order")
    # Oldest first: an order's latest entry is the one that stays.
    payments = (
        AuditEntry.objects.filter(action__in=list(PAYMENT_ACTIONS))
        .order_by("pk")
        .values_list("action", "object_id", "data")
    )
    for action, object_id, data in payments.iterator():
        order_id = _order_id(object_id)
        if order_id is None or not isinstance(data, dict):
            continue
        received = data.get("paid_minor")
        Order.objects.filter(pk=order_id, payment="card").update(
            stripe_payment_intent_id=str(data.get("payment_intent") or "")[:255],
            card_received_minor=received if isinstance(received, int) else None,
            card_received_currency=str(data.get("currency") or "")[:3],
            card_payment_problem=PAYMENT_ACTIONS[action],
        )
    refunds = (
        AuditEntry.objects.filter(action=REFUND_ACTION)
        .order_by("pk")
        .values_list("object_id", "data")
    )
    for object_id, data in refunds.iterator():
        order_id = _order_id(object_id)
        refunded = data.get("refunded_minor") if isinstance(data, dict) else None
        if order_id is not None and isinstance(refunded, int):
            Order.objects.filter(pk=order_id, payment="card").update(card_refunded_minor=refunded)


class Migration(migrations.Migration):
    dependencies = [
        ("cooperatives", "0004_order_follow_up"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="stripe_payment_intent_id",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=255),
        ),
        migrations.AddField(
            model_name="order",
            name="card_received_minor",
            field=models.BigIntegerField(
                blank=True, null=True, verbose_name="received by card (in cents)"
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="card_received_currency",
            field=models.CharField(blank=True, max_length=3, verbose_name="currency received"),
        ),
        migrations.AddField(
            model_name="order",
            name="card_refunded_minor",
            field=models.BigIntegerField(default=0, verbose_name="refunded by card (in cents)"),
        ),
        migrations.AddField(
            model_name="order",
            name="card_payment_problem",
            field=models.CharField(
                blank=True,
                choices=[
                    ("amount_differs", "paid, but not the order's total"),
                    ("paid_cancelled", "paid after the order was cancelled"),
                ],
                max_length=16,
                verbose_name="card payment problem",
            ),
        ),
        migrations.AddField(
            model_name="order",
            name="card_dispute",
            field=models.CharField(
                blank=True,
                choices=[
                    ("open", "disputed: the card holder's bank holds the money back"),
                    ("won", "dispute won: the money came back"),
                    ("lost", "dispute lost: the money went back to the card holder"),
                ],
                max_length=8,
                verbose_name="card dispute",
            ),
        ),
        migrations.RunPython(
            copy_card_payments_from_the_audit_log, migrations.RunPython.noop, elidable=True
        ),
    ]
