from __future__ import annotations

import os

import pytest

from server.transport.keys import SERVICES
from tests.conftest import app_for, make_config


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, seed_demo=True)


@pytest.fixture
async def web(aiohttp_client, config):
    if not os.path.exists(os.path.join(config.web_dir, "static", "vendor", "socket.io.min.js")):
        pytest.fail("the web client's vendor files are missing: make web", pytrace=False)
    return await aiohttp_client(app_for(config))


@pytest.fixture
def site(web):
    return str(web.make_url("/"))


@pytest.fixture
def services(web):
    return web.app[SERVICES]


@pytest.fixture
async def browser(site):
    """Depends on `site` so it closes first: the server's shutdown waits for open connections."""
    from tests.web.browser import launched
    async with launched() as b:
        yield b
