"""Start-up stays light: each command imports only what it needs (see netspec/cli.py's docstring).

`netspec --help` and a mistyped command are answered by click alone, so neither NumPy nor Lark
nor any stage of the pipeline is imported; bench/bench_startup.py measures the time this saves.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(code: str) -> set[str]:
    """The modules loaded in a fresh interpreter after `code` ran (stdout and exit code ignored)."""
    probe = (f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
             "sys.stderr.write('\\n'.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    return set(done.stderr.split("\n"))


@pytest.mark.parametrize("argv", [["--help"], ["run", "--help"], ["trace", "--help"], ["--version"]])
def test_help_imports_no_numpy_lark_or_pipeline(argv):
    loaded = _loaded_after(f"from netspec.cli import main; main({argv!r})")
    assert "click" in loaded  # the probe really ran the command line
    heavy = sorted(m for m in loaded if m.split(".")[0] in ("numpy", "lark")
                   or m.startswith(("netspec.lang", "netspec.check", "netspec.ops", "netspec.run")))
    assert not heavy, f"netspec {' '.join(argv)} imported {heavy[:8]}"


def test_the_cli_module_alone_imports_only_click_and_base_modules():
    loaded = _loaded_after("import netspec.cli")
    ours = sorted(m for m in loaded if m.startswith("netspec"))
    assert ours == ["netspec", "netspec.cli", "netspec.limits", "netspec.render", "netspec.version"], ours


def test_ctrl_c_while_the_command_line_loads_exits_130_without_a_traceback():
    """The console script's first code sets a handler: a SIGINT before cli.py has loaded (here sent
    right after it is set) says what a later Ctrl-C says and exits 128 + 2."""
    import signal

    code = ("import os, signal, time\nimport netspec.launch as launch\nlaunch._install()\n"
            "os.kill(os.getpid(), signal.SIGINT)\ntime.sleep(30)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 128 + signal.SIGINT == 130
    assert done.stderr == "netspec: interrupted\n"


def test_the_console_script_starts_at_the_launcher():
    import tomllib

    from conftest import ROOT

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts == {"netspec": "netspec.launch:main"}
