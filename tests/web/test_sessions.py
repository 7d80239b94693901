"""Sessions in real Chromium: a password changed on the phone logs the laptop out at once (its open page
goes back to the login, saying why); "log out everywhere" ends this page's session too; a demoted agent's
open page loses the desk without a reload."""
from __future__ import annotations

from tests.web.browser import PASSWORD, log_in, shot

NEW_PASSWORD = "换个新密码-2026"


async def test_a_password_change_on_the_phone_logs_the_laptop_out(browser, site):
    phone = await log_in(browser, site, "xiaomei", width=390, height=844)
    laptop = await log_in(browser, site, "xiaomei")
    await phone.click("#open-profile")
    await phone.fill("input[name=current_password]", PASSWORD)
    await phone.fill("input[name=new_password]", NEW_PASSWORD)
    await phone.click(".password-form button[type=submit]")
    await phone.wait_for_selector(".password-form .status:has-text('密码已修改')")
    await shot(phone, "password-changed-phone")
    # the laptop's page is told, reconnects with a token that no longer holds, and shows the login
    await laptop.wait_for_selector("input[name=username]", timeout=5000)
    # the phone stays logged in with the token the change gave it, past a reload
    await phone.reload()
    await phone.wait_for_selector("#group-list .group")
    await laptop.fill("input[name=username]", "xiaomei")
    await laptop.fill("input[name=password]", "wrong-password-1")
    await laptop.click("button[type=submit]")
    await laptop.wait_for_selector("form.login .error")
    assert await laptop.input_value("input[name=username]") == "xiaomei"  # a refusal keeps what was typed
    await laptop.fill("input[name=password]", NEW_PASSWORD)
    await laptop.click("button[type=submit]")
    await laptop.wait_for_selector("#group-list .group")
    assert not phone.errors and not laptop.errors


async def test_log_out_everywhere_ends_this_page_and_the_others(browser, site):
    phone = await log_in(browser, site, "aqiang", width=390, height=844)
    laptop = await log_in(browser, site, "aqiang")
    await phone.click("#open-profile")
    phone.once("dialog", lambda dialog: dialog.accept())
    await phone.click("#logout-all")
    await phone.wait_for_selector("input[name=username]", timeout=5000)
    await laptop.wait_for_selector("input[name=username]", timeout=5000)
    await laptop.reload()
    await laptop.wait_for_selector("input[name=username]")  # the stored token was revoked too
    assert not phone.errors and not laptop.errors


async def test_a_demoted_agent_loses_the_desk_on_the_open_page(browser, site, web):
    kefu = await log_in(browser, site, "kefu", width=390, height=844)
    await kefu.click("#switch-desk")  # on the desk itself when it happens
    await kefu.wait_for_selector(".desk")
    admin = await web.post("/api/auth/login", json={"username": "admin", "password": PASSWORD})
    token = (await admin.json())["token"]
    me = await web.post("/api/auth/login", json={"username": "kefu", "password": PASSWORD})
    kefu_id = (await me.json())["user"]["id"]
    resp = await web.put(f"/api/users/{kefu_id}/role", json={"role": "member"},
                         headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200
    await kefu.wait_for_selector(".toast:has-text('角色已变更')", timeout=5000)
    await kefu.wait_for_selector("#switch-desk", state="detached", timeout=5000)
    await kefu.wait_for_selector(".desk", state="detached", timeout=5000)
    await kefu.wait_for_selector("#group-list .group")  # still logged in, as a member, back in the chats
    assert await kefu.locator(".toast:has-text('角色已变更')").count() == 1
    assert not await kefu.evaluate("() => document.body.classList.contains('offline')")
    assert not kefu.errors
