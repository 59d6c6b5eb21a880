"""``python -m citegraph`` runs the command line."""

from citegraph.cli import main

main()
