"""`make bench`: run a benchmark of this folder.

`bench/run.py [ARGS]` runs portal_and_api.py (the default);
`bench/run.py deal_conflicts [ARGS]` runs deal_conflicts.py. See bench/README.md.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

BENCHMARKS = ("portal_and_api", "deal_conflicts")

if __name__ == "__main__":
    arguments = sys.argv[1:]
    name = "portal_and_api"
    if arguments and arguments[0] in BENCHMARKS:
        name, arguments = arguments[0], arguments[1:]
    if name == "deal_conflicts":
        from deal_conflicts import main
    else:
        from portal_and_api import main
    sys.exit(main(arguments))
