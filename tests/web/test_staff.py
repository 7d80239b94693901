"""Agents and moderators in real Chromium: transferring a customer to another agent; a mute, the
appeal from the shopper's profile and its decision; the audit log; a group's rules changed in the
dashboard and tried in the rule tester."""
from __future__ import annotations

from tests.web.browser import PASSWORD, dashboard, log_in, open_group, say, shot


async def rest_login(web, username):
    resp = await web.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    body = await resp.json()
    return {"Authorization": f"Bearer {body['token']}"}, body["user"]


async def test_an_agent_transfers_a_customer_to_another_agent(browser, site):
    customer = await log_in(browser, site, "xiaomei", width=390, height=844)
    await customer.click("#contact-support")
    await customer.wait_for_selector("#composer")
    await say(customer, "我想改一下收货地址")
    await customer.wait_for_selector("#support-status[data-state=queued]", timeout=5000)

    kefu = await log_in(browser, site, "kefu")
    admin = await log_in(browser, site, "admin")
    await admin.click("#switch-desk")
    await kefu.click("#switch-desk")
    await kefu.click("#desk-queue .case:has-text('小美')")
    await kefu.wait_for_selector("#messages .message:has-text('收货地址')")
    await kefu.click("#transfer")
    await kefu.wait_for_selector(".transfer-form select option", state="attached")
    options = await kefu.locator(".transfer-form select option").all_inner_texts()
    assert any("管理员" in o for o in options) and not any("客服小林" in o for o in options)  # not to oneself
    await kefu.select_option(".transfer-form select", label=next(o for o in options if "管理员" in o))
    await kefu.click(".transfer-form button[type=submit]")
    await kefu.wait_for_selector(".desk .empty", timeout=5000)
    await admin.wait_for_selector("#desk-mine .case:has-text('小美')", timeout=5000)
    await customer.wait_for_selector("#support-status[data-state=assigned]:has-text('管理员')", timeout=5000)
    await admin.click("#desk-mine .case:has-text('小美')")
    await admin.type("#composer", "您好")
    await customer.wait_for_selector("#typing:has-text('管理员 正在输入')", timeout=5000)  # the customer sees it
    await say(admin, "您好，地址我来帮您改")
    await customer.wait_for_selector("#messages .message:has-text('地址我来帮您改')", timeout=5000)
    assert kefu.errors == [] and admin.errors == [] and customer.errors == []


async def test_mute_appeal_overturn_and_the_audit_log(browser, site, web):
    headers, _ = await rest_login(web, "banzhu")
    aqiang = await log_in(browser, site, "aqiang")
    await open_group(aqiang, "好物分享群")
    groups = await (await web.get("/api/me/groups", headers=headers)).json()
    group_id = next(g["id"] for g in groups["groups"] if g["name"] == "好物分享群")
    users = await (await web.get(f"/api/groups/{group_id}/members?limit=100", headers=headers)).json()
    aqiang_id = next(m["user_id"] for m in users["members"] if m["user"]["username"] == "aqiang")
    resp = await web.post(f"/api/moderation/users/{aqiang_id}/actions", headers=headers,
                          json={"action": "mute", "duration": "1d", "reason": "连续刷屏", "group_id": group_id})
    assert resp.status == 200
    await aqiang.wait_for_selector(".toast.alert:has-text('连续刷屏')", timeout=5000)

    await aqiang.click("#open-profile")
    sanction = aqiang.locator("#my-sanctions .sanction.in-force", has_text="禁言")
    await sanction.wait_for()
    await sanction.locator("textarea[name=appeal]").fill("我只是回复了三次问题，没有刷屏")
    await sanction.locator(".appeal-form button[type=submit]").click()
    await sanction.locator(".appeal-state:has-text('审核中')").wait_for(timeout=5000)

    banzhu = await dashboard(browser, site, "appeals")
    appeal = banzhu.locator("#appeal-list .appeal", has_text="没有刷屏")
    await appeal.wait_for()
    await appeal.locator("button[data-decision=overturn]").click()
    await appeal.locator(".error:has-text('原因')").wait_for()  # a reason is required
    await appeal.locator("input").fill("核实后确实不是刷屏")
    await appeal.locator("button[data-decision=overturn]").click()
    await banzhu.wait_for_selector("#appeal-list .empty", timeout=5000)
    await aqiang.wait_for_selector(".toast.alert:has-text('申诉通过')", timeout=5000)

    await banzhu.click(".mod-tabs button[data-tab=audit]")
    await banzhu.wait_for_selector("#audit-log tr[data-action=mute]:has-text('连续刷屏')")
    await banzhu.fill(".search-form input[name=q]", "核实")
    await banzhu.click(".search-form button[type=submit]")
    # the unfiltered log holds the overturn too: the search has answered once the mute, which says 刷屏, is gone
    await banzhu.wait_for_selector("#audit-log tr[data-action=mute]", state="detached")
    await banzhu.wait_for_selector("#audit-log tbody tr[data-action='appeal:overturned']")
    rows = await banzhu.locator("#audit-log tbody tr").all_inner_texts()
    assert rows and all("核实" in row for row in rows)  # only what the words match
    await shot(banzhu, "moderator-audit")

    await open_group(aqiang, "好物分享群")  # the mute is lifted: posting works again
    await say(aqiang, "谢谢版主")
    await aqiang.wait_for_selector("#messages .message.mine:has-text('谢谢版主')", timeout=5000)
    assert aqiang.errors == [] and banzhu.errors == []


async def test_group_rules_changed_in_the_dashboard_and_tried_in_the_tester(browser, site):
    banzhu = await dashboard(browser, site, "rules")
    await banzhu.select_option("select[name=scope]", label="好物分享群")
    await banzhu.wait_for_selector(".rules-form input[name=slow_mode_seconds]")
    await banzhu.fill(".add-word input[name=term]", "代购群")
    await banzhu.select_option(".add-word select", "diversion")
    await banzhu.click("#add-word")
    await banzhu.wait_for_selector("#rule-words li:has-text('代购群')")
    await banzhu.fill(".rules-form textarea[name=allow]", "官方旗舰店")
    await banzhu.click(".rules-form button[type=submit]")
    await banzhu.wait_for_selector("#rules-status:has-text('已保存')", timeout=5000)
    await shot(banzhu, "moderator-rules")

    await banzhu.click(".mod-tabs button[data-tab=tester]")
    await banzhu.fill(".tester textarea", "想进代购群的私我")
    await banzhu.select_option(".tester select", label="好物分享群")
    await banzhu.click(".tester button[type=submit]")
    await banzhu.wait_for_selector("#verdict[data-action=block]:has-text('代购群')", timeout=5000)
    await banzhu.fill(".tester textarea", "这件毛衣很暖和")
    await banzhu.click(".tester button[type=submit]")
    await banzhu.wait_for_selector("#verdict[data-action=allow]", timeout=5000)

    aqiang = await log_in(browser, site, "aqiang")
    await open_group(aqiang, "好物分享群")
    await say(aqiang, "想进代购群的私我")
    await aqiang.wait_for_selector("#send-error:has-text('违规')", timeout=5000)
    assert banzhu.errors == [] and aqiang.errors == []


async def test_members_see_no_dashboard_and_agents_tabs_stay_hidden(browser, site):
    page = await log_in(browser, site, "xiaomei")
    assert await page.locator("#switch-view").count() == 0 and await page.locator("#switch-desk").count() == 0


async def test_a_new_report_updates_the_queue_without_losing_the_reason_being_typed(browser, site, web):
    headers, me = await rest_login(web, "xiaomei")
    groups = await (await web.get("/api/me/groups", headers=headers)).json()
    group = next(g for g in groups["groups"] if g["name"] == "好物分享群")
    history = await (await web.get(f"/api/conversations/{group['conversation_id']}/messages", headers=headers)).json()
    others = [m for m in history["messages"] if m["author_id"] != me["id"] and not m["deleted"]]
    first, second = others[0], others[1]
    assert (await web.post(f"/api/messages/{first['id']}/report", headers=headers, json={"category": "spam"})).status == 200

    banzhu = await dashboard(browser, site)
    await banzhu.click("#case-list .case")
    await banzhu.fill("#action-reason", "广告")
    assert (await web.post(f"/api/messages/{second['id']}/report", headers=headers, json={"category": "spam"})).status == 200
    await banzhu.wait_for_function("() => document.querySelectorAll('#case-list .case').length === 2", timeout=5000)
    assert await banzhu.input_value("#action-reason") == "广告"
    assert banzhu.errors == []


async def test_agents_edit_the_canned_replies_at_the_desk(browser, site):
    customer = await log_in(browser, site, "xiaomei")
    await customer.click("#contact-support")
    await say(customer, "衣服尺码偏大吗")
    await customer.wait_for_selector("#support-status[data-state=queued]", timeout=5000)
    kefu = await log_in(browser, site, "kefu")
    await kefu.click("#switch-desk")
    await kefu.click("#desk-queue .case:has-text('小美')")
    await kefu.wait_for_selector(".canned button:has-text('发货时间')")  # the demo's replies
    await kefu.click("#edit-canned")
    await kefu.locator(".canned-list li", has_text="发货时间").locator("button.remove").click()
    await kefu.fill(".canned-editor input[name=canned_title]", "尺码")  # a title without a text is refused
    await kefu.click(".canned-editor button[type=submit]")
    await kefu.wait_for_selector(".canned-editor .error:not(:empty)", timeout=5000)
    await kefu.fill(".canned-editor textarea[name=canned_text]", "这款偏大半码，建议选小一号。")
    await kefu.click(".canned-editor button[type=submit]")
    await kefu.wait_for_selector(".canned button:has-text('尺码')", timeout=5000)
    assert await kefu.locator(".canned button:has-text('发货时间')").count() == 0
    await kefu.click(".canned button:has-text('尺码')")
    assert await kefu.input_value("#composer") == "这款偏大半码，建议选小一号。"
    await kefu.reload()  # saved on the server, for every agent
    await kefu.wait_for_selector("#group-list .group")
    await kefu.click("#switch-desk")
    await kefu.click("#desk-mine .case:has-text('小美')")
    await kefu.wait_for_selector(".canned button:has-text('尺码')")
    assert await kefu.locator(".canned button:has-text('发货时间')").count() == 0
    assert kefu.errors == [] and customer.errors == []
