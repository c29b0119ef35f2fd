from django.dispatch import Signal

# Sent with `supporter=`; receivers return a dict of extra export sections.
supporter_exporting = Signal()
# Sent with `supporter=` inside the erasure transaction; receivers delete their data.
supporter_erasing = Signal()
