"""Shell completion (docs/cli.md): commands, options, choices, and file and folder names."""

from __future__ import annotations

import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT


def _complete(*words: str) -> list[str]:
    """What `netspec` answers bash for the last word, as click's bash_complete protocol gives it."""
    env = {**os.environ, "_NETSPEC_COMPLETE": "bash_complete", "COMP_WORDS": " ".join(("netspec", *words)),
           "COMP_CWORD": str(len(words))}
    done = subprocess.run([sys.executable, "-m", "netspec"], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_bash_script_registers_netspec():
    env = {**os.environ, "_NETSPEC_COMPLETE": "bash_source"}
    done = subprocess.run([sys.executable, "-m", "netspec"], env=env, capture_output=True, text=True)
    assert "complete -o nosort -F _netspec_completion netspec" in done.stdout


@pytest.mark.parametrize("words, expected", [
    (("tr",), ["plain,trace", "plain,train"]),
    (("ex",), ["plain,examples"]),
    (("trace", "specs/leaf.net", "--for"), ["plain,--format"]),
    (("trace", "specs/leaf.net", "--format", "h"), ["plain,html"]),
    (("run", "specs/le"), ["file,specs/le"]),
    (("tidy", "--check", "specs/a"), ["file,specs/a"]),
    (("run", "specs/leaf.net", "--csv", "specs/ob"), ["file,specs/ob"]),
    (("trace", "specs/leaf.net", "-o", "leaf.h"), ["file,leaf.h"]),
    (("examples", "my"), ["dir,my"]),
])
def test_each_word_completes_as_its_kind(words, expected):
    assert _complete(*words) == expected


def _typed(keys: list[tuple[bytes, str]]) -> str:
    """Type each key sequence into an interactive bash (completion loaded), waiting after each for
    the text it should bring to the screen; the screen, without carriage returns."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: a plain interactive bash at the repository's top, netspec on its PATH
        os.chdir(ROOT)
        os.environ.update(PATH=f"{os.path.dirname(sys.executable)}{os.pathsep}{os.environ['PATH']}", PS1="$ ")
        os.execvp("bash", ["bash", "--norc", "--noprofile", "-i"])
    screen = ""
    try:
        screen = _read_until(fd, screen, "$ ")
        for key, shown in [(b'eval "$(_NETSPEC_COMPLETE=bash_source netspec)"; echo loaded\n', "loaded\n$ "), *keys]:
            os.write(fd, key)
            screen = _read_until(fd, screen, shown)
    finally:
        os.kill(pid, signal.SIGKILL)  # an interactive bash ignores SIGTERM
        os.waitpid(pid, 0)
        os.close(fd)
    return screen


def _read_until(fd: int, screen: str, shown: str, limit: float = 60.0) -> str:
    end = time.monotonic() + limit
    while shown not in screen and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            screen = screen + os.read(fd, 65536).decode(errors="replace").replace("\r", "")
    return screen


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash on this machine")
def test_bash_completes_a_spec_path_and_an_option_as_typed():
    """A real interactive bash: Tab after `specs/leaf_so` completes the file name from the folder."""
    if not shutil.which("netspec", path=os.path.dirname(sys.executable)):
        pytest.skip("the netspec command is not installed beside this Python")
    line = "netspec trace specs/leaf_softmax.net --format html"
    screen = _typed([(b"netspec tr\t", "netspec trace "), (b"specs/leaf_so\t", "leaf_softmax.net "),
                     (b"--for\t", "--format "), (b"h\t", "html ")])
    assert line in screen
