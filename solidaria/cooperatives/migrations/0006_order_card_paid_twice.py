"""A card payment that arrives for an order marked paid by hand is kept as a problem
to check (paid twice?), as one of another amount is."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cooperatives', '0005_order_card_payment'),
    ]

    operations = [
        migrations.AlterField(
            model_name='order',
            name='card_payment_problem',
            field=models.CharField(blank=True, choices=[('amount_differs', "paid, but not the order's total"), ('paid_cancelled', 'paid after the order was cancelled'), ('paid_twice', 'paid by card after it was marked paid: paid twice?')], max_length=16, verbose_name='card payment problem'),
        ),
    ]
