"""Signals ehcp sends for the layers above it, which ehcp never imports (see links.py).

`episode_dates_changed(sender=<the episode's model>, episode=<an Assessment or a Review>)`: a fact
recorded after a step was opened moved one of the episode's statutory dates (a mediation
certificate extends the time to appeal against a cease). Sent inside the transaction that changed
the date, after the episode is saved, so whatever follows the dates (the open steps' due dates and
their chasers, in workflows/chasers.py) changes with it or not at all.
"""

from django.dispatch import Signal

episode_dates_changed = Signal()
