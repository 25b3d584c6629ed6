"""The repo explains itself: every setting the code reads is in the README's table, the
architecture document is linked, and nothing points at files outside the repository."""

from __future__ import annotations

import re

from webhooks.config import REPO_ROOT

READ_IN_PYTHON = re.compile(r"""(?:environ|env)(?:\.get)?[(\[]\s*["']([A-Z][A-Z0-9_]+)["']""")
READ_IN_YAML = re.compile(r"\$\{([A-Z][A-Z0-9_]+)\}")
TABLE_ROW = re.compile(r"^\|\s*(`[^|]+`)\s*\|", re.M)


def settings_read() -> set[str]:
    found: set[str] = set()
    for pattern, paths in (
        (READ_IN_PYTHON, ["webhooks/**/*.py", "scripts/*.py", "gunicorn.conf.py", "bot/**/*.py"]),
        (READ_IN_YAML, ["bot/endpoints*.yml"]),
    ):
        for glob in paths:
            for path in REPO_ROOT.glob(glob):
                found.update(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def settings_documented() -> set[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    names: set[str] = set()
    for cell in TABLE_ROW.findall(readme):
        names.update(re.findall(r"`([A-Z][A-Z0-9_]+)`", cell))
    return names


def test_the_scan_finds_settings_at_all() -> None:
    # A broken pattern would make the comparison below pass vacuously.
    assert {"DATABASE_URL", "HOTLINE_WORKERS", "REDIS_HOST"} <= settings_read()


def test_every_setting_the_code_reads_is_in_the_readme_table() -> None:
    missing = settings_read() - settings_documented()
    assert not missing, f"add these to the README's configuration table: {sorted(missing)}"


def test_the_readme_links_the_architecture_document() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in readme
    assert (REPO_ROOT / "docs" / "architecture.md").exists()


def test_nothing_points_outside_the_repository() -> None:
    # DESIGN.md and ../shared/ live beside the repository on the team's machines, not in a clone.
    paths = [REPO_ROOT / "README.md", REPO_ROOT / "Makefile", REPO_ROOT / "pyproject.toml"]
    paths += [*REPO_ROOT.glob("docs/*.md"), *REPO_ROOT.glob("webhooks/**/*.py")]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "../shared" not in text and "DESIGN.md" not in text, path
