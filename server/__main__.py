"""python -m server: run the platform with the configuration from the environment."""
from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import web

from .app import create_app
from .config import Config
from .transport.access_log import RedactingAccessLogger


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = Config.from_env()
    logging.getLogger("server").info("storage: %s; listening on http://%s:%d", config.backend, config.host,
                                     config.port)
    on_start = []
    if config.seed_demo:  # an empty database gets the demo community
        from scripts.demo import seed_if_empty
        on_start.append(seed_if_empty)
    app = create_app(config, on_start=on_start)
    app.on_startup.append(_freeze_startup_objects)
    if not config.internal_port:
        web.run_app(app, host=config.host, port=config.port, print=None, access_log_class=RedactingAccessLogger)
        return
    logging.getLogger("server").info("internal API (the assistant's action server) on http://%s:%d",
                                     config.internal_host, config.internal_port)
    asyncio.run(_serve_two_ports(app, config))


async def _freeze_startup_objects(app) -> None:
    """Once storage, the moderation lexicons and the tokenizers are loaded (they live as long as the process),
    the garbage collector stops walking them: a full collection over them was the longest pause a message's
    moderation saw (docs/performance.md)."""
    gc.collect()
    gc.freeze()


async def _serve_two_ports(app, config) -> None:
    """The public port and the internal one (/internal/* for the action server), one app behind both."""
    runner = web.AppRunner(app, access_log_class=RedactingAccessLogger)
    await runner.setup()
    await web.TCPSite(runner, config.host, config.port).start()
    await web.TCPSite(runner, config.internal_host, config.internal_port).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


if __name__ == "__main__":
    main()
