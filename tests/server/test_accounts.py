"""Sign-up limits, the password policy and the names kept for staff (issue 12)."""
from __future__ import annotations

import pytest

from server.actions.auth import check_password_policy
from server.app import create_app
from server.clock import FakeClock
from server.errors import InvalidPayload
from server.policy.credentials import common_passwords, password_problem
from server.policy.names import reserved_name
from server.shared.counters import RateLimiter, backoff_wait
from tests.conftest import make_config

GOOD = "password-123"


async def register(client, username, password=GOOD, address=None, **extra):
    headers = {"X-Forwarded-For": address} if address else {}
    return await client.post("/api/auth/register", json={"username": username, "password": password, **extra},
                             headers=headers)


# -- how many accounts ---------------------------------------------------------------------------

@pytest.fixture
async def limited(aiohttp_client, tmp_path):
    clock = FakeClock()
    config = make_config(tmp_path, trusted_proxies=("127.0.0.0/8",), register_per_address=2, register_per_hour=3)
    return await aiohttp_client(create_app(config, clock=clock)), clock


async def test_registration_is_limited_per_address(limited):
    client, clock = limited
    for name in ("first", "second"):
        assert (await register(client, name, address="203.0.113.9")).status == 200
    resp = await register(client, "third", address="203.0.113.9")
    body = await resp.json()
    assert resp.status == 429 and body["error"]["code"] == "rate_limited"
    assert 0 < body["error"]["details"]["retry_after"] <= 3600 and int(resp.headers["Retry-After"]) > 0
    assert (await register(client, "elsewhere", address="198.51.100.7")).status == 200  # another address may
    clock.advance(minutes=61)
    assert (await register(client, "third", address="203.0.113.9")).status == 200


async def test_registration_is_limited_overall(limited):
    client, clock = limited
    for i in range(3):  # from three addresses: the limit for everyone is reached
        assert (await register(client, f"user{i}", address=f"203.0.113.{i}")).status == 200
    resp = await register(client, "late", address="192.0.2.1")
    assert resp.status == 429 and (await resp.json())["error"]["code"] == "rate_limited"
    clock.advance(minutes=61)
    assert (await register(client, "late", address="192.0.2.1")).status == 200


async def test_refused_sign_ups_do_not_use_up_the_limit(limited):
    client, _ = limited
    for _ in range(5):
        assert (await register(client, "weakling", "12345678", address="203.0.113.9")).status == 400
    assert (await register(client, "first", address="203.0.113.9")).status == 200
    assert (await register(client, "first", address="203.0.113.9")).status == 409  # taken: not counted either
    assert (await register(client, "second", address="203.0.113.9")).status == 200


async def test_the_demo_and_test_defaults_are_high_and_production_ones_are_not():
    from server.config import Config
    production = Config.from_env({})
    assert (production.register_per_address, production.register_per_hour) == (5, 200)
    tuned = Config.from_env({"CHAT_REGISTER_PER_ADDRESS": "7", "CHAT_REGISTER_PER_HOUR": "70"})
    assert (tuned.register_per_address, tuned.register_per_hour) == (7, 70)


# -- which passwords -------------------------------------------------------------------------------

@pytest.mark.parametrize("password,reason", [
    ("12345678", "common"), ("password", "common"), ("aaaaaaaa", "common"), ("PassWord", "common"),
    ("woaini1314", "common"), ("qq123456", "common"), ("5201314520", "common"), ("1qaz2wsx", "common"),
    ("qwertyuiop", "common"), ("ｐａｓｓｗｏｒｄ", "common"), ("iloveyou!", "common"), ("19900101", "common"),
    ("xiaomei2026", "username"), ("XIAOMEI!", "username"), ("xiaomeixiaomei", "username"),
    ("zzzzzzzzzzz", "repetitive"), ("abababab", "repetitive"), ("xyzxyzxyz", "repetitive"),
    ("ab1ab1ab1ab1", "repetitive"), ("aaaaaaab", "repetitive"), ("lmnopqrs", "repetitive"), ("98765432", "common"),
    ("srqponml", "repetitive"),
])
async def test_weak_passwords_are_refused_at_sign_up(client, password, reason):
    resp = await register(client, "xiaomei", password)
    err = (await resp.json())["error"]
    assert resp.status == 400 and err["code"] == "weak_password" and err["details"]["weakness"] == reason
    assert err["details"]["field"] == "password"


@pytest.mark.parametrize("password", ["password-123", "correct horse battery", "我的密码一点也不好猜",
                                      "xm-1987-shanghai",
                                      "Tr0ub4dor&3", "a-long-password-9"])
async def test_passwords_that_are_not_on_the_list_pass(client, password):
    assert (await register(client, "xiaomei", password)).status == 200


def test_the_policy_is_one_function_a_password_change_can_call():
    check_password_policy("xiaomei", "a-long-password-9")
    with pytest.raises(InvalidPayload) as refused:
        check_password_policy("xiaomei", "qwerty123")
    assert refused.value.code == "weak_password" and refused.value.details["weakness"] == "common"
    for bad in ("short", "x" * 129, None, "bad\x07bell-password"):
        with pytest.raises(InvalidPayload) as refused:
            check_password_policy("xiaomei", bad)
        assert refused.value.code == "invalid_password"
    assert password_problem("ab", "ab-cd-ef-gh") is None  # a two-letter username may appear inside
    assert password_problem("abc", "xx-abc-yy-zz") == "username"


def test_the_shipped_list_holds_thousands_of_long_enough_passwords():
    found = common_passwords()
    assert len(found) > 5000 and all(8 <= len(p) <= 128 and p == p.lower() for p in found)
    assert {"12345678", "password", "aaaaaaaa", "woaini1314", "qq123456", "qwertyuiop"} <= found
    assert not {"password-123", "a-long-password-9", "shopchat-demo"} & found  # what the tests and demo use


@pytest.mark.parametrize("payload,code", [
    ({"username": "ab\ud800", "password": GOOD}, "invalid_username"),
    ({"username": "xiaomei\n", "password": GOOD}, "invalid_username"),
    ({"username": "xiaomei", "password": "password-\udfff"}, "invalid_password"),
    ({"username": "xiaomei", "password": "password\x00123"}, "invalid_password"),
    ({"username": "xiaomei", "password": "password\x1b[0m123"}, "invalid_password"),
    ({"username": "xiaomei", "password": GOOD, "display_name": "小美\ud83d"}, "invalid_payload"),
])
async def test_sign_up_refuses_unencodable_and_control_text(client, payload, code):
    resp = await client.post("/api/auth/register", json=payload)
    assert resp.status == 400 and (await resp.json())["error"]["code"] == code


# -- whose names -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,word", [
    ("管理员", "管理员"), ("管 理 员", "管理员"), ("管\u200b理\u200d员", "管理员"), ("小王管理员", "管理员"),
    ("管理員", "管理員"),
    ("客服", "客服"), ("客服小林", "客服"), ("官方旗舰", "官方"), ("admin", "admin"), ("ＡＤＭＩＮ", "admin"),
    ("Admin_01", "admin"), ("adm1n", "admin"), ("аdmin", "admin"), ("Àdmin", "admin"), ("A.D.M.I.N", "admin"),
    ("administrator", "administrator"), ("M0DERAT0R", "moderator"), ("kefu", "kefu"), ("ShopChat", "ShopChat"),
    ("shop chat 粉丝", "ShopChat"), ("sh0pchat", "ShopChat"),
])
def test_names_that_look_like_staff(name, word):
    assert reserved_name(name, "ShopChat") == word


@pytest.mark.parametrize("name", ["小美", "xiaomei", "badminton", "admins_fan", "modest", "管理学生", "官", "Shop", ""])
def test_names_that_do_not(name):
    assert reserved_name(name, "ShopChat") is None


@pytest.mark.parametrize("payload", [{"username": "admin"}, {"username": "Kefu_2"}, {"username": "管理员"},
                                     {"username": "shopchat"},
                                     {"username": "xiaomei", "display_name": "官方 客服"},
                                     {"username": "xiaomei", "display_name": "ＡＤＭＩＮ"}])
async def test_members_cannot_sign_up_as_staff(client, payload):
    resp = await client.post("/api/auth/register", json={"password": GOOD, **payload})
    err = (await resp.json())["error"]
    assert resp.status == 400 and err["code"] == "reserved_name"
    assert err["details"]["field"] == ("display_name" if "display_name" in payload else "username")


async def test_members_cannot_rename_to_staff_names_and_staff_can(people):
    member, agent = await people("xiaomei"), await people("kefu", role="agent")
    admin = await people("boss", role="admin")
    for name in ("管理员", "官方客服", "Admin", "ShopChat 官方"):
        err = await member.call("PATCH", "/api/me", {"display_name": name}, status=400)
        assert err["error"]["code"] == "reserved_name"
    renamed = await member.call("PATCH", "/api/me", {"display_name": "小美爱购物"})
    assert renamed["user"]["display_name"] == "小美爱购物"
    assert (await agent.call("PATCH", "/api/me", {"display_name": "客服小林"}))["user"]["display_name"] == "客服小林"
    assert (await admin.call("PATCH", "/api/me", {"display_name": "管理员"}))["user"]["display_name"] == "管理员"
    assert (await member.call("PATCH", "/api/me", {"bio": "不是客服"}))["user"]["bio"] == "不是客服"  # bios are free


async def test_the_shop_name_comes_from_the_config(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(make_config(tmp_path, shop_name="小熊旗舰店")))
    resp = await register(client, "xiaomei", display_name="小熊 旗舰店 售后")
    assert resp.status == 400 and (await resp.json())["error"]["code"] == "reserved_name"
    assert (await register(client, "shopchat")).status == 200  # the default name is no longer the shop's


# -- the counters underneath -------------------------------------------------------------------------

async def test_recent_failures_and_their_backoff():
    clock = FakeClock()
    limiter = RateLimiter(clock, limit=3, window_seconds=60)
    assert await limiter.recent("k") == (0, None)
    await limiter.hit("k")
    clock.advance(seconds=10)
    await limiter.hit("k")
    count, newest = await limiter.recent("k")
    assert count == 2 and newest == clock.now().timestamp()
    clock.advance(seconds=55)
    assert (await limiter.recent("k"))[0] == 1  # the first left the window
    now = 1000.0
    assert backoff_wait(4, now, now, free=5, base=30, cap=900) == 0
    assert [backoff_wait(n, now, now, free=5, base=30, cap=900) for n in (5, 6, 7, 10, 60)] == [30, 60, 120, 900, 900]
    assert backoff_wait(5, now - 20, now, free=5, base=30, cap=900) == 10
