"""The behaviour checks alone: flood, repeats, mention spam and slow mode, with the time passed in."""
from __future__ import annotations

from moderation import behaviour
from moderation.behaviour import Behaviour, Limits


def post(b: Behaviour, text: str, now: float, user: str = "u1", **kw):
    found = b.check(user_id=user, text=text, now=now, **kw)
    if found is None:
        b.record(user_id=user, text=text, now=now, group_id=kw.get("group_id"))
    return found


def test_flood_counts_a_sliding_window_per_user():
    b = Behaviour(Limits(flood_messages=3, flood_seconds=10, repeat_count=0))
    assert [post(b, f"消息{i}", i) for i in range(3)] == [None] * 3
    refused = post(b, "第四条", 3.0)
    assert refused.action == "block" and refused.rule == "spam:flood" and refused.retry_after == 7.0
    assert post(b, "别人", 3.0, user="u2") is None
    assert post(b, "第四条", 10.5) is None  # the first left the window


def test_repeats_are_compared_after_folding():
    b = Behaviour(Limits(flood_messages=0, repeat_count=3, repeat_seconds=60))
    assert post(b, "全场五折快来", 0) is None
    assert post(b, "全 场 五 折 快 来", 1) is None
    assert post(b, "全場五折快來!!", 2).rule == "spam:repeat"
    assert post(b, "全场五折快来", 2, repeats=False) is None  # support: saying it again is fine
    assert post(b, "全场五折快来", 70) is None  # the window has passed
    for t in range(5):
        assert post(b, "好的", 100 + t) is None  # too short to count


def test_mentions_and_slow_mode():
    b = Behaviour(Limits(max_mentions=2))
    assert post(b, "hi", 0, mentions=3).rule == "spam:mentions"
    assert post(b, "hi", 0, mentions=2) is None
    assert post(b, "one", 0, group_id="g", slow_mode_seconds=30) is None
    refused = post(b, "two", 12, group_id="g", slow_mode_seconds=30)
    assert refused.rule == "spam:slow_mode" and refused.retry_after == 18.0
    assert post(b, "two", 12, group_id="other", slow_mode_seconds=30) is None
    assert post(b, "two", 30, group_id="g", slow_mode_seconds=30) is None


def test_off_switches_and_hostile_text():
    b = Behaviour(Limits(flood_messages=0, repeat_count=0, max_mentions=0))
    for i in range(50):
        assert post(b, "同样的话同样的话", i * 0.01, mentions=99) is None
    b = Behaviour()
    for text in ("\ud800bad surrogate", "a\u0301" * 10_000, "\u202eevil", "", "x" * 100_000):
        assert post(b, text, 0, user=text[:3]) is None


def test_idle_users_are_forgotten(monkeypatch):
    monkeypatch.setattr(behaviour, "MAX_USERS", 10)
    b = Behaviour()
    for i in range(30):
        post(b, "hello world", i * 100.0, user=f"u{i}")
    assert len(b._posts) <= 12
