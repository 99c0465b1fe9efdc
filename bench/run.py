"""`make bench`: run the benchmarks of this folder (today: portal_and_api.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from portal_and_api import main

if __name__ == "__main__":
    sys.exit(main())
