"""Pure rules for the Joint Agency Panel: money, quorum and decisions (no ORM, no clock)."""
