"""netspec's version, in one place: the package, `netspec --version` and every printout's first line read it."""

__version__ = "0.1.0"
