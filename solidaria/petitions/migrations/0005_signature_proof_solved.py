# Whether a signature came with a solved proof of work.
#
# Existing rows get False. Until now, a signature sent without a proof was
# stored exactly like one with a solved proof, so for no existing row do we know
# that a proof was solved; True would let any bot's signatures pass for proven.
# What False costs: the suspicious-activity view counts the signatures of the
# last 10 minutes and 24 hours after the upgrade as "without proof", and the few
# signatures still waiting for the tick's judgement when it runs are held to the
# stricter limits (an organiser can accept the suspect ones as genuine).
#
# PostgreSQL (11 and later) adds the column without rewriting the table; SQLite
# copies the table, which for a million signatures takes some seconds.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('petitions', '0004_signature_lighter_indexes'),
    ]

    operations = [
        migrations.AddField(
            model_name='signature',
            name='proof_solved',
            field=models.BooleanField(default=False, verbose_name='proof of work solved'),
        ),
    ]
