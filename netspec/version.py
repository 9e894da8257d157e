"""netspec's version, in one place: the package, `netspec --version` and every printout's first line read it."""

__version__ = "0.1.0"

# The version of the JSON that `--format json` writes (netspec/docs/netspec.schema.json): it changes
# only when a field is renamed, removed or changes its kind, never when a field is added.
JSON_SCHEMA = 1
