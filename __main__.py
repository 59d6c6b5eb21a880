"""``python -m citegraph`` runs the command line."""

import sys

try:
    from citegraph.cli import main
except KeyboardInterrupt:  # Ctrl-C while the command line is still starting
    print("interrupted before the command started; nothing was written", file=sys.stderr)
    sys.exit(130)

main()
