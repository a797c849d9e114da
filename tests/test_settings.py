"""The settings package: production is safe to deploy, refuses a weak secret, and every
environment variable the settings read is documented in docs/configuration.md.

The production checks run `manage.py` in a subprocess, so the settings module is imported
afresh with exactly the environment a deployment would give it.
"""

import os
import re
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_DIR = ROOT / "config" / "settings"

# os.environ.get("X"), os.getenv("X"), os.environ["X"], "X" in os.environ, env_bool("X") ...
ENV_READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_bool|env_list|os\.environ\.setdefault)\(\s*["']([A-Z0-9_]+)["']"""
    r"""|os\.environ\[\s*["']([A-Z0-9_]+)["']\s*\]"""
    r"""|["']([A-Z0-9_]+)["']\s+(?:not\s+)?in\s+os\.environ"""
)


def environment_variables(paths) -> dict[str, set[str]]:
    """Each environment variable read in the given files, with the names of the files reading it."""
    found: dict[str, set[str]] = {}
    for path in paths:
        for match in ENV_READ.finditer(path.read_text(encoding="utf-8")):
            name = next(group for group in match.groups() if group)
            found.setdefault(name, set()).add(path.name)
    return found


def settings_environment_variables() -> dict[str, set[str]]:
    return environment_variables(sorted(SETTINGS_DIR.glob("*.py")))


def documented_variables() -> set[str]:
    """The first column of every table row in docs/configuration.md that names a variable."""
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    return set(re.findall(r"^\|\s*`([A-Z0-9_]+)`", text, re.MULTILINE))


def random_secret(length: int) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


# The only variables passed through: nothing from this machine's (or this test run's) Django
# configuration reaches the subprocess, e.g. DJANGO_ALLOW_ASYNC_UNSAFE set by the browser tests.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """manage.py with production settings and exactly the environment given."""
    clean = {name: os.environ[name] for name in PASSED_THROUGH if name in os.environ}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


# Checks only read the settings; nothing connects to these.
PRODUCTION_SERVICES = {
    "DATABASE_URL": "postgres://send@127.0.0.1:5432/send",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def test_production_settings_pass_the_deployment_checks_with_no_warnings():
    """`check --deploy` is clean: HTTPS redirect, HSTS, secure cookies, DEBUG off, a strong key."""
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=random_secret(60),
        ALLOWED_HOSTS="send.example.gov.uk",
        **PRODUCTION_SERVICES,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


@pytest.mark.parametrize(
    "secret_key",
    [None, "", random_secret(20), random_secret(49)],
    ids=["missing", "empty", "20-chars", "49-chars"],
)
def test_production_settings_refuse_a_missing_or_short_secret_key(secret_key):
    env = {"ALLOWED_HOSTS": "send.example.gov.uk", **PRODUCTION_SERVICES}
    if secret_key is not None:
        env["SECRET_KEY"] = secret_key
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("missing", sorted(PRODUCTION_SERVICES))
def test_production_settings_refuse_to_start_without_postgres_and_redis(missing):
    env = {
        "ALLOWED_HOSTS": "send.example.gov.uk",
        "SECRET_KEY": random_secret(60),
        **PRODUCTION_SERVICES,
    }
    del env[missing]
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_settings_read_the_variables_this_test_knows_about():
    """Guards the scanner below: if it finds nothing, the documentation test proves nothing."""
    names = settings_environment_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "DEBUG"} <= set(names)


def test_every_environment_variable_is_documented():
    """docs/configuration.md has a table row for every variable read in config/settings/."""
    missing = sorted(set(settings_environment_variables()) - documented_variables())
    assert not missing, f"Add to the table in docs/configuration.md: {', '.join(missing)}"


def test_no_documented_variable_is_stale():
    """Every variable in docs/configuration.md is still read somewhere in the project."""
    skip = {".venv", "venv", ".git", "node_modules", "var", "build"}
    sources = [
        path
        for path in sorted(ROOT.rglob("*.py"))
        if not skip.intersection(path.relative_to(ROOT).parts)
    ]
    stale = sorted(documented_variables() - set(environment_variables(sources)))
    assert not stale, f"docs/configuration.md documents variables nothing reads: {', '.join(stale)}"


def test_production_settings_refuse_a_notify_key_without_a_template():
    """GOV.UK Notify sends from a template: a key alone would fail every message."""
    env = {
        "ALLOWED_HOSTS": "send.example.gov.uk",
        "SECRET_KEY": random_secret(60),
        "NOTIFY_API_KEY": "live-key",
        **PRODUCTION_SERVICES,
    }
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "NOTIFY_TEMPLATE_ID" in result.stderr
