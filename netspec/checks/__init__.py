"""The checker's methods, one module per family of statements; netspec/checker.py puts them together."""
