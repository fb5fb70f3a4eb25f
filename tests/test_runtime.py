from __future__ import annotations

import asyncio
import threading

from shop import runtime


def test_a_container_reuses_one_event_loop_across_invocations() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    async def current() -> asyncio.AbstractEventLoop:
        return asyncio.get_running_loop()

    def container() -> None:
        loops.extend(runtime.run(current()) for _ in range(3))

    worker = threading.Thread(target=container)
    worker.start()
    worker.join()

    assert len(set(map(id, loops))) == 1


def test_each_container_thread_has_its_own_loop() -> None:
    seen: list[asyncio.AbstractEventLoop] = []

    def container() -> None:
        seen.append(runtime.event_loop())

    threads = [threading.Thread(target=container) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert seen[0] is not seen[1]
