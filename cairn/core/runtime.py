"""Process-level tuning applied once a web process has loaded the application."""

import gc
import os


def tune_garbage_collection() -> None:
    """Freeze start-up objects and collect young objects less often.

    A request allocates tens of thousands of short-lived objects (rows, model
    instances, serializer fields). With CPython's default thresholds (700, 10, 10) the
    collector then runs full collections over every object loaded at start-up in the
    middle of requests, which shows as p95 latency several times the median. Freezing
    moves the start-up objects out of the collector's sight (and keeps copy-on-write
    pages shared between forked workers); a larger first threshold collects less
    often. `CAIRN_GC_THRESHOLD=700,10,10` restores CPython's defaults.
    """
    gc.freeze()
    setting = os.environ.get("CAIRN_GC_THRESHOLD", "50000,20,20")
    thresholds = [int(value) for value in setting.split(",")]
    gc.set_threshold(*thresholds)
