"""Static files: what `collectstatic` collects can be post-processed by the production storage.

The production storage (whitenoise's CompressedManifestStaticFilesStorage) rewrites every
``url(...)`` in a collected stylesheet to the hashed name of the file it points at, and stops the
whole `collectstatic` when that file is not collected. The full run takes minutes (CI does it in
scripts/smoke_production.sh); this checks the same thing in a second.
"""

import posixpath
import re

from django.apps import apps
from django.contrib.staticfiles.finders import get_finders

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_URL = re.compile(r"""url\(\s*(['"]?)\s*([^'")]+?)\s*\1\s*\)""")


def collected_files() -> dict[str, object]:
    """Every path `collectstatic` would collect, with the storage it comes from (first wins)."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    files: dict[str, object] = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            files.setdefault(path.replace("\\", "/"), storage)
    return files


def missing_references(files: dict[str, object]) -> list[str]:
    problems = []
    for path, storage in files.items():
        if not path.endswith(".css"):
            continue
        with storage.open(path) as handle:
            css = _COMMENT.sub("", handle.read().decode("utf-8", errors="replace"))
        for _, url in _URL.findall(css):
            if url.startswith(("data:", "#", "/", "http:", "https:", "//")):
                continue
            target = posixpath.normpath(
                posixpath.join(posixpath.dirname(path), url.split("?")[0].split("#")[0])
            )
            if target not in files:
                problems.append(f"{path} -> {url}")
    return problems


def test_collected_stylesheets_reference_only_collected_files():
    files = collected_files()
    assert "css/app.css" in files and "govuk/govuk-frontend.min.css" in files
    assert missing_references(files) == []


def test_viewflow_stray_roboto_copy_is_not_collected_but_its_real_stylesheet_is():
    files = collected_files()
    assert "viewflow/fonts/roboto/roboto-fontface.css" in files
    assert "viewflow/fonts/roboto/Roboto-Regular.woff2" in files
    assert not [path for path in files if path.startswith("viewflow/fonts/roboto/node_modules/")]
