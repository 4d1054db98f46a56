"""The embedded default for `make run`: debug on, SQLite, no broker server."""

from .base import *  # noqa: F403
from .base import env, env_bool, env_int  # noqa: F401

DEBUG = env_bool("DJANGO_DEBUG", True)

# The product's own 404 and 500 pages also with DEBUG on (issue 21): a new user's first
# look at `make run` should not be Django's English debug page. DJANGO_DEBUG_PAGES=1 for those.
if DEBUG and not env_bool("DJANGO_DEBUG_PAGES", False):
    _after = MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware")  # noqa: F405
    MIDDLEWARE = [*MIDDLEWARE[: _after + 1], "core.middleware.ProductErrorPagesMiddleware", *MIDDLEWARE[_after + 1 :]]  # noqa: F405
