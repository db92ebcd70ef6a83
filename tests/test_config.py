"""The secret key: made per install, owner-only, and never one that was published in the history."""
from __future__ import annotations

import hashlib
import logging
import stat
import subprocess

import pytest

import config
from config import PROJECT_ROOT, _default_secret_key, is_published_key

SOME_KEY = "eb5c9c0d1fa8c0f4d1a0fd6d1d25ee3e0b3e40a5b5ab3e4ef3ad6ab5d4d0bd6e"


def test_a_new_install_gets_its_own_owner_only_key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    key_file = tmp_path / ".secret_key"
    key = _default_secret_key(key_file)
    assert len(key) == 64 and not is_published_key(key)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _default_secret_key(key_file) == key


def test_the_key_once_published_in_git_is_replaced_and_logged(tmp_path, monkeypatch, caplog):
    published = subprocess.run(
        ["git", "show", "5dae495:data/.secret_key"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout.strip()
    if not published:
        pytest.skip("the git history is not available in this checkout")
    assert is_published_key(published)
    monkeypatch.setattr(config, "DATA_DIR", tmp_path)
    key_file = tmp_path / ".secret_key"
    key_file.write_text(published)
    with caplog.at_level(logging.WARNING, logger="opinia.config"):
        key = _default_secret_key(key_file)
    assert key != published and key_file.read_text() == key
    assert "published" in caplog.text and "signed out" in caplog.text


def test_a_published_key_in_the_environment_is_refused(monkeypatch):
    monkeypatch.setattr(config, "PUBLISHED_KEY_HASHES", frozenset({hashlib.sha256(SOME_KEY.encode()).hexdigest()}))
    monkeypatch.setenv("SECRET_KEY", SOME_KEY)
    with pytest.raises(RuntimeError, match="published"):
        config._secret_key_from_environment()


def test_no_key_file_is_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True).stdout
    assert ".secret_key" not in tracked
