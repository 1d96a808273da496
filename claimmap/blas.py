"""numpy's BLAS on one thread while claimmap analyses an article.

The products of an analysis are small (spaCy's tok2vec/parser layers with numpy's BLAS, the
technique heads), where BLAS threads only add hand-offs, and the analysis already runs the
technique encoder (onnxruntime, its own threads) beside the spaCy parse. On the busy 2-core
machine of BENCHMARKS.md the warm parse of the seed took 1.7 s with one BLAS thread and 15 s
with two. The limit is process-wide (BLAS has one setting), counted, and restored when the
last analysis inside it ends.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager

_BLAS = {"lock": threading.Lock(), "depth": 0, "limiter": None, "controller": None}


@contextmanager
def one_blas_thread():
    """numpy's BLAS on one thread inside (process-wide, restored when the last user leaves):
    the heads multiply small matrices, where BLAS threads only add hand-offs (on a busy 2-core
    machine the SI head took 0.9 s with two threads, 0.3 s with one)."""
    with _BLAS["lock"]:
        if _BLAS["depth"] == 0:
            try:
                if _BLAS["controller"] is None:
                    from threadpoolctl import ThreadpoolController

                    _BLAS["controller"] = ThreadpoolController()
                _BLAS["limiter"] = _BLAS["controller"].limit(limits=1, user_api="blas")
            except Exception:  # noqa: BLE001 - no threadpoolctl or no BLAS found: run as is
                _BLAS["limiter"] = None
        _BLAS["depth"] += 1
    try:
        yield
    finally:
        with _BLAS["lock"]:
            _BLAS["depth"] -= 1
            if _BLAS["depth"] == 0 and _BLAS["limiter"] is not None:
                _BLAS["limiter"].restore_original_limits()
                _BLAS["limiter"] = None
