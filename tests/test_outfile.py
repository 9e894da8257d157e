"""Output files are written whole or not at all, even when interrupted mid-way (issues 3 and 5)."""

from __future__ import annotations

import pytest

from netspec.errors import OutputFileError
from netspec.outfile import atomic_stream, write_atomic


def _left_behind(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_complete_write_replaces_the_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    write_atomic(str(target), "new")
    assert target.read_text() == "new" and _left_behind(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("interruption", [KeyboardInterrupt, RuntimeError], ids=["ctrl-c", "error"])
def test_an_interrupted_write_leaves_the_old_file_and_no_temp_file(tmp_path, interruption):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(interruption):
        with atomic_stream(str(target)) as stream:
            stream.write("half of the new")
            raise interruption()
    assert target.read_text() == "old"
    assert _left_behind(tmp_path) == ["out.txt"]


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(OutputFileError) as caught:
        write_atomic(str(tmp_path / "no" / "out.txt"), "x")
    assert caught.value.code == "NS701" and "does not exist" in caught.value.message


def test_a_symbolic_link_is_written_through(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_atomic(str(link), "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_the_finished_file_follows_the_umask(tmp_path):
    import os

    mask = os.umask(0o022)
    try:
        write_atomic(str(tmp_path / "out.txt"), "x")
    finally:
        os.umask(mask)
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o644


def test_a_device_is_written_directly(tmp_path):
    write_atomic("/dev/null", "nothing to keep")
    import os

    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
