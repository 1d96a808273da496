"""Every setting claimmap reads is declared in claimmap.config and documented in the README."""

import re
from pathlib import Path

from claimmap import config

ROOT = Path(__file__).resolve().parents[1]


def test_every_declared_setting_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text("utf-8")
    missing = [name for name in config.SETTINGS if f"`{name}`" not in readme]
    assert not missing, f"settings not documented in README.md: {missing}"


def test_code_reads_only_declared_settings():
    used = set()
    for path in (ROOT / "claimmap").rglob("*.py"):
        used |= set(re.findall(r"\b(CLAIMMAP_[A-Z_]+)\b", path.read_text("utf-8")))
    undeclared = sorted(used - set(config.SETTINGS))
    assert not undeclared, f"settings used in code but not declared in claimmap/config.py: {undeclared}"
