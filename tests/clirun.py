"""`netspec ARGS` in-process, as a user's shell would run it: through netspec.cli.main, where
errors become messages and exit codes, with stdout and stderr kept apart for the test."""

from __future__ import annotations

from click.testing import CliRunner, Result

from netspec import cli as netspec_cli


class _Main:
    """CliRunner calls `.main(args=...)`: this runs netspec.cli.main instead of click's own main."""

    name = "netspec"

    def main(self, args, prog_name, **extra):
        netspec_cli.main(list(args))


def invoke(*args) -> Result:
    """Run one command; fail the test on any exception but the exit, or a traceback in the output."""
    result = CliRunner().invoke(_Main(), [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result
