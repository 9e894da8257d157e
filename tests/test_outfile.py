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


# ---- never over an input, never over a file the user could not write, never a temp file left ----

import os
import shutil
import signal
import time
from pathlib import Path
import subprocess
import sys

from clirun import invoke
from conftest import ROOT, SPECS


def _copy_specs(folder, *names):
    for name in names:
        shutil.copy(SPECS / name, folder / name)
    (folder / "weights").mkdir(exist_ok=True)
    shutil.copy(SPECS / "weights" / "leaf.npz", folder / "weights" / "leaf.npz")


@pytest.mark.parametrize("command, target", [
    (["trace", "{d}/leaf.net"], "{d}/leaf.net"),
    (["run", "{d}/leaf_softmax.net"], "{d}/leaf.net"),  # the spec it uses
    (["run", "{d}/leaf_from_file.net"], "{d}/weights/leaf.npz"),  # its weight file
    (["run", "{d}/leaf.net", "--csv", "{d}/objects.csv"], "{d}/objects.csv"),
    (["trace", "{d}/leaf.net"], "{d}/link.net"),  # a link to the spec
], ids=["the-spec", "a-used-spec", "a-weight-file", "the-csv-file", "a-link-to-the-spec"])
def test_output_onto_an_input_of_the_same_command_is_refused(tmp_path, command, target):
    _copy_specs(tmp_path, "leaf.net", "leaf_softmax.net", "leaf_from_file.net", "objects.csv")
    (tmp_path / "link.net").symlink_to("leaf.net")
    target = target.format(d=tmp_path)
    before = Path(target).read_bytes()
    result = invoke(*[part.format(d=tmp_path) for part in command], "--format", "text", "-o", target)  # .net and
    # .npz name no format: --format writes such a file anyway, so only the input check stands in the way
    assert result.exit_code == 1
    assert "NS702" in result.stderr and "is an input of this command" in result.stderr
    assert Path(target).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaf.net", "leaf_from_file.net", "leaf_softmax.net",
                                                          "link.net", "objects.csv", "weights"]


def test_an_existing_target_keeps_its_mode(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o600)
    write_atomic(str(target), "new")
    assert target.read_text() == "new" and target.stat().st_mode & 0o777 == 0o600


def test_a_read_only_target_is_refused_and_kept(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o444)
    with pytest.raises(OutputFileError) as caught:
        write_atomic(str(target), "new")
    assert caught.value.code == "NS701" and "read-only" in caught.value.message
    assert target.read_text() == "old" and target.stat().st_mode & 0o777 == 0o444
    assert _left_behind(tmp_path) == ["out.txt"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_mid_write_leaves_no_temp_file(tmp_path, signum):
    """A long CSV run writing to -o, stopped by a signal once its temp file exists: nothing is left behind."""
    rows = "\n".join(["R,G,B,Vol"] + ["32,107,56,11.2"] * 400_000) + "\n"
    (tmp_path / "rows.csv").write_text(rows)
    out = tmp_path / "out" / "result.csv"
    out.parent.mkdir()
    process = subprocess.Popen([sys.executable, "-m", "netspec", "run", str(SPECS / "leaf.net"), "--csv",
                                str(tmp_path / "rows.csv"), "-o", str(out)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(3000):  # up to 30 seconds for the temp file to appear
            if any(out.parent.iterdir()) or process.poll() is not None:
                break
            time.sleep(0.01)
        assert process.poll() is None, "the run ended before it could be stopped"
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and "stopped" in stderr
    assert list(out.parent.iterdir()) == []


def test_a_vocabulary_file_counts_among_the_files_a_command_reads(tmp_path):
    """What `-o` is checked against: the spec and its vocabulary file, by device and inode."""
    import netspec

    (tmp_path / "v.txt").write_text("cat\n##s\n")
    spec = tmp_path / "spec.net"
    spec.write_text('vocabulary v subwords from "v.txt"\ninput a\ninput b\nweights W:\n   y  z\n a 1  2\n b 3  4\n'
                    "layer out = dense(input, W)\n")
    read = netspec.load_spec(spec).read_files
    assert read == {(os.stat(p).st_dev, os.stat(p).st_ino) for p in (spec, tmp_path / "v.txt")}
    with pytest.raises(OutputFileError) as caught:
        write_atomic(str(tmp_path / "v.txt"), "x", read)
    assert caught.value.code == "NS702" and (tmp_path / "v.txt").read_text() == "cat\n##s\n"
