"""autograd.files.write_atomically: all of the new file or none of it."""

import os

import pytest

from autograd.files import write_atomically


def test_writes_text_and_bytes(tmp_path):
    assert write_atomically(tmp_path / "a.txt", "héllo").read_text(encoding="utf-8") == "héllo"
    assert write_atomically(tmp_path / "b.bin", b"\x00\x01").read_bytes() == b"\x00\x01"


def test_failure_midway_keeps_the_old_file_byte_for_byte(tmp_path, monkeypatch):
    target = tmp_path / "model.json"
    target.write_bytes(b'{"good": true}')

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        write_atomically(target, "x" * 100_000)
    assert target.read_bytes() == b'{"good": true}'
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temporary file left


def test_keeps_the_previous_files_permissions(tmp_path):
    target = tmp_path / "shared.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    write_atomically(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomically(tmp_path / "nope" / "x.txt", "x")


def test_refuses_non_text(tmp_path):
    with pytest.raises(TypeError, match="bytes or str"):
        write_atomically(tmp_path / "x", 3)
