"""The production layout in deploy/: the Procfile that `make e2e-prod` runs and the systemd
units start the same scripts, and the example environment is a working production setup."""

import configparser
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys

import pytest
from django.conf import settings
from honcho.environ import parse_procfile

from tests import docs_text

DEPLOY = settings.BASE_DIR / "deploy"
SCRIPTS = ["release", "web", "worker", "beat"]
UNITS = {
    "release": "site-release.service",
    "web": "site-web@.service",
    "worker": "site-worker@.service",
    "beat": "site-beat.service",
}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_procfile_and_systemd_units_start_the_same_scripts():
    procfile = parse_procfile((DEPLOY / "Procfile.prod").read_text())
    assert procfile.processes == {name: f"deploy/bin/{name}" for name in SCRIPTS}
    for name in SCRIPTS:
        assert os.access(DEPLOY / "bin" / name, os.X_OK), f"deploy/bin/{name} is not executable"
        service = unit(UNITS[name])["Service"]
        assert service["ExecStart"] == f"/srv/site/deploy/bin/{name}"
        assert service["EnvironmentFile"] == "/etc/site/site.env"
        assert service["User"] == "site"


def test_each_instance_gets_its_own_port_or_worker_name():
    assert unit("site-web@.service")["Service"]["Environment"] == "PORT=%i"
    assert unit("site-worker@.service")["Service"]["Environment"] == "WORKER_NAME=worker%i"
    assert unit("site-release.service")["Service"]["Type"] == "oneshot"
    for name in ("site-web@.service", "site-worker@.service", "site-beat.service"):
        assert unit(name)["Unit"]["PartOf"] == "site.target"


def test_every_task_ends_before_systemd_kills_a_stopping_worker():
    """Warm shutdown waits for running tasks; their hard time limit must come before
    the unit's TimeoutStopSec, or systemd's SIGKILL strands them for Redis's visibility
    timeout (an hour)."""
    stop = int(unit("site-worker@.service")["Service"]["TimeoutStopSec"])
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < stop


def deploying_section(title: str) -> str:
    return docs_text.section(docs_text.DOCS / "deploying.md", title)


def documented_enabled_units() -> set[str]:
    """The units docs/deploying.md's "With systemd" block enables, by unit file name (an
    instance as its template, e.g. site-web@.service)."""
    section = deploying_section("With systemd")
    enabled = set()
    code = "".join(re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL))
    for line in code.splitlines():
        words = shlex.split(line, comments=True)
        if words[:2] == ["systemctl", "enable"]:
            for name in (word for word in words[2:] if not word.startswith("-")):
                name = name if "." in name else f"{name}.service"
                enabled.add(re.sub(r"@[^.]+\.", "@.", name))
    return enabled


def test_every_unit_starts_at_boot_once_the_docs_enabled_it():
    """Enabling an instance hooks it to whatever its WantedBy names: every unit with an
    [Install] section must be enabled by docs/deploying.md and reach multi-user.target
    through units the docs enable too, or nothing starts after a reboot."""
    enabled = documented_enabled_units()
    installable = {
        path.name
        for path in (DEPLOY / "systemd").iterdir()
        if unit(path.name).has_section("Install")
    }
    assert installable == enabled
    for name in installable:
        chain = [name]
        while chain[-1] != "multi-user.target":
            wanted_by = unit(chain[-1])["Install"]["WantedBy"]
            assert wanted_by == "multi-user.target" or wanted_by in enabled, (chain, wanted_by)
            assert wanted_by not in chain, chain
            chain.append(wanted_by)


@pytest.mark.subprocess
def test_systemd_accepts_the_units(tmp_path):
    """`systemd-analyze verify` on the units as installed, with /srv/site pointing at this
    checkout (it checks the ExecStart scripts exist and are executable)."""
    for path in (DEPLOY / "systemd").iterdir():
        text = path.read_text().replace("/srv/site/", f"{settings.BASE_DIR}/")
        (tmp_path / path.name).write_text(text)
    names = ["site.target", "site-web@8001.service", "site-worker@1.service"]
    names += ["site-beat.service", "site-release.service"]
    done = subprocess.run(  # noqa: S603 - systemd's own checker on our files
        [shutil.which("systemd-analyze"), "verify", "--man=no", *names],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0 and not done.stderr.strip(), done.stdout + done.stderr


def example_environment() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "site.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_the_example_environment_holds_placeholders_not_secrets():
    values = example_environment()
    assert values["SECRET_KEY"].startswith("<")
    assert "<password>" in values["DATABASE_URL"]
    assert "<password>" in values["EMAIL_URL"]
    assert values["DEBUG"] == "off"
    assert values["RATELIMIT_ENABLE"] == "on"


def deployed_environment() -> dict[str, str]:
    """This process's environment without what the browser tests set for themselves."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def test_the_example_environment_leaves_each_units_own_variables_alone():
    """systemd lets EnvironmentFile= override Environment=, whatever their order: a PORT in
    site.env would put every web instance on one port, so the file must not set any."""
    example = (DEPLOY / "site.env.example").read_text()
    for path in (DEPLOY / "systemd").iterdir():
        service = unit(path.name)
        if service.has_section("Service") and "Environment" in service["Service"]:
            name = service["Service"]["Environment"].partition("=")[0]
            assert not re.search(rf"^#?{name}=", example, flags=re.MULTILINE), name
            assert f"`{name}`" in deploying_section("With systemd"), name


SPY_ON_DOTENV = """
import environ
read = []
environ.Env.read_env = lambda *args, **kwargs: read.append(str(args[-1]))
import site_project.settings
print(read)
"""


def dotenv_files_read(**env: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own interpreter on our settings
        [sys.executable, "-c", SPY_ON_DOTENV],
        cwd=settings.BASE_DIR,
        env={**deployed_environment(), "SECRET_KEY": "k" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


@pytest.mark.subprocess
def test_production_reads_no_dotenv_file():
    """READ_DOTENV=off (deploy/site.env.example): a .env left in the checkout can't add
    settings to what the environment file says; development reads it."""
    assert example_environment()["READ_DOTENV"] == "off"
    assert dotenv_files_read(READ_DOTENV="off").strip() == "[]"
    assert f"{settings.BASE_DIR / '.env'}" in dotenv_files_read(READ_DOTENV="on")


@pytest.mark.subprocess
def test_the_example_environment_passes_check_deploy(tmp_path):
    """Filled in, the example file is a production configuration Django has nothing to say
    about: HTTPS, HSTS, secure cookies, the proxy header and a strong key."""
    values = {
        name: re.sub(r"<[^>]*>", "placeholder", value)
        for name, value in example_environment().items()
    }
    values["SECRET_KEY"] = secrets.token_urlsafe(50)
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env={**deployed_environment(), **values, "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
