"""`netspec examples DIR`: the example specs copied out, never over a file; and from a wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from clirun import invoke
from conftest import ROOT, SPECS


def _repository_files() -> dict[str, bytes]:
    """What the wheel must carry: every file of the checkout's specs/, read straight from disk."""
    return {p.relative_to(SPECS).as_posix(): p.read_bytes() for p in SPECS.rglob("*")
            if p.is_file() and not any(part.startswith((".", "__")) for part in p.relative_to(SPECS).parts)}


def _copied(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_copies_every_spec_and_the_files_they_read(tmp_path):
    target = tmp_path / "mine"
    result = invoke(*["examples", str(target)])
    assert result.exit_code == 0, result.output
    expected = _repository_files()
    assert "leaf.net" in expected and "weights/tiny_gpt.npz" in expected and "objects.csv" in expected
    assert _copied(target) == expected
    specs = sum(name.endswith(".net") for name in expected)
    assert result.output.splitlines()[0] == f"copied {len(expected)} files into {target}: {specs} specs and the files they read"
    checked = invoke(*["check", str(target / "leaf_from_file.net")])  # its weights come from the copied weights/leaf.npz
    assert checked.exit_code == 0, checked.output


def test_an_existing_empty_folder_is_filled(tmp_path):
    assert invoke(*["examples", str(tmp_path)]).exit_code == 0
    assert (tmp_path / "weather.net").read_bytes() == (SPECS / "weather.net").read_bytes()


def test_a_file_already_there_is_never_replaced_and_nothing_is_copied(tmp_path):
    (tmp_path / "leaf.net").write_text("# my own leaf network\n")
    result = invoke(*["examples", str(tmp_path)])
    assert result.exit_code == 1
    assert f"error: {tmp_path} already has leaf.net, one of the example files; netspec examples never replaces a file [NS704]" in result.output
    assert "hint: name a new or empty folder" in result.output
    assert (tmp_path / "leaf.net").read_text() == "# my own leaf network\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["leaf.net"]


def test_a_second_copy_names_the_first_files_and_counts_the_rest(tmp_path):
    assert invoke(*["examples", str(tmp_path)]).exit_code == 0
    result = invoke(*["examples", str(tmp_path)])
    count = len(_repository_files())
    assert result.exit_code == 1
    assert (f"already has {count} of the example files (attention_3tok.net, cross_attention.net, dropout.net "
            f"and {count - 3} more)") in result.output


@pytest.mark.parametrize("make, message", [
    (lambda base: (base / "a_file").write_text("x") and base / "a_file", "it is a file, not a folder [NS701]"),
    (lambda base: base / "absent" / "inner", "the folder {base}/absent does not exist [NS701]"),
])
def test_a_place_that_cannot_hold_the_copies_is_named(tmp_path, make, message):
    result = invoke(*["examples", str(make(tmp_path))])
    assert result.exit_code == 1
    assert message.format(base=tmp_path) in result.output
    assert "Traceback" not in result.output


def test_dir_is_required():
    result = invoke(*["examples"])
    assert result.exit_code == 2
    assert "Missing argument 'DIR'" in result.output


# ---- from a built wheel, installed in a fresh virtual environment ----

@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    pytest.importorskip("hatchling")
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
                            "-q", "-w", str(out)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    return next(out.glob("netspec_worked-*.whl"))


def test_the_wheel_is_named_netspec_worked_and_carries_the_specs_and_license(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert {f"netspec/specs/{name}" for name in _repository_files()} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "Name: netspec-worked\n" in metadata and "License-Expression: MIT\n" in metadata


def test_examples_from_the_installed_wheel(wheel, tmp_path):
    """A fresh venv with only the wheel (its dependencies seen through a .pth file): the `netspec`
    command copies the packaged specs, and they run outside the repository."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                              str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr
    # Only now: seen before the install, a netspec-worked already in the test's own environment
    # (CI installs it there, not editable) would make pip call the wheel "already satisfied".
    Path(purelib, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    work = tmp_path / "elsewhere"
    work.mkdir()

    def netspec(*args):
        return subprocess.run([venv / "bin" / "netspec", *args], capture_output=True, text=True, cwd=work, env=env)

    where = subprocess.run([python, "-c", "import netspec.examplespecs as e; print(e.specs_folder())"],
                           capture_output=True, text=True, cwd=work, env=env)
    assert where.stdout.strip() == str(Path(purelib, "netspec", "specs"))
    copied = netspec("examples", "mine")
    assert copied.returncode == 0, copied.stderr
    assert _copied(work / "mine") == _repository_files()
    ran = netspec("run", "mine/leaf.net", "-i", "R=32", "-i", "G=107", "-i", "B=56", "-i", "Vol=11.2")
    # 32·0.1 + 107·(−0.29) + 56·(−0.07) + 11.2·0.46 = −26.598, and so on: Leaf = 0.79584
    assert ran.returncode == 0 and "0.79584" in ran.stdout and "The object is a Leaf." in ran.stdout
    again = netspec("examples", "mine")
    assert again.returncode == 1 and "[NS704]" in again.stderr
