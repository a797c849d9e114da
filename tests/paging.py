"""Walking a paged list the way a person does: follow Next to the end, then Previous back."""


def walk_keyset(
    client, url: str, *, rows: str, key, page: str = "page", params: dict | None = None
):
    """Follow the Next links of a keyset-paged list from its first page. Returns the keys of
    the rows in the order shown and the pages, after walking back to the start with Previous
    and checking each page shows the same rows both ways."""
    base = "&".join(f"{k}={v}" for k, v in (params or {}).items())
    seen, pages, shown = [], [], []
    query = base
    while True:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, response.status_code
        current = response.context[page]
        keys = [key(row) for row in response.context[rows]]
        pages.append(current)
        shown.append(keys)
        seen += keys
        if current.next_query is None:
            break
        query = current.next_query
    for n in range(len(pages) - 1, 0, -1):
        response = client.get(f"{url}?{pages[n].previous_query}")
        assert [key(row) for row in response.context[rows]] == shown[n - 1]
    return seen, pages


def spans(total: int, size: int) -> list[tuple[int, int, int]]:
    """(first row, last row, total) of each page of `total` rows, `size` to a page."""
    return [(start + 1, min(start + size, total), total) for start in range(0, total, size)]
