"""`make bench`, web client: what the shopper view's first load transfers, and scrolling through a
conversation of 1,000 messages in real headless Chromium with the windowed list against the same client
rendering every message it loads (localStorage "shopchat.window" = "all": the peer measured in the same run).

Scrolling: the conversation is opened at its newest message and scrolled to the very first one with mouse-wheel
steps (600 px each, one per frame), then back to the newest. Frame times come from requestAnimationFrame during
both passes; "long frames" are those over 50 ms. Run alone: PYTHONPATH=. python -m bench.web_client"""
from __future__ import annotations

import asyncio
import gzip
import json
import os
import shutil
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

from aiohttp import web

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STATIC = os.path.join(ROOT, "web", "static")
HISTORY = 1000

FRAMES = """() => { window.__frames = []; let last = performance.now();
  const tick = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(tick); };
  window.__recording = true; requestAnimationFrame(tick); }"""


def first_load() -> dict:
    """Everything the shopper view loads before it can show a conversation, gzipped at level 9."""
    files = [os.path.join(ROOT, "web", "index.html"), os.path.join(STATIC, "app.css"),
             os.path.join(STATIC, "vendor", "socket.io.min.js")]
    # every ES module of the client, web/static/chat/ and web/static/cards/ too (vendor/ is counted above, once)
    files += sorted(str(p) for p in Path(STATIC).rglob("*.js") if "vendor" not in p.relative_to(STATIC).parts)
    raw = sum(os.path.getsize(f) for f in files)
    zipped = sum(len(gzip.compress(Path(f).read_bytes(), 9)) for f in files)
    vendor = len(gzip.compress(Path(files[2]).read_bytes(), 9))
    return {"files": len(files), "raw_kb": round(raw / 1024, 1), "gzip_kb": round(zipped / 1024, 1),
            "app_gzip_kb": round((zipped - vendor) / 1024, 1), "socketio_gzip_kb": round(vendor / 1024, 1)}


async def start_server(data_dir: str):
    from server.app import create_app
    from server.config import Config
    from server.storage.base import NewMessage
    from server.transport.keys import SERVICES
    config = Config(data_dir=data_dir, seed_demo=True, argon2_time_cost=1, argon2_memory_kib=1024, bot=False,
                    flood_messages=0, repeat_count=0, host="127.0.0.1", port=0)
    from scripts.demo import seed_if_empty
    app = create_app(config, on_start=[seed_if_empty])
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    svc = app[SERVICES]
    group = (await svc.storage.groups.discover(query="穿搭交流", limit=1, offset=0))[0]
    author = await svc.storage.users.get_by_username(username="lily")
    start = svc.clock.now() - timedelta(days=2)
    for i in range(1, HISTORY + 1):
        text = f"历史消息第{i}条：" + ("这件外套的面料摸起来怎么样？尺码偏大还是偏小？" if i % 3 else "https://shop.example.com/item/" + str(i))
        await svc.storage.messages.append(NewMessage(conversation_id=group.conversation_id, author_id=author.id,
                                                     type="text", text=text, created_at=start + timedelta(seconds=i)))
    return runner, f"http://127.0.0.1:{port}/"


async def scroll_pass(page, direction: int, until: str) -> int:
    steps = 0
    while not await page.evaluate(until) and steps < 2000:
        await page.mouse.wheel(0, 600 * direction)
        await page.evaluate("() => new Promise(requestAnimationFrame)")
        steps += 1
    return steps


async def measure(browser, url: str, mode: str) -> dict:
    context = await browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = await context.new_page()
    await page.goto(url)
    await page.wait_for_selector("input[name=username]")
    # what the first load really put on the wire (bodies as sent, gzipped by the server, plus headers)
    transfer = await page.evaluate("""() => [...performance.getEntriesByType('navigation'),
        ...performance.getEntriesByType('resource')].reduce((sum, e) => sum + e.transferSize, 0)""")
    if mode == "all":
        await page.evaluate("localStorage.setItem('shopchat.window', 'all')")
        await page.reload()
    await page.fill("input[name=username]", "xiaomei")
    await page.fill("input[name=password]", "shopchat-demo")
    await page.click("button[type=submit]")
    await page.click("#group-list .group:has-text('穿搭交流')")
    await page.wait_for_selector(f"#messages .message:has-text('历史消息第{HISTORY}条')")
    box = await page.locator("#scroller").bounding_box()
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    await page.evaluate(FRAMES)
    up = await scroll_pass(page, -1, "() => !!document.querySelector('#messages [data-seq=\"1\"]') && "
                                     "document.getElementById('scroller').scrollTop === 0")
    most_nodes = await page.locator("#messages .message").count()
    down = await scroll_pass(page, 1, f"() => {{ const s = document.getElementById('scroller'); return "
                                      f"!!document.querySelector('#messages .message[data-seq=\"{HISTORY + 2}\"]') && "
                                      "s.scrollHeight - s.scrollTop - s.clientHeight < 2; }")
    frames = await page.evaluate("() => { window.__recording = false; return window.__frames; }")
    nodes_end = await page.evaluate("document.getElementsByTagName('*').length")
    await context.close()
    frames = sorted(frames[1:])
    pick = lambda q: frames[min(len(frames) - 1, int(q * len(frames)))]  # noqa: E731
    return {"mode": mode, "first_load_transfer_kb": round(transfer / 1024, 1), "wheel_steps": up + down, "frames": len(frames), "p50_ms": round(statistics.median(frames), 1),
            "p95_ms": round(pick(0.95), 1), "p99_ms": round(pick(0.99), 1), "max_ms": round(frames[-1], 1),
            "long_frames": sum(1 for f in frames if f > 50), "messages_in_page_at_top": most_nodes,
            "dom_elements_at_end": nodes_end}


async def run() -> dict:
    from playwright.async_api import async_playwright
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    out = {"first_load": first_load()}
    if not chromium:
        out["scroll"] = "skipped: no chromium (apt-get install chromium)"
        return out
    data_dir = tempfile.mkdtemp(prefix="bench-web-")
    runner, url = await start_server(data_dir)
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            out["scroll"] = [await measure(browser, url, mode) for mode in ("windowed", "all")]
            await browser.close()
    finally:
        await runner.cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)
    windowed, every = out["scroll"]
    out["windowed_over_all"] = {k: round(windowed[k] / every[k], 2) if every[k] else None
                                for k in ("p50_ms", "p95_ms", "p99_ms", "max_ms", "dom_elements_at_end")}
    return out


if __name__ == "__main__":
    print(json.dumps(asyncio.run(run()), indent=1, ensure_ascii=False))
