"""The shopper's community features in real Chromium: replies, mentions and the notification they
raise, reactions, editing and deleting, typing and presence, the announcement and pins, discovering
and joining groups, invite links, search, the profile, reporting a person, sending while offline and
links in user text."""
from __future__ import annotations

import asyncio

from tests.web.browser import dashboard, log_in, new_page, open_group, say, shot, two_in_group


def message(page, text):
    return page.locator("#messages .message", has_text=text)


async def test_reply_mention_reaction_edit_and_delete_live(browser, site):
    xiaomei = await log_in(browser, site, "xiaomei")
    aqiang = await log_in(browser, site, "aqiang")
    await open_group(xiaomei, "好物分享群")
    await open_group(aqiang, "穿搭交流 Outfit")  # elsewhere: the mention arrives as a notification
    await open_group(aqiang, "好物分享群")
    await say(aqiang, "今天有上新吗")
    asked = message(xiaomei, "今天有上新吗")
    await asked.locator("button.reply").click()
    await xiaomei.wait_for_selector("#reply-bar:has-text('阿强')")
    await xiaomei.fill("#composer", "@aq")
    await xiaomei.locator("#composer").press("End")
    await xiaomei.type("#composer", "i")  # an input event: the suggestions follow what is typed
    await xiaomei.click("#mention-suggest button[data-username=aqiang]")
    assert await xiaomei.input_value("#composer") == "@aqiang "
    await xiaomei.type("#composer", "有的，看群公告")
    await xiaomei.press("#composer", "Enter")

    answer = message(aqiang, "有的，看群公告")
    await answer.wait_for(timeout=5000)
    assert "今天有上新吗" in await answer.locator(".quote").inner_text()
    assert await answer.locator(".mention.me").inner_text() == "@aqiang"
    await aqiang.wait_for_selector("#bell-count:has-text('1')", timeout=5000)

    await answer.locator("button.react").click()
    await answer.locator(".picker button[data-emoji='👍']").click()
    await message(xiaomei, "有的，看群公告").locator(".reaction:has-text('👍 1')").wait_for(timeout=5000)

    mine = message(xiaomei, "有的，看群公告")
    await mine.locator("button.edit").click()
    await mine.locator(".edit-box").fill("@aqiang 有的，新品在置顶里")
    await mine.locator(".edit-form button[type=submit]").click()
    edited = message(aqiang, "新品在置顶里")
    await edited.locator(".edited").wait_for(timeout=5000)
    await message(xiaomei, "新品在置顶里").locator("button.delete").click()
    await message(xiaomei, "新品在置顶里").locator("button.delete.confirm").click()
    await aqiang.wait_for_selector("#messages .message .gone:has-text('已删除')", timeout=5000)
    assert await message(aqiang, "新品在置顶里").count() == 0

    # someone else's message can't be edited or deleted by a member
    assert await message(aqiang, "今天有上新吗").locator("button.edit").count() == 1
    assert await message(xiaomei, "今天有上新吗").locator("button.edit, button.delete").count() == 0

    await aqiang.click("#bell")
    await aqiang.click("#notification-list .hit:has-text('提到了你')")
    await aqiang.wait_for_selector("#messages .message.flash", timeout=5000)
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_typing_and_presence(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群", "xiaomei", "aqiang")
    await aqiang.type("#composer", "我在")
    await xiaomei.wait_for_selector("#typing:has-text('阿强 正在输入')", timeout=5000)
    await aqiang.press("#composer", "Enter")
    await xiaomei.wait_for_selector("#typing:text-is('')", timeout=5000)  # their message ends the typing line

    await xiaomei.click("#open-members")
    await xiaomei.wait_for_selector("#members li:has-text('阿强') .dot.online")
    await xiaomei.wait_for_selector("#members li:has-text('Lily') .dot.offline")
    await aqiang.context.close()
    await xiaomei.wait_for_selector("#members li:has-text('阿强') .dot.offline", timeout=5000)


async def test_announcement_and_pins_reach_members_live(browser, site):
    owner, member = await two_in_group(browser, site, "好物分享群", "admin", "xiaomei")
    await member.wait_for_selector("#announcement:has-text('欢迎来到好物分享群')")
    assert await member.locator("#announcement button.edit").count() == 0  # members don't edit it
    await owner.click("#announcement button.edit")
    await owner.fill("#announcement textarea", "双十二预告：12 月 10 日开抢")
    await owner.click("#announcement button[type=submit]")
    await member.wait_for_selector("#announcement:has-text('双十二预告')", timeout=5000)

    await say(owner, "本周团购清单在这里")
    await message(owner, "本周团购清单").locator("button.pin").click()
    await member.wait_for_selector("#pins summary:has-text('1')", timeout=5000)
    await member.click("#pins summary")
    await member.wait_for_selector("#pins li:has-text('本周团购清单')")
    assert await message(member, "本周团购清单").locator("button.pin").count() == 0
    await shot(member, "shopper-group-announcement")
    assert owner.errors == [] and member.errors == []


async def test_discover_join_and_invite_link(browser, site):
    page = await new_page(browser, site)
    await page.click("a.switch")
    await page.fill("input[name=username]", "xinren")
    await page.fill("input[name=password]", "woaini1314")  # a common one: the form says why it's refused
    await page.click("button[type=submit]")
    await page.wait_for_selector("form.login p.error:has-text('最常见的密码')")
    await page.fill("input[name=username]", "xinren")
    await page.fill("input[name=password]", "a-long-password")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#discover")
    await page.click("#discover")
    await page.fill(".search-form input[name=q]", "穿搭")
    await page.click(".search-form button[type=submit]")
    await page.wait_for_selector("#discover-list[aria-busy=false]")  # the search's answer, not the list on opening
    found = await page.locator("#discover-list .discover-item").all_inner_texts()
    assert len(found) == 1 and "穿搭交流" in found[0]
    await page.click("#discover-list .discover-item:has-text('穿搭交流') button.join")
    await page.wait_for_selector("#group-list .group.active:has-text('穿搭交流')")
    await page.wait_for_selector("#messages .message")
    await say(page, "大家好，我是新来的")
    await page.wait_for_selector("#messages .message.mine:has-text('新来的')")

    await page.click("#discover")
    await page.fill(".search-form input[name=q]", "VIP")
    await page.click(".search-form button[type=submit]")
    await page.wait_for_selector("#discover-list[aria-busy=false]")
    vip = page.locator("#discover-list .discover-item", has_text="VIP")
    await vip.wait_for()
    assert await vip.locator("button.join").count() == 0  # invite-only: joined by a link

    owner = await log_in(browser, site, "admin")
    await open_group(owner, "VIP 会员群")
    await owner.click("#invite")
    link = await owner.input_value(".invite-url")
    assert "/invite/" in link
    terms = await owner.text_content(".invite-terms")  # a week by default, for a limited number of people
    assert "100" in terms and ("有效期至" in terms or "Valid until" in terms)
    await page.goto(link)
    await page.wait_for_selector("#group-list .group.active:has-text('VIP 会员群')", timeout=5000)
    assert "/invite/" not in page.url
    assert page.errors == [] and owner.errors == []


async def test_search_highlights_and_opens_the_message(browser, site):
    page = await log_in(browser, site, "xiaomei")
    await page.fill("#search", "耳机")
    await page.press("#search", "Enter")
    hit = page.locator("#search-results .hit").first
    await hit.wait_for()
    assert await hit.locator("mark").first.inner_text() == "耳机"
    await hit.click()
    await page.wait_for_selector("#messages .message.flash:has-text('耳机')")


async def test_profile_edit_and_someone_elses_card_with_block_and_report(browser, site):
    aqiang = await log_in(browser, site, "aqiang")
    await aqiang.click("#open-profile")
    await aqiang.fill(".profile-form textarea[name=bio]", "数码爱好者 <b>不是粗体</b>")
    await aqiang.click(".profile-form button[type=submit]")
    await aqiang.wait_for_selector(".profile-form .status:has-text('已保存')")

    xiaomei = await log_in(browser, site, "xiaomei")
    await open_group(xiaomei, "好物分享群")
    await message(xiaomei, "请问耳机有白色的吗").locator("button.author").click()
    card = xiaomei.locator("#user-card")
    await card.locator(".bio:has-text('数码爱好者')").wait_for()
    assert await card.locator(".bio b").count() == 0  # a bio is text, never markup
    await card.locator("button.report-user").click()
    await card.locator("select[name=category]").select_option("harassment")
    await card.locator("button[type=submit]").click()
    await card.locator(".status:has-text('已举报')").wait_for(timeout=5000)

    banzhu = await dashboard(browser, site)
    await banzhu.click("#case-list .case:has-text('阿强')")
    await banzhu.wait_for_selector(".case-detail .reports li:has-text('骚扰')")
    assert aqiang.errors == [] and xiaomei.errors == [] and banzhu.errors == []


async def test_messages_written_offline_are_sent_once_when_back(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群", "xiaomei", "aqiang")
    await xiaomei.context.set_offline(True)
    await xiaomei.evaluate("shopchat.state.socket.io.engine.close()")  # the network is gone
    await xiaomei.wait_for_selector(".banner-offline", state="visible", timeout=5000)
    await say(xiaomei, "地铁里信号不好")
    await say(xiaomei, "等下再聊")
    await xiaomei.wait_for_selector("#pending .message.pending:has-text('等下再聊')")
    assert await xiaomei.locator("#pending .message").count() == 2
    await say(aqiang, "你到站了吗")  # said while she is offline: filled in when she is back
    await message(aqiang, "你到站了吗").wait_for()
    await xiaomei.context.set_offline(False)
    await xiaomei.wait_for_selector(".banner-offline", state="hidden", timeout=15000)
    await message(xiaomei, "你到站了吗").wait_for(timeout=10000)
    await message(aqiang, "等下再聊").wait_for(timeout=10000)
    await xiaomei.wait_for_selector("#pending .message", state="detached", timeout=5000)
    assert await message(aqiang, "地铁里信号不好").count() == 1 and await message(aqiang, "等下再聊").count() == 1
    texts = await aqiang.locator("#messages .message .text").all_inner_texts()
    assert texts.index("地铁里信号不好") < texts.index("等下再聊")  # in the order written
    await xiaomei.reload()  # nothing is left in the outbox to send again
    await xiaomei.wait_for_selector("#group-list .group")
    await open_group(xiaomei, "好物分享群")
    assert await message(xiaomei, "等下再聊").count() == 1 and await xiaomei.locator("#pending .message").count() == 0

    # written offline, refused when it finally goes out: the reason shows and the text is back to change
    await xiaomei.context.set_offline(True)
    await xiaomei.evaluate("shopchat.state.socket.io.engine.close()")
    await xiaomei.wait_for_selector(".banner-offline", state="visible", timeout=5000)
    await say(xiaomei, "加我薇信 abc12345 领优惠")
    await xiaomei.context.set_offline(False)
    await xiaomei.wait_for_selector("#send-error:has-text('违规')", timeout=15000)
    assert await xiaomei.input_value("#composer") == "加我薇信 abc12345 领优惠"
    assert await xiaomei.locator("#pending .message").count() == 0


async def test_links_are_safe_anchors_and_scripts_never_run(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群", "xiaomei", "aqiang")
    hostile = ('看这个 https://shop.example.com/item?id=1&x="><script>window.__pwned=1</script> '
               'javascript:window.__pwned=2 <a href="javascript:window.__pwned=3">点我</a> '
               '<svg onload="window.__pwned=4"></svg>')
    await say(aqiang, hostile)
    shown = message(xiaomei, "看这个")
    await shown.wait_for(timeout=5000)
    assert await shown.locator(".text").inner_text() == hostile
    anchors = shown.locator(".text a")
    assert await anchors.count() == 1
    assert await anchors.get_attribute("href") == "https://shop.example.com/item?id=1&x="
    assert await anchors.get_attribute("rel") == "noopener nofollow ugc"
    assert await xiaomei.locator("#messages script, #messages svg, #messages a[href^='javascript']").count() == 0
    await shown.locator(".text").click()  # clicking the text around the anchor runs nothing
    assert await xiaomei.evaluate("window.__pwned === undefined")
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_mention_suggestions_find_anyone_in_a_big_group(browser, site, services):
    groups = await services.storage.groups.discover(query="好物分享群", limit=1, offset=0)
    joined = services.clock.now()
    for i in range(150):  # more members than one page of the member list
        u = await services.storage.users.create(username=f"fan{i:03d}", password_hash="x", display_name=f"粉丝{i}",
                                                avatar_color="#3370ff", created_at=joined)
        await services.storage.groups.add_member(group_id=groups[0].id, user_id=u.id, role="member", joined_at=joined)
    page = await log_in(browser, site, "xiaomei")
    await open_group(page, "好物分享群")
    await page.type("#composer", "@fan14")
    await page.wait_for_selector("#mention-suggest button[data-username=fan140]")
    await page.type("#composer", "9")
    await page.wait_for_selector("#mention-suggest button[data-username=fan149]")
    assert await page.locator("#mention-suggest button").count() == 1
    await page.press("#composer", "Enter")  # Enter takes the first suggestion while they show
    assert await page.input_value("#composer") == "@fan149 "
    await page.type("#composer", "欢迎新朋友")
    await page.press("#composer", "Enter")
    await page.wait_for_selector("#messages .message.mine .mention:has-text('@fan149')")


async def test_a_message_arriving_while_the_history_loads_is_not_lost(browser, site):
    xiaomei = await log_in(browser, site, "xiaomei")
    aqiang = await log_in(browser, site, "aqiang")
    await open_group(aqiang, "好物分享群")
    fetched = asyncio.Event()

    async def late_history(route):
        response = await route.fetch()  # the history as it is now...
        fetched.set()
        await asyncio.sleep(1.5)  # ...handed over only after a new message went out live
        await route.fulfill(response=response)

    await xiaomei.route("**/api/conversations/*/messages?limit=50", late_history)
    await xiaomei.click("#group-list .group:has-text('好物分享群')")
    await fetched.wait()
    await say(aqiang, "刚好在你打开的时候发的")
    await message(xiaomei, "刚好在你打开的时候发的").wait_for(timeout=5000)
    await xiaomei.unroute("**/api/conversations/*/messages?limit=50")
    assert xiaomei.errors == []


async def test_a_search_hit_in_my_support_conversation_opens_it(browser, site):
    page = await log_in(browser, site, "xiaomei")
    await page.click("#contact-support")
    await page.wait_for_selector("#composer")
    await say(page, "请问退货地址是哪里")
    await page.wait_for_selector("#messages .message.mine:has-text('退货地址')")
    await page.click("#discover")  # somewhere else first
    await page.fill("#search", "退货地址")
    await page.press("#search", "Enter")
    await page.click("#search-results .hit:has-text('退货')")
    await page.wait_for_selector("#support-status")
    await page.wait_for_selector("#messages .message.flash:has-text('退货地址')")
    assert page.errors == []


async def test_sharing_a_product_card_from_the_catalogue(browser, site):
    xiaomei, aqiang = await two_in_group(browser, site, "好物分享群")
    await xiaomei.click("#share-product")
    await xiaomei.fill("#product-picker input", "卫衣")
    await xiaomei.press("#product-picker input", "Enter")
    await xiaomei.wait_for_selector("#product-picker .product-results[aria-busy=false]")
    titles = await xiaomei.locator("#product-picker .product-results button strong").all_inner_texts()
    assert titles and all("卫衣" in t for t in titles)  # what was searched for, not the list shown on opening
    first = xiaomei.locator("#product-picker .product-results button").first
    title = await first.locator("strong").inner_text()
    price = await first.locator(".price").inner_text()
    assert "卫衣" in title
    await first.click()
    card = aqiang.locator("#messages .message .product", has_text=title)
    await card.wait_for(timeout=5000)
    assert await card.locator(".price").inner_text() == price
    assert await xiaomei.locator("#product-picker").is_hidden()
    assert xiaomei.errors == [] and aqiang.errors == []


async def test_the_owner_appoints_a_moderator_then_hands_the_group_over_and_both_see_it_live(browser, site):
    owner, xiaomei = await two_in_group(browser, site, "好物分享群", "admin", "xiaomei")
    others = message(xiaomei, "请问耳机有白色的吗")  # aqiang's
    assert await others.locator("button.delete").count() == 0
    assert await xiaomei.locator("#switch-view").count() == 0
    await owner.click("#open-members")
    row = owner.locator("#members li", has_text="小美")
    me = await owner.evaluate("shopchat.state.me.id")
    assert await owner.locator(f"#members li[data-user='{me}'] select").count() == 0  # not one's own role
    await row.locator("select.role-select").select_option("moderator")
    await owner.wait_for_selector("#members li:has-text('小美') .role:has-text('版主')", timeout=5000)
    await xiaomei.wait_for_selector(".toast:has-text('版主')", timeout=5000)
    await others.locator("button.delete").wait_for(timeout=5000)  # her tools follow, live: she may take it down
    await xiaomei.wait_for_selector("#switch-view", timeout=5000)  # and the moderation dashboard opens to her
    await xiaomei.click("#open-members")
    await xiaomei.wait_for_selector("#members li")
    assert await xiaomei.locator("#members select.role-select").count() == 0  # a moderator appoints nobody

    await row.locator("select.role-select").select_option("owner")
    assert await owner.locator(f"#members li[data-user='{me}'] .role:has-text('群主')").count() == 1  # asked first
    await row.locator("button.confirm-handover").click()
    await xiaomei.wait_for_selector(".toast:has-text('群主')", timeout=5000)
    await xiaomei.wait_for_selector("#announcement button.edit", timeout=5000)
    await others.locator("button.pin").wait_for(timeout=5000)  # pinning is the group admins'
    assert await xiaomei.locator("#leave").count() == 0  # the owner can't leave
    await owner.wait_for_selector("#leave", timeout=5000)  # the old owner, now an admin, can
    await owner.wait_for_selector(f"#members li[data-user='{me}'] .role:has-text('管理员')")
    assert await owner.locator("#members li:has-text('小美') select").count() == 0  # an admin can't touch the owner
    assert owner.errors == [] and xiaomei.errors == []
