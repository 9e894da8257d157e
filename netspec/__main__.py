"""`python -m netspec` runs the command line."""

from netspec.launch import main

main()
