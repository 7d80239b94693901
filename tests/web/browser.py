"""Driving the web client in real headless Chromium: Debian's package, driven by Playwright through
executable_path (browser downloads fail on these machines). `make test` sets SHOPCHAT_BROWSER_E2E=1,
and then a missing Chromium is a failure, not a skip. Importing this module from a test module skips
that module when Chromium is missing otherwise."""
from __future__ import annotations

import contextlib
import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("SHOPCHAT_BROWSER_E2E") == "1"
SHOTS = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
PASSWORD = "shopchat-demo"
# every refusal of the Content-Security-Policy, as the page saw it (window.__csp)
CSP_WATCH = """window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));"""

if not CHROMIUM:
    if REQUIRED:
        pytest.fail("Chromium is missing: apt-get install chromium (.ci/run does)", pytrace=False)
    pytest.skip("needs Debian's chromium (make test installs nothing; .ci/run does)", allow_module_level=True)


async def new_page(browser, site, *, width=1200, height=800):
    context = await browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = await context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # what the Content-Security-Policy refused counts as an error too (Chromium reports it on the console)
    page.on("console", lambda msg: errors.append(msg.text) if "Content Security Policy" in msg.text else None)
    await page.add_init_script(CSP_WATCH)
    page.errors = errors
    await page.goto(site)
    return page


async def log_in(browser, site, username, *, width=1200, height=800, path=""):
    page = await new_page(browser, site.rstrip("/") + path if path else site, width=width, height=height)
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_selector("#group-list .group")
    return page


async def loaded(page):
    """The open conversation's history is on screen (the pane shows itself loading until then)."""
    await page.wait_for_selector("#scroller[aria-busy=false]")


async def say(page, text):
    """Types into the composer and presses Enter, as a person sends once the conversation is there."""
    await loaded(page)
    await page.fill("#composer", text)
    await page.press("#composer", "Enter")


async def open_group(page, name):
    await page.click(f"#group-list .group:has-text('{name}')")
    await page.wait_for_selector(f"#chat-header .title:text-is('{name}')")
    await loaded(page)


async def two_in_group(browser, site, group, first="xiaomei", second="aqiang", **size):
    """Two people logged in side by side, both looking at the same group."""
    a, b = await log_in(browser, site, first, **size), await log_in(browser, site, second)
    await open_group(a, group)
    await open_group(b, group)
    return a, b


async def dashboard(browser, site, tab=None, username="banzhu"):
    """A moderator's dashboard, at one of its tabs."""
    page = await log_in(browser, site, username)
    await page.click("#switch-view")
    if tab:
        await page.click(f".mod-tabs button[data-tab={tab}]")
    return page


async def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    await page.screenshot(path=os.path.join(SHOTS, f"{name}.png"))


@contextlib.asynccontextmanager
async def launched():
    """Debian's Chromium through Playwright, closed on leaving."""
    from playwright.async_api import async_playwright
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            await b.close()
