"""Every table on a page sits in a scrollable region that is named and focusable, so on a phone
it scrolls inside itself (not the page) and a keyboard can scroll it (issue 7). PDFs excepted."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
REGION = re.compile(
    r'<div class="app-table-scroll" role="region" aria-label="[^"]+" tabindex="0">\s*<table\b'
)


def test_every_page_table_is_in_a_named_scroll_region():
    unwrapped = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if "pdf" in path.relative_to(TEMPLATES).parts:
            continue
        text = path.read_text()
        tables = len(re.findall(r"<table\b", text))
        if tables != len(REGION.findall(text)):
            unwrapped.append(str(path.relative_to(TEMPLATES)))
    assert not unwrapped, f"wrap these tables in the app-table-scroll region: {unwrapped}"
