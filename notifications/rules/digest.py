"""The weekly digest's lines, from its figures alone (pure): counts, never names or case details.

The figures are `Notification.context` of a WEEKLY_DIGEST row, written by workflows.digest."""

# (figure, singular, plural), in the order they are shown: what is late first.
FIGURES = (
    ("overdue", "1 task is overdue", "{n} tasks are overdue"),
    ("due_this_week", "1 task is due this week", "{n} tasks are due this week"),
    (
        "reassigned",
        "1 task was reassigned to you last week",
        "{n} tasks were reassigned to you last week",
    ),
    (
        "team_overdue",
        "1 task in your team's queue is overdue and nobody has claimed it",
        "{n} tasks in your team's queue are overdue and nobody has claimed them",
    ),
    (
        "team_due_this_week",
        "1 task in your team's queue is due this week and nobody has claimed it",
        "{n} tasks in your team's queue are due this week and nobody has claimed them",
    ),
)
FIGURE_NAMES = tuple(name for name, _, _ in FIGURES)


def digest_lines(context: dict) -> list[str]:
    """One line per figure that is not zero. Anything in `context` that is not one of the
    figures, or not a whole number, is ignored: only counts are ever written into a message."""
    lines = []
    for name, one, many in FIGURES:
        n = context.get(name)
        if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
            continue
        lines.append(one if n == 1 else many.format(n=n))
    return lines
