"""Pure rules about agencies and the information sharing agreement: no ORM, no clock."""
