"""gunicorn's settings for production: `gunicorn site_project.wsgi` reads this file by itself
when started in the project folder (or pass `-c gunicorn.conf.py`).

Sized from the CPU cores this process may use, which in a container can be fewer than the
machine has. Every value can be set by the environment; options on the command line win.
"""

import os


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# gunicorn's own rule of thumb: two workers a core, plus one. Pages are short and the slow
# work (email) is Celery's, so sync workers suffice; WEB_CONCURRENCY is the usual override.
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * usable_cores() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
# The host is shared by every instance (it can come from /etc/site/site.env); the port is
# each instance's own (PORT: the systemd instance name, or honcho), so two never collide.
bind = f"{os.environ.get('GUNICORN_HOST') or '127.0.0.1'}:{os.environ.get('PORT') or 8000}"
# A request that takes this long is stuck: the worker is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are not recycled by default. At 2,000 requests each, under load a worker restarted
# every couple of seconds, and each restart imports Django again (about a second of CPU):
# `make bench --part gunicorn` measured the worst throughput and p95 of the three settings
# tried (docs/benchmarks.md). preload_app would make restarts cheap but stops `systemctl
# reload` from loading new code. GUNICORN_MAX_REQUESTS turns recycling back on, should a
# leak ever show.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that may stall.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# Logs to stdout/stderr, for systemd's journal or the container's log driver.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
# Which proxy may say the request came over https (BEHIND_PROXY in the Django settings).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
