"""The statutory assessment episode: request, decisions, advice, draft, consultation, final plan,
and the lawful exceptions to its clock."""
