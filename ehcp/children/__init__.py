"""The child: who they are, their parents, consent, and the child's page over every episode."""
