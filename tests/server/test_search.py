from __future__ import annotations

from tests.conftest import make_group


async def test_chinese_search_with_highlights_only_where_readable(people):
    owner, a, outsider = await people("owner"), await people("xiaomei"), await people("outsider")
    g = await make_group(owner)
    secret = await make_group(outsider, "别人的群")
    await a.post(f"/api/groups/{g['id']}/join")
    cid = g["conversation_id"]
    await owner.post(f"/api/conversations/{cid}/messages", {"text": "这款蓝牙耳机降噪效果很好，推荐！"})
    await owner.post(f"/api/conversations/{cid}/messages", {"text": "今天天气不错"})
    await outsider.post(f"/api/conversations/{secret['conversation_id']}/messages", {"text": "蓝牙耳机内部价"})
    await a.post(f"/api/groups/{g['id']}/threads", {"title": "耳机怎么选", "text": "预算三百"})
    found = await a.get("/api/search?q=蓝牙耳机")
    assert found["tokens"] == ["蓝牙", "耳机"]
    assert [h["message"]["text"] for h in found["messages"]] == ["这款蓝牙耳机降噪效果很好，推荐！"]
    snip = found["messages"][0]["snippet"]
    assert [snip["text"][s:e] for s, e in snip["highlights"]] == ["蓝牙", "耳机"]
    found = await a.get("/api/search?q=耳机")
    assert [t["thread"]["title"] for t in found["threads"]] == ["耳机怎么选"]
    assert all("内部价" not in h["message"]["text"] for h in found["messages"])


async def test_search_covers_private_conversations_and_english(people):
    a, b, c = await people("xiaomei"), await people("aqiang"), await people("lily")
    conv = (await a.post("/api/conversations/private", {"user_id": b.id}))["conversation"]
    await a.post(f"/api/conversations/{conv['id']}/messages", {"text": "My iPhone case arrived"})
    assert len((await b.get("/api/search?q=iphone"))["messages"]) == 1
    assert (await c.get("/api/search?q=iphone"))["messages"] == []


async def test_search_odd_queries(people):
    a = await people("xiaomei")
    for q in ("", "   ", "！！！", '"', "*", "a OR b", "NEAR(", "x" * 500):
        body = await a.get("/api/search", params={"q": q})
        assert body["messages"] == []
