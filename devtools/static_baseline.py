"""The ceiling for `make bench`: a WSGI app that is WhiteNoise alone, no Django.

It serves the files in BENCH_BASELINE_ROOT under /static/ (the bench writes the article
page's exact bytes there) and answers 404 to anything else. gunicorn runs it with the same
gunicorn.conf.py and worker count as the site, so the only difference is the site itself.
"""

import os

from whitenoise import WhiteNoise


def not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"Not found"]


application = WhiteNoise(
    not_found, root=os.environ.get("BENCH_BASELINE_ROOT", "."), prefix="/static/", max_age=60
)
