"""Avatar pictures in real Chromium: a shopper picks a photo in the profile, the server checks it and it shows
over the initials for another shopper in the group; a QR-code avatar is refused in words; the picture removed,
the initials come back."""
from __future__ import annotations

from tests.fixtures.pictures import fixture, qr_photo
from tests.web.browser import log_in, open_group, say


def as_file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "image/jpeg", "buffer": data}


async def test_an_avatar_picture_is_checked_and_shown_to_others(browser, site):
    xiaomei = await log_in(browser, site, "xiaomei")
    await xiaomei.click("#open-profile")
    await xiaomei.set_input_files("#avatar-file", [as_file("me.jpg", fixture("plain_photo.jpg"))])
    await xiaomei.wait_for_selector(".profile-form .status:has-text('已保存')", timeout=30000)
    await xiaomei.wait_for_selector("#profile-avatar .avatar img[src^='/media/avatars/']")
    assert await xiaomei.evaluate("document.querySelector('#profile-avatar img').naturalWidth") > 0  # it loaded
    assert await xiaomei.locator("#avatar-remove").is_visible()

    await xiaomei.set_input_files("#avatar-file", [as_file("qr.jpg", qr_photo("https://u.wechat.com/EHx3kq9"))])
    status = xiaomei.locator(".profile-form .status")
    await xiaomei.wait_for_selector(".profile-form .status:has-text('不能用作头像')", timeout=30000)
    assert "二维码" in await status.inner_text()  # what was found in it, in words
    assert await xiaomei.locator("#profile-avatar .avatar img").count() == 1  # the earlier picture stays

    await open_group(xiaomei, "好物分享群")
    await say(xiaomei, "换了新头像")
    aqiang = await log_in(browser, site, "aqiang")
    await open_group(aqiang, "好物分享群")
    mine = aqiang.locator("#messages .message", has_text="换了新头像")
    await mine.locator(".avatar img[src^='/media/avatars/']").wait_for(timeout=10000)
    # changed again while aqiang has the group open: his page shows the new one at once, without a reload
    before = await mine.locator(".avatar img").get_attribute("src")
    await xiaomei.click("#open-profile")
    await xiaomei.set_input_files("#avatar-file", [as_file("me2.jpg", fixture("clean_review.jpg"))])
    await xiaomei.wait_for_selector(f"#profile-avatar .avatar img:not([src='{before}'])", timeout=30000)
    await aqiang.wait_for_function(
        "(before) => [...document.querySelectorAll('#messages .message .avatar img')].some((i) => i.src && "
        "!i.src.endsWith(before) && i.src.includes('/media/avatars/'))", arg=before, timeout=10000)

    await xiaomei.click("#open-profile")
    await xiaomei.click("#avatar-remove")
    await xiaomei.wait_for_selector("#profile-avatar .avatar:not(:has(img))")
    assert xiaomei.errors == [] and aqiang.errors == []
