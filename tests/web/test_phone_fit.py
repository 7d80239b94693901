"""What new users found too small or cut off, measured in real Chromium at phone width (390 × 844) and on a desktop, in
zh-CN and English: the report form under a message and in a person's card (inside the screen, real buttons), the role
badges and avatar initials (inside their boxes; a long name ends in …), the avatar colour picker (a swatch one can
tap, and ready-made colours), and a toast that never covers the line under the composer saying why a message was
refused."""
from __future__ import annotations

import pytest

from tests.web.browser import PASSWORD, log_in, open_group, say

GROUP = "好物分享群"
PHONE = {"width": 390, "height": 844}
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= window.innerWidth"


async def box(locator):
    b = await locator.bounding_box()
    assert b is not None, locator
    return b


def inside(b, width, *, left=0.0):
    return b["x"] >= left - 0.5 and b["x"] + b["width"] <= width + 0.5


def overlap(a, b):
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


async def switch_language(page, lang_word):
    await page.click("button.lang")
    await page.wait_for_selector(f"button.lang:text-is('{lang_word}')")


async def check_report_form(page, form, width):
    """Every part of the form inside the screen, the note a whole row, the buttons big enough to tap, nothing on top
    of anything else."""
    assert await page.evaluate(NO_SIDEWAYS)
    parts = {"form": form, "category": form.locator("select[name=category]"), "note": form.locator("input[name=note]"),
             "send": form.locator("button[type=submit]"), "cancel": form.locator("button[type=button]")}
    boxes = {name: await box(part) for name, part in parts.items()}
    for name, b in boxes.items():
        assert inside(b, width), (name, b)
    assert boxes["note"]["width"] >= 200, boxes["note"]  # its placeholder (补充说明（选填）) isn't cut off
    for name in ("send", "cancel"):
        assert boxes[name]["height"] >= 32 and boxes[name]["width"] >= 44, (name, boxes[name])  # a thumb's target
    names = ["category", "note", "send", "cancel"]
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            assert not overlap(boxes[a], boxes[b]), (a, b, boxes[a], boxes[b])
    assert await form.evaluate("f => f.scrollWidth <= f.clientWidth + 1")
    assert await form.evaluate("f => getComputedStyle(f.closest('.acts') || f).opacity") == "1"


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_report_form_fits_a_phone_and_its_buttons_are_reachable(browser, site, lang):
    page = await log_in(browser, site, "xiaomei", **PHONE)
    if lang == "en":
        await switch_language(page, "中文")
    await open_group(page, GROUP)
    reported = page.locator("#messages .message", has_text="耳机有白色")
    await reported.locator("button.report").click()
    form = reported.locator(".report-form")
    await check_report_form(page, form, PHONE["width"])
    await page.mouse.move(380, 830)  # the pointer elsewhere: the form being written doesn't fade away
    await check_report_form(page, form, PHONE["width"])

    # a person's card: the same form, inside the card and the screen
    await reported.locator("button.author").click()
    await page.click("#user-card .report-user")
    card_form = page.locator("#user-card .report-form")
    await check_report_form(page, card_form, PHONE["width"])
    card = await box(page.locator("#user-card"))
    assert inside(card, PHONE["width"]) and inside(await box(card_form), card["x"] + card["width"], left=card["x"])
    assert await page.locator("#user-card .report-form .status").is_hidden()  # no empty grey pill beside the buttons
    await page.click("#user-card .close")

    await form.locator("input[name=note]").fill("测试")
    await form.locator("button[type=submit]").click()
    done = "已举报" if lang == "zh-CN" else "Reported"
    await reported.locator(".report-form .status", has_text=done).wait_for(timeout=5000)
    assert inside(await box(reported.locator(".report-form .status")), PHONE["width"])
    assert page.errors == []
