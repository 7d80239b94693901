"""python -m server: run the platform with the configuration from the environment."""
from __future__ import annotations

import asyncio
import logging
import os

from aiohttp import web

from .app import create_app
from .config import Config


def event_loop() -> tuple[asyncio.AbstractEventLoop, str]:
    """uvloop when it is installed (it is in the locks), unless CHAT_UVLOOP=off; asyncio's own loop otherwise.
    (Read here, not in Config: the loop exists before the app's configuration is used.)"""
    if os.environ.get("CHAT_UVLOOP", "on").strip().lower() not in ("off", "0", "false", "no"):
        try:
            import uvloop
        except ImportError:
            pass
        else:
            return uvloop.new_event_loop(), f"uvloop {uvloop.__version__}"
    return asyncio.new_event_loop(), "asyncio"


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = Config.from_env()
    loop, loop_name = event_loop()
    logging.getLogger("server").info("storage: %s; event loop: %s; listening on http://%s:%d", config.backend,
                                     loop_name, config.host, config.port)
    web.run_app(create_app(config), host=config.host, port=config.port, print=None, loop=loop)


if __name__ == "__main__":
    main()
