"""Static files: what `collectstatic` collects can be post-processed by the production storage.

The production storage (whitenoise's CompressedManifestStaticFilesStorage) rewrites every
``url(...)`` in a collected stylesheet to the hashed name of the file it points at, and stops the
whole `collectstatic` when that file is not collected. The full run takes minutes (CI does it in
scripts/smoke_production.sh); this checks the same thing in a second.
"""

import posixpath
import re

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

from config.storage import StaticFilesStorage

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


def missing_references(files: dict[str, object], *, skip=StaticFilesStorage.unprocessed_prefixes):
    """The url()s of the stylesheets the production storage post-processes that point at a file
    that is not collected (each would stop `collectstatic`)."""
    problems = []
    for path, storage in files.items():
        if not path.endswith(".css") or path.startswith(skip):
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


def test_production_uses_the_storage_that_leaves_viewflows_stray_roboto_copy_alone():
    # The stray copy references fonts that are not shipped: it is the one thing skipped.
    files = collected_files()
    stray = [path for path in files if path.startswith(StaticFilesStorage.unprocessed_prefixes)]
    assert stray, "viewflow no longer ships the stray copy: drop StaticFilesStorage"
    # ...and it is skipped because post-processing it would fail.
    assert missing_references(files, skip=()) != []
    # viewflow's real Roboto stylesheet is post-processed like everything else.
    assert "viewflow/fonts/roboto/roboto-fontface.css" in files
    assert "viewflow/fonts/roboto/Roboto-Regular.woff2" in files


def test_staticfiles_is_installed_by_name_so_runserver_and_live_servers_serve_static_files():
    # pytest-django's live server (and other tools) look for this exact string.
    assert "django.contrib.staticfiles" in settings.INSTALLED_APPS


def test_the_production_settings_name_that_storage():
    from pathlib import Path

    production = (Path(__file__).parent.parent / "config/settings/production.py").read_text()
    assert '"config.storage.StaticFilesStorage"' in production
