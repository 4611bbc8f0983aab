"""Apps depend downwards only: core ← members ← opinions ← residents ← studios, consultations,
with the top-level portal app (demo and scale commands) and config above them all. The
contract is in pyproject.toml ([tool.importlinter]); tests may import anything."""

import subprocess
import sys
import tomllib
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent


def _layers() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = config["contracts"]
    return [name.strip() for layer in contract["layers"] for name in layer.split("|")]


def test_every_project_app_has_its_layer():
    project_apps = {
        config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()
    }
    assert project_apps <= set(_layers())
    assert {"core", "members", "opinions", "residents", "studios", "consultations"} <= set(
        _layers()
    )


def test_no_app_imports_one_above_it():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
