"""python -m server: run the platform with the configuration from the environment."""
from __future__ import annotations

import logging

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
    web.run_app(create_app(config, on_start=on_start), host=config.host, port=config.port, print=None,
                access_log_class=RedactingAccessLogger)


if __name__ == "__main__":
    main()
