import gc
from collections.abc import Iterator

import pytest

from cairn.core.runtime import tune_garbage_collection


@pytest.fixture
def restore_collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_tuning_freezes_startup_objects_and_raises_thresholds(
    restore_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAIRN_GC_THRESHOLD", raising=False)

    tune_garbage_collection()

    assert gc.get_threshold() == (50000, 20, 20)
    assert gc.get_freeze_count() > 0


def test_thresholds_come_from_the_environment(
    restore_collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAIRN_GC_THRESHOLD", "700,10,10")

    tune_garbage_collection()

    assert gc.get_threshold() == (700, 10, 10)
