"""`python -m clinrules` runs the same command line as `clinrules`."""

from clinrules.cli.main import main

main()
