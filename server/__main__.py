"""python -m server: run the platform with the configuration from the environment."""
from __future__ import annotations

import logging

from aiohttp import web

from .app import create_app
from .config import Config


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = Config.from_env()
    logging.getLogger("server").info("storage: %s; listening on http://%s:%d", config.backend, config.host,
                                     config.port)
    web.run_app(create_app(config), host=config.host, port=config.port, print=None)


if __name__ == "__main__":
    main()
