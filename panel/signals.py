"""Signals the panel sends for the layer above it (`workflows/`), which it never imports.

`decisions_confirmed(meeting, decisions, by)`: the chair confirmed a meeting's decisions, in the
confirming transaction. The flows start what follows each funded decision: a task for each funding
agency to set up its payment, and the funding review when it falls due.
"""

from django.dispatch import Signal

decisions_confirmed = Signal()
