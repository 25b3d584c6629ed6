"""A built wheel carries everything the app reads at run time: templates, static files, the
per-language data, danger lexicons, resource seed and the compiled catalogs."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from webhooks.config import REPO_ROOT
from webhooks.i18n import supported_languages


def test_the_wheel_holds_the_package_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(REPO_ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
        cwd=tmp_path,
    )
    (wheel,) = tmp_path.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "webhooks/wsgi.py",
        "webhooks/templates/console/base.html",
        "webhooks/static/vendor/htmx.min.js",
        "webhooks/data/resources_seed.yml",
        "webhooks/locales/messages.pot",
        # The language detector's n-gram profiles and the letters of languages we do not speak.
        "webhooks/data/langid/profiles.json",
        "webhooks/data/langid/shared_scripts.yml",
        # The danger net's learned layer: the n-grams, and the sentence machine's vectors.
        "webhooks/data/danger_model.json",
        "webhooks/data/danger_encoder.npz",
    }
    for language in supported_languages():
        expected |= {
            f"webhooks/data/languages/{language}.yml",
            f"webhooks/data/danger/{language}.txt",
            f"webhooks/data/resource_descriptions/{language}.yml",
            f"webhooks/locales/{language}/LC_MESSAGES/messages.po",
        }
        if language != "en":
            expected.add(f"webhooks/locales/{language}/LC_MESSAGES/messages.mo")
    assert not expected - names, sorted(expected - names)
    # Nothing of the developer's machine: no instance data, no trained model.
    assert not [n for n in names if n.startswith("instance/") or n.endswith((".db", ".tar.gz"))]
