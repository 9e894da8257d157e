"""The checker's methods, one module per family of statements; netspec/check/checker.py puts them together."""
