"""Pure rules of the review episode: no ORM, no clock (the statutory periods themselves are in
`ehcp.assessments.rules.deadlines`, beside the assessment's)."""
