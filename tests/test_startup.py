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


def test_running_a_spec_loads_no_module_only_an_error_or_another_format_needs():
    """`run specs/leaf.net`: difflib only suggests a name when one is not found (netspec.errors.close_matches),
    csv reads and writes the --csv formats, zipfile opens .npz weight files, and the diagnostics render
    errors; none of them is loaded for a spec that runs."""
    from conftest import ROOT

    loaded = _loaded_after(f"from netspec.cli import main; main(['run', {str(ROOT / 'specs' / 'leaf.net')!r}])")
    assert "netspec.run.runner" in loaded  # the probe really ran the spec
    assert not {"difflib", "csv", "zipfile", "netspec.diagnostics"} & loaded, sorted(
        {"difflib", "csv", "zipfile", "netspec.diagnostics"} & loaded)


def test_the_cli_module_alone_imports_only_click_and_base_modules():
    loaded = _loaded_after("import netspec.cli")
    ours = sorted(m for m in loaded if m.startswith("netspec"))
    assert ours == ["netspec", "netspec.cli", "netspec.lazygroup", "netspec.limits", "netspec.records",
                    "netspec.render", "netspec.version"], ours


@pytest.mark.parametrize("argv", [["--help"], ["--version"], ["run", "--help"]])
def test_help_needs_no_diagnostics_and_builds_only_its_command(argv):
    """`netspec --help` builds no command's options, `netspec run --help` only run's; neither loads the
    diagnostics (netspec.errors, netspec.source, hashlib), which only a failure needs, nor pathlib (a
    help text opens no file), nor shutil (the width comes from netspec.lazygroup.Context)."""
    code = (f"from netspec.cli import cli, main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
            "import sys\nsys.stderr.write(repr(sorted(cli.commands)) + '\\n' + '\\n'.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    built, *loaded = done.stderr.split("\n")
    assert built == repr(argv[:1] if argv[-1] == "--help" and len(argv) == 2 else [])
    assert not {"netspec.errors", "netspec.source", "hashlib", "pathlib", "shutil"} & set(loaded)


def test_the_command_list_is_what_the_built_commands_say():
    """The group's help reads each command's short help from its docstring alone: it is the same text,
    at the same width, as click writes once every command has been built with all its options."""
    code = ("import click\nfrom netspec.cli import cli\n"
            "def shown():\n    with click.Context(cli, info_name='netspec', terminal_width=72) as ctx:\n"
            "        return cli.get_help(ctx)\n"
            "before = shown()\nctx = click.Context(cli)\n"
            "built = [cli.get_command(ctx, name) for name in cli.list_commands(ctx)]\n"
            "assert all(len(c.params) > 0 for c in built) and len(cli.commands) == len(built)\n"
            "print(before == shown(), len(built))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "12"], done.stderr[-2000:]


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


@pytest.mark.parametrize("columns", ["30", "60", "100", "200", "", "not a number"])
def test_the_help_is_as_wide_as_clicks_own_context_makes_it(columns, monkeypatch):
    """netspec's Context finds the width without shutil; click's own Context, the reference, uses
    shutil.get_terminal_size. Both read $COLUMNS, then the terminal (none under pytest: 80)."""
    import click

    from netspec.cli import cli
    from netspec.lazygroup import Context

    monkeypatch.setenv("COLUMNS", columns)
    for command in (cli, cli.get_command(click.Context(cli), "run")):
        with click.Context(command, info_name="netspec") as theirs, Context(command, info_name="netspec") as ours:
            assert command.get_help(ours) == command.get_help(theirs)
            assert ours.make_formatter().width == theirs.make_formatter().width
