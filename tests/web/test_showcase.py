"""晒单 / 种草 in real Chromium (issue 15): a shopper starts a 晒单 about a product picked from the catalogue with two
photos; another shopper, on a phone (390 px), sees it arrive live on the group's 晒单墙 with 已购, taps the tile, sees the
two photos in the thread and opens them in the lightbox; back on the topic list a 种草 arrives live with its badge."""
from __future__ import annotations

import io

from PIL import Image

from tests.web.browser import log_in, loaded, open_group

GROUP = "好物分享群"


def picture(color, size=(800, 600), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, fmt)
    return out.getvalue()


def as_file(name: str, data: bytes, mime: str = "image/png") -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


async def no_sideways_scroll(page):
    assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


async def start_topic(page, *, tag, query, sku, title, text, files=()):
    """The topic list's form: kind, product picked from the catalogue search, words, pictures chosen with 📷."""
    await page.select_option("#thread-tag", tag)
    await page.fill("#thread-product-q", query)
    await page.click(f"#thread-product-results button[data-sku='{sku}']")
    await page.wait_for_selector("#thread-product:not([hidden])")
    await page.fill("form.new-thread input[name=title]", title)
    await page.fill("form.new-thread textarea[name=text]", text)
    if files:
        await page.set_input_files("#picture-input", list(files))
        await page.locator("#attachments .attachment.uploaded").nth(len(files) - 1).wait_for(timeout=10000)
    await page.click("#start-thread")


async def test_a_showcase_with_two_photos_reaches_another_shopper_live_on_the_wall_and_in_the_lightbox(browser, site):
    xiaomei = await log_in(browser, site, "xiaomei")
    aqiang = await log_in(browser, site, "aqiang", width=390, height=844)
    await open_group(xiaomei, GROUP)
    await open_group(aqiang, GROUP)

    # aqiang (on a phone) watches the group's 晒单墙
    await aqiang.click("#open-threads")
    await aqiang.wait_for_selector("#thread-list")
    await aqiang.click("#open-showcase")
    await aqiang.wait_for_selector("#showcase-grid")
    # the demo community's own 晒单 (xiaomei's earbuds, words only) is there already, with 已购
    demo = aqiang.locator("#showcase-grid .tile", has_text="晒单：618")
    await demo.wait_for(timeout=10000)
    assert await aqiang.locator("#showcase-grid .tile").count() == 1
    assert await demo.locator(".bought").inner_text() == "已购"
    await no_sideways_scroll(aqiang)

    # xiaomei: a 晒单 of the hoodie she bought, with two photos; a 晒单 without a product is refused before sending
    await xiaomei.click("#open-threads")
    await xiaomei.wait_for_selector("form.new-thread")
    assert await xiaomei.locator("#thread-tag option").all_inner_texts() == ["普通话题", "晒单", "种草"]
    await xiaomei.select_option("#thread-tag", "showcase")
    await xiaomei.fill("form.new-thread input[name=title]", "加绒卫衣晒单")
    await xiaomei.fill("form.new-thread textarea[name=text]", "很暖和")
    await xiaomei.click("#start-thread")
    assert await xiaomei.locator("form.new-thread .error").inner_text() == "晒单要选一件商品"
    await start_topic(xiaomei, tag="showcase", query="卫衣", sku="SC-HOODIE-01", title="加绒卫衣晒单",
                      text="很暖和，尺码正，黑色百搭",
                      files=[as_file("front.png", picture((30, 30, 30))),
                             as_file("back.jpg", picture((200, 40, 60), (600, 800), "JPEG"), "image/jpeg")])
    await xiaomei.wait_for_selector("#chat-header .title:text-is('加绒卫衣晒单')")
    header = xiaomei.locator("#chat-header")
    assert await header.locator(".tag-badge").inner_text() == "晒单"
    assert await header.locator(".bought").inner_text() == "已购"  # she has a shipped order of it
    assert await header.locator(".header-product").inner_text() == "加绒连帽卫衣"  # what it is about
    await loaded(xiaomei)
    mine = xiaomei.locator("#messages .message", has_text="很暖和，尺码正")
    await mine.locator(".pictures .pic.loaded").nth(1).wait_for(timeout=15000)

    # aqiang's wall shows it live: the first photo, 2 pictures, the badge and 已购, the product
    tile = aqiang.locator("#showcase-grid .tile", has_text="加绒卫衣晒单")
    await tile.wait_for(timeout=15000)
    await tile.locator("img.tile-picture.loaded").wait_for(timeout=15000)
    assert await tile.locator(".tag-badge").inner_text() == "晒单"
    assert await tile.locator(".bought").inner_text() == "已购"
    assert await tile.locator(".tile-product").inner_text() == "加绒连帽卫衣"
    assert await tile.locator(".tile-count").inner_text() == "2"
    box = await tile.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    await no_sideways_scroll(aqiang)

    # tapping the tile opens the thread with both photos; the first opens in the lightbox, then the second
    await tile.click()
    await aqiang.wait_for_selector("#chat-header .title:text-is('加绒卫衣晒单')")
    await loaded(aqiang)
    theirs = aqiang.locator("#messages .message", has_text="很暖和，尺码正")
    await theirs.locator(".pictures .pic.loaded").nth(1).wait_for(timeout=15000)
    assert await theirs.locator(".pictures .pic").count() == 2
    assert await aqiang.locator("#chat-header .bought").inner_text() == "已购"
    await theirs.locator(".pictures .pic").nth(0).click()
    await aqiang.wait_for_selector("#lightbox[data-index='0'] .lightbox-picture.loaded")
    assert await aqiang.locator("#lightbox .lightbox-count").inner_text() == "1 / 2"
    assert await aqiang.evaluate("document.querySelector('#lightbox .lightbox-picture').naturalWidth") == 800
    await aqiang.keyboard.press("ArrowRight")
    await aqiang.wait_for_selector("#lightbox[data-index='1'] .lightbox-picture.loaded")
    assert await aqiang.locator("#lightbox .lightbox-count").inner_text() == "2 / 2"
    await aqiang.keyboard.press("Escape")
    await aqiang.locator("#lightbox").wait_for(state="detached")

    # ‹ goes back to the wall it came from; then the topic list, where a 种草 arrives live with its badges
    await aqiang.click("#chat-header .back")
    await aqiang.wait_for_selector("#showcase-grid .tile")
    await aqiang.click("#open-thread-list")
    await aqiang.wait_for_selector("#thread-list .thread:has-text('加绒卫衣晒单') .tag-badge")
    listed = aqiang.locator("#thread-list .thread", has_text="加绒卫衣晒单")
    assert await listed.locator(".bought").inner_text() == "已购"
    assert "加绒连帽卫衣" in await listed.locator(".thread-product").inner_text()

    await xiaomei.click("#chat-header .back")
    await xiaomei.wait_for_selector("form.new-thread")
    await start_topic(xiaomei, tag="recommend", query="耳机", sku="SC-EARBUDS-02", title="降噪耳机真香",
                      text="通勤必备，地铁里很安静")
    await xiaomei.wait_for_selector("#chat-header .title:text-is('降噪耳机真香')")
    fresh = aqiang.locator("#thread-list .thread", has_text="降噪耳机真香")
    await fresh.wait_for(timeout=10000)
    assert await fresh.locator(".tag-badge").inner_text() == "种草"
    assert await fresh.locator(".bought").inner_text() == "已购"  # delivered to her
    await no_sideways_scroll(aqiang)
    # the 种草 isn't on the 晒单墙
    await aqiang.click("#open-showcase")
    await aqiang.wait_for_selector("#showcase-grid .tile")
    assert await aqiang.locator("#showcase-grid .tile").count() == 2  # the demo's and hers
    assert await aqiang.locator("#showcase-grid .tile", has_text="降噪耳机真香").count() == 0
    assert xiaomei.errors == [] and aqiang.errors == []
