"""The embedded default for `make run`: debug on, SQLite, no broker server."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_int  # noqa: F401

DEBUG = env_bool("DJANGO_DEBUG", True)
