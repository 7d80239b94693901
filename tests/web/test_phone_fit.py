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


# every avatar's initials inside its circle: the corners of the text's box no farther from the centre than the radius
INITIALS_OUTSIDE = """() => [...document.querySelectorAll('.avatar')].filter((a) => !a.querySelector('img')).map((a) => {
  const range = document.createRange();
  range.selectNodeContents(a);
  const t = range.getBoundingClientRect(), b = a.getBoundingClientRect();
  const r = b.width / 2, cx = b.left + r, cy = b.top + b.height / 2;
  const far = Math.max(...[[t.left, t.top], [t.right, t.top], [t.left, t.bottom], [t.right, t.bottom]]
    .map(([x, y]) => Math.hypot(x - cx, y - cy)));
  return far > r + 0.5 ? `${a.textContent} ${t.width.toFixed(1)}×${t.height.toFixed(1)} in ${b.width}px` : null;
}).filter(Boolean)"""
# each member's row inside the list, each badge inside its row, the list never scrolling sideways
MEMBERS_OUTSIDE = """() => {
  const list = document.getElementById('members');
  const lb = list.getBoundingClientRect();
  const out = list.scrollWidth > list.clientWidth + 1 ? [`list ${list.scrollWidth} > ${list.clientWidth}`] : [];
  for (const li of list.querySelectorAll('li')) {
    const b = li.getBoundingClientRect();
    if (b.left < lb.left - 0.5 || b.right > lb.right + 0.5) out.push(`row ${li.textContent} ${b.left}-${b.right}`);
    for (const part of li.querySelectorAll('.role, .author, select')) {
      const p = part.getBoundingClientRect();
      if (p.left < b.left - 0.5 || p.right > b.right + 0.5) out.push(`${part.className} ${part.textContent} ${p.left}-${p.right}`);
    }
  }
  return out;
}"""
LONG_NAME = "Administrator Wang of the Whole Community Team 管理员"


@pytest.mark.parametrize("size", [PHONE, {"width": 1200, "height": 800}], ids=["phone", "desktop"])
async def test_role_badges_and_initials_fit_their_boxes(browser, site, web, size):
    resp = await web.post("/api/auth/login", json={"username": "banzhu", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {(await resp.json())['token']}"}
    resp = await web.patch("/api/me", headers=headers, json={"display_name": LONG_NAME})
    assert resp.status == 200, await resp.text()

    admin = await log_in(browser, site, "admin", **size)  # the owner: every row has its role picker too
    xiaomei = await log_in(browser, site, "xiaomei", **size)
    await open_group(admin, GROUP)
    await open_group(xiaomei, GROUP)
    await say(admin, "大家好，我是管理员")
    await say(xiaomei, "收到")  # her own message: no avatar; the admin's has 理员 in a small circle
    await xiaomei.locator("#messages .message", has_text="我是管理员").locator(".avatar").wait_for(timeout=5000)
    await say(admin, "@banzhu 辛苦了")
    await xiaomei.locator("#messages .message", has_text="辛苦了").wait_for(timeout=5000)
    for page, lang in ((admin, "中文"), (xiaomei, "中文")):
        await page.click("#open-members")
        await page.wait_for_selector("#members li .role")
        for _ in range(2):  # zh-CN, then English (管理员 → Admin, 版主 → Moderator)
            assert await page.evaluate(INITIALS_OUTSIDE) == []
            assert await page.evaluate(MEMBERS_OUTSIDE) == []
            assert await page.evaluate(NO_SIDEWAYS)
            roles = await page.locator("#members .role").all_inner_texts()
            assert roles and all(r.strip() for r in roles), roles
            if await page.locator("button.lang").inner_text() == "English":
                await switch_language(page, lang)
                await page.wait_for_selector("#members li .role")
    long_row = xiaomei.locator("#members li", has_text="Administrator Wang")
    name = await box(long_row.locator(".author"))
    assert name["width"] < size["width"] - 40, name  # ends in …, the row stays within the screen
    assert await long_row.locator(".author").evaluate("b => getComputedStyle(b).textOverflow") == "ellipsis"
    byline = await box(xiaomei.locator("#messages .message", has_text="辛苦了").locator(".byline"))
    assert inside(byline, size["width"]), byline
    assert admin.errors == [] and xiaomei.errors == []


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_avatar_colour_picker_is_usable_on_a_phone(browser, site, web, lang):
    page = await log_in(browser, site, "xiaomei", **PHONE)
    if lang == "en":
        await switch_language(page, "中文")
    await page.click("header .me")
    picker = page.locator("input[name=avatar_color]")
    await picker.wait_for()
    assert await page.evaluate(NO_SIDEWAYS)
    b = await box(picker)
    assert inside(b, PHONE["width"]) and b["width"] >= 32 and b["height"] >= 32, b  # a swatch to tap, not a line
    inner = await picker.evaluate("""i => { const s = getComputedStyle(i);
      return [i.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight),
              i.clientHeight - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom)]; }""")
    assert inner[0] >= 24 and inner[1] >= 24, inner  # the colour itself shows
    label = await box(page.locator(".color-field label"))
    assert label["height"] <= 26, label  # 头像颜色 on one line, not 头像颜 / 色
    swatches = page.locator(".swatches .swatch")
    assert await swatches.count() >= 6
    for i in range(await swatches.count()):
        s = await box(swatches.nth(i))
        assert inside(s, PHONE["width"]) and s["width"] >= 32 and s["height"] >= 32, (i, s)

    # a ready-made colour in one tap: chosen, shown on the avatar above at once, saved
    blue = page.locator(".swatch[data-color='#3370ff']")
    await blue.click()
    assert await picker.input_value() == "#3370ff"
    assert await blue.get_attribute("aria-pressed") == "true"
    assert await page.locator(".swatch[aria-pressed=true]").count() == 1
    assert await page.locator("#profile-avatar .avatar").evaluate("a => getComputedStyle(a).backgroundColor") \
        == "rgb(51, 112, 255)"
    await page.click("form.profile-form button[type=submit]")
    await page.wait_for_selector("form.profile-form .status:text-matches('已保存|Saved')")
    resp = await web.post("/api/auth/login", json={"username": "xiaomei", "password": PASSWORD})
    me = (await (await web.get("/api/me", headers={"Authorization": f"Bearer {(await resp.json())['token']}"})).json())
    assert me["user"]["avatar"]["color"].lower() == "#3370ff"
    assert page.errors == []


TOAST = """(text) => import("/static/core.js").then((core) => core.toast(text, "alert"))"""


@pytest.mark.parametrize("size", [PHONE, {"width": 1200, "height": 800}], ids=["phone", "desktop"])
async def test_a_toast_never_covers_the_line_saying_why_a_message_was_refused(browser, site, size):
    page = await log_in(browser, site, "aqiang", **size)
    await open_group(page, GROUP)
    await say(page, "加我薇信 abc12345 领优惠")
    error = page.locator("#send-error")
    await error.locator("text=违规").wait_for(timeout=5000)
    # two toasts at once (a long one wraps), as when a refusal after the checks and a notice come together
    await page.evaluate(TOAST, "你的图片未通过审核：图片里的微信/QQ二维码 · 二维码指向 https://u.wechat.com/EHx3kq9")
    await page.evaluate(TOAST, "你在好物分享群的身份现在是版主")
    await page.locator(".toast").nth(1).wait_for()
    said = await box(error)
    assert said["height"] > 0
    for part in ("#send-error", "#composer", ".composer button[type=submit]"):
        under = await box(page.locator(part))
        for i in range(await page.locator(".toast").count()):
            toast = await box(page.locator(".toast").nth(i))
            assert inside(toast, size["width"]), toast
            assert not overlap(toast, under), (part, toast, under)
    # and what is under a toast can still be tapped
    assert await page.locator("#toasts").evaluate("t => getComputedStyle(t).pointerEvents") == "none"
    assert page.errors == []
