"""Developer and demo settings: SQLite, DEBUG on, in-process background work."""

from .base import *  # noqa: F401,F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "local-development-only-not-secret"  # noqa: F405
DEMO_DATA_ALLOWED = True

# The embedded SQLite database and uploaded files live in var/ (git-ignored).
(BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
