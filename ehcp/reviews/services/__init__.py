"""The review episode's services: each owns its transaction, changes the review's status through
its FSM transitions and records who, when and why (django-simple-history)."""
