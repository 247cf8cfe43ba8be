"""WSGI entry point, used by gunicorn in production and `make bench`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_project.settings")
django_application = get_wsgi_application()

from site_project.page_cache import PageCacheApp  # noqa: E402 - needs the settings loaded

# Anonymous GETs of public pages come from Redis before any middleware runs.
application = PageCacheApp(django_application)
