"""CPython's cyclic garbage collector, tuned once a server has started.

The collector runs whenever allocations outnumber deallocations by the first generation's
threshold (700), and every tenth run also collects the next generation. A request allocates
a great many short-lived objects — a batch of 500 reports, millions of them: cells, rows,
findings — so the collector ran thousands of times a batch, walking objects that were still
alive; bench/batch_cpu.py measured a fifth of the batch's CPU in it. Two remedies from
CPython's documentation of the ``gc`` module:

- ``gc.freeze()`` once the app is built: the modules, format definitions, pydantic schemas
  and compiled statements live as long as the process, so no collection need walk them;
- a higher first threshold: collections run less often. What a request made is freed by
  reference counting as soon as the request is done; only reference cycles wait for the
  collector, and a request makes few.
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 10_000


def tune_for_serving() -> None:
    gc.collect()  # what startup left as garbage is not kept forever by the freeze
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
