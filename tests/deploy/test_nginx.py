"""deploy/nginx/site.conf is a configuration nginx accepts (`nginx -t`), with a throwaway
certificate and folders in place of the production ones. CI installs nginx (.ci/run)."""

import shutil
import subprocess
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SITE_CONF = BASE_DIR / "deploy" / "nginx" / "site.conf"

pytestmark = [
    pytest.mark.subprocess,  # nginx -t and openssl run as processes of their own
    pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed"),
]


def test_nginx_accepts_the_site_config(tmp_path):
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run(  # noqa: S603 - openssl from PATH, fixed arguments
        [
            shutil.which("openssl") or "openssl",
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=careers.example.com", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    for folder in ("staticfiles", "media", "acme", "logs"):
        (tmp_path / folder).mkdir()
    site = (
        SITE_CONF.read_text()
        .replace("/etc/letsencrypt/live/careers.example.com/fullchain.pem", str(cert))
        .replace("/etc/letsencrypt/live/careers.example.com/privkey.pem", str(key))
        .replace("/srv/site/", f"{tmp_path}/")
        .replace("/var/www/acme", str(tmp_path / "acme"))
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\n"
        f"error_log {tmp_path}/logs/error.log;\n"
        "events {}\n"
        "http {\n"
        f"  access_log {tmp_path}/logs/access.log;\n"
        f"  client_body_temp_path {tmp_path}/body;\n"
        f"  proxy_temp_path {tmp_path}/proxy;\n"
        f"  include {tmp_path}/site.conf;\n"
        "}\n"
    )
    done = subprocess.run(  # noqa: S603 - nginx from PATH, our own files
        [
            shutil.which("nginx") or "nginx",
            "-t",
            "-p",
            str(tmp_path),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "test is successful" in done.stderr
    assert "warn" not in done.stderr, done.stderr
