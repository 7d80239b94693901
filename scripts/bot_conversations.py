"""Whole conversations with the real assistant, scored per turn.

    PYTHONPATH=. /work/main/.venv/bin/python -m scripts.bot_conversations FILE [--floor 0.0] [--only NAME]...
        [--logs DIR] [--json OUT] [--cap 20] [--quiet-seconds 1.5]

    e.g. the development set:  ... -m scripts.bot_conversations bot/tests/conversations.yml
         one conversation:     ... -m scripts.bot_conversations bot/tests/conversations.yml --only "cancel twice"
         as a gate:            ... -m scripts.bot_conversations FILE --floor 0.95 --json score.json

--only picks conversations by name (exact or a part of it; repeatable); --logs keeps Rasa's and the
action server's logs and each conversation's platform data directory (default: a temporary directory,
removed); --json writes the score and every turn's replies and verdict. A run needs the assistant's
environment and model (made on first use, as `make bot` does) and takes about 1 minute for Rasa to
load plus 2-3 s per turn (20 s for a turn nobody answers).

FILE is a conversations file (docs: the format below). The runner starts the real Rasa server and the
real action server ONCE (bot/manage.py's ensure_env/ensure_model/start, free ports, a fresh secret and
Rasa token), then plays every conversation on a FRESH platform: a new data directory, the demo shop
seeded (scripts/demo_shop.json), human support hours 00:00-24:00, served on one fixed free port that
the action server calls back (each conversation's platform is stopped before the next one starts, so
the action server keeps its SHOPCHAT_PLATFORM_URL; Rasa keeps trackers per sender, and every platform
gives new conversation ids, so nothing leaks from one conversation into the next).

For each conversation the customer logs in over REST (or signs up: customer "new"), opens 联系客服
(POST /api/support), and for each turn sends the message the way the web client does (POST
/api/conversations/{id}/messages; a pressed button sends the button's title as text and its payload,
as web/static/chat/message.js does), then waits for the assistant's replies to settle: the first
reply (up to --cap seconds, default 20), then until no new assistant message came for --quiet-seconds
(default 1.5). What the turn is judged on:
  - the replies: the text of every assistant message after the customer's one, plus its button titles
    (what the customer sees), joined by newlines;
  - after-sales requests filed during the turn: GET /api/me/aftersales before and after (new ids);
  - tickets opened during the turn: GET /api/tickets as the shop's agent (kefu), this customer's, new ids;
  - the hand-off: GET /api/support/cases/{id}, state queued or assigned = with humans.
It prints ✓/✗ per turn and conversation, then "turns right: R/T (P%)" and every wrong turn with what
was expected and what came back. Exit code 1 when the share of right turns is below --floor (a
fraction, 0.9 = 90%; a number above 1 is read as a percentage), 2 when the file is malformed or the
assistant could not be started.

Format (docs: /work/briefs/conversations-format.md) and the extensions this runner accepts:

    conversations:
      - name: return corrected mid-form      # unique
        customer: xiaomei                    # a demo shopper (xiaomei, aqiang, lily) or "new" (no orders)
        turns:
          - user: 我要退货                    # typed text
            expect:
              reply: "哪个订单|订单号"        # regex that must match the replies (re.search, DOTALL)
              not_reply: "没有找到|没太明白"  # regex that must NOT match
          - press: "SC20261118001"           # press the offered button whose title or payload contains this
            expect: {reply: "哪件"}
          - user: 确认
            expect:
              filed: {kind: return, order_id: SC20261118001, sku: SC-TEE-001}   # or: filed: none
              ticket: {kind: complaint}                                         # or: ticket: none
              handoff: true                                                     # false: still with the bot

  Extensions:
  - reply / not_reply may also be a LIST of regexes: every one must match / none may match (two answers
    to two questions in one message).
  - filed / ticket field values: kind, status, order_id and sku are compared exactly (order ids and SKUs
    case-insensitively); every other field (reason, description, exchange_detail, title, summary ...)
    is a regex searched in the field's text. filed / ticket may also be a list of such objects: each must
    be matched by a different new request / ticket. `none` (or `false`) means nothing new this turn.
  - a conversation may have `note:` (free text, ignored), a turn too.
  - press: only the buttons of the assistant's replies since the customer last wrote count (the greeting's
    for the first turn); when none matches, the turn is wrong ("no button …") and the text is typed instead,
    so the conversation goes on as a customer would.
  Unknown keys are errors (a misspelt expectation must not pass silently).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.util
import inspect
import json
import logging
import os
import re
import secrets
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUSTOMER_NEW = "new"
CONVERSATION_KEYS = {"name", "customer", "turns", "note"}
TURN_KEYS = {"user", "press", "expect", "note"}
EXPECT_KEYS = {"reply", "not_reply", "filed", "ticket", "handoff"}
AFTERSALE_FIELDS = {"kind", "status", "order_id", "sku", "title", "reason", "description", "exchange_detail",
                    "refund_amount", "note"}
TICKET_FIELDS = {"kind", "status", "order_id", "summary"}
EXACT_FIELDS = {"kind", "status"}
EXACT_FOLDED_FIELDS = {"order_id", "sku"}
WITH_HUMANS = ("queued", "assigned")


class FormatError(ValueError):
    """The conversations file is not in the format (the message names where)."""


# -- the file --------------------------------------------------------------------------------------

@dataclass
class Turn:
    index: int  # 1-based, as printed
    user: str | None
    press: str | None
    expect: dict

    @property
    def said(self) -> str:
        return self.user if self.user is not None else f"[按钮] {self.press}"


@dataclass
class Conversation:
    name: str
    customer: str
    turns: list[Turn]


def _demo_customers() -> set[str]:
    from scripts.demo import USERS
    return {username for username, _, role in USERS if role == "member"}


def _check_regexes(value, where: str) -> list[str]:
    patterns = value if isinstance(value, list) else [value]
    if not patterns or not all(isinstance(p, str) and p for p in patterns):
        raise FormatError(f"{where}: a regex or a list of regexes (non-empty strings)")
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise FormatError(f"{where}: bad regex {pattern!r}: {exc}") from None
    return patterns


def _check_records(value, allowed: set[str], where: str):
    if value is None or value is False or value == "none":
        return None
    records = value if isinstance(value, list) else [value]
    if not records:
        raise FormatError(f"{where}: an object, a list of objects, or none")
    for record in records:
        if not isinstance(record, dict) or not record:
            raise FormatError(f"{where}: an object of fields ({', '.join(sorted(allowed))}) or none")
        unknown = set(record) - allowed
        if unknown:
            raise FormatError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
        for key, wanted in record.items():
            if not isinstance(wanted, (str, int, float)) or isinstance(wanted, bool):
                raise FormatError(f"{where}.{key}: a string")
            if key not in EXACT_FIELDS | EXACT_FOLDED_FIELDS:
                _check_regexes(str(wanted), f"{where}.{key}")
    return [{k: str(v) for k, v in r.items()} for r in records]


def check_expect(raw, where: str) -> dict:
    """The expectations of one turn, checked and normalised: reply/not_reply lists of regexes,
    filed/ticket a list of field dicts or None (nothing new), handoff a bool."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise FormatError(f"{where}: expect must be an object")
    unknown = set(raw) - EXPECT_KEYS
    if unknown:
        raise FormatError(f"{where}: unknown expectation(s) {', '.join(sorted(unknown))} "
                          f"(known: {', '.join(sorted(EXPECT_KEYS))})")
    out: dict[str, Any] = {}
    for key in ("reply", "not_reply"):
        if key in raw:
            out[key] = _check_regexes(raw[key], f"{where}.{key}")
    if "filed" in raw:
        out["filed"] = _check_records(raw["filed"], AFTERSALE_FIELDS, f"{where}.filed")
    if "ticket" in raw:
        out["ticket"] = _check_records(raw["ticket"], TICKET_FIELDS, f"{where}.ticket")
    if "handoff" in raw:
        if not isinstance(raw["handoff"], bool):
            raise FormatError(f"{where}.handoff: true or false")
        out["handoff"] = raw["handoff"]
    return out


def parse(document, customers: set[str] | None = None) -> list[Conversation]:
    """The conversations of a loaded YAML document; FormatError names the first problem."""
    customers = _demo_customers() if customers is None else customers
    if not isinstance(document, dict) or not isinstance(document.get("conversations"), list):
        raise FormatError("the file must be an object with a `conversations:` list")
    if set(document) - {"conversations"}:
        raise FormatError(f"unknown top-level key(s) {', '.join(sorted(set(document) - {'conversations'}))}")
    seen, out = set(), []
    for number, raw in enumerate(document["conversations"], 1):
        where = f"conversation {number}"
        if not isinstance(raw, dict):
            raise FormatError(f"{where}: must be an object")
        unknown = set(raw) - CONVERSATION_KEYS
        if unknown:
            raise FormatError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise FormatError(f"{where}: needs a name")
        where = f"conversation {name!r}"
        if name in seen:
            raise FormatError(f"{where}: the name is used twice")
        seen.add(name)
        customer = raw.get("customer")
        if customer != CUSTOMER_NEW and customer not in customers:
            raise FormatError(f"{where}: customer must be {CUSTOMER_NEW!r} or one of {', '.join(sorted(customers))}")
        if not isinstance(raw.get("turns"), list) or not raw["turns"]:
            raise FormatError(f"{where}: needs a non-empty turns list")
        turns = []
        for index, turn in enumerate(raw["turns"], 1):
            at = f"{where} turn {index}"
            if not isinstance(turn, dict):
                raise FormatError(f"{at}: must be an object")
            unknown = set(turn) - TURN_KEYS
            if unknown:
                raise FormatError(f"{at}: unknown key(s) {', '.join(sorted(unknown))}")
            if ("user" in turn) == ("press" in turn):
                raise FormatError(f"{at}: exactly one of user (typed text) or press (a button)")
            said = turn.get("user", turn.get("press"))
            if isinstance(said, (int, float)) and not isinstance(said, bool):
                said = str(said)  # an order number or size written bare in YAML
            if not isinstance(said, str) or not said.strip():
                raise FormatError(f"{at}: user/press must be non-empty text")
            turns.append(Turn(index, said if "user" in turn else None, said if "press" in turn else None,
                              check_expect(turn.get("expect"), at)))
        out.append(Conversation(name, customer, turns))
    return out


def load(path: str) -> list[Conversation]:
    with open(path, encoding="utf-8") as f:
        try:
            document = yaml.safe_load(f)
        except yaml.YAMLError as exc:
            raise FormatError(f"{path}: not YAML: {exc}") from None
    return parse(document)


# -- judging a turn ----------------------------------------------------------------------------------

@dataclass
class Observed:
    """What came back for one turn."""
    replies: list[str] = field(default_factory=list)        # each assistant message: text + button titles
    buttons: list[dict] = field(default_factory=list)        # offered in these replies
    filed: list[dict] = field(default_factory=list)          # after-sales requests new in this turn (wire form)
    tickets: list[dict] = field(default_factory=list)        # tickets new in this turn (wire form)
    state: str = "bot"                                        # the support case's state after the turn
    problems: list[str] = field(default_factory=list)        # the runner's own notes (no button, held, ...)

    @property
    def text(self) -> str:
        return "\n".join(self.replies)


def _field_matches(key: str, wanted: str, actual) -> bool:
    actual = "" if actual is None else str(actual)
    if key in EXACT_FIELDS:
        return actual == wanted
    if key in EXACT_FOLDED_FIELDS:
        return actual.upper() == wanted.upper()
    return re.search(wanted, actual, re.DOTALL) is not None


def _record_matches(wanted: dict, actual: dict) -> bool:
    return all(_field_matches(k, v, actual.get(k)) for k, v in wanted.items())


def _assign(wanted: list[dict], actual: list[dict]) -> bool:
    """Whether each wanted record is matched by a different actual one (small lists: backtracking)."""
    if not wanted:
        return True
    first, rest = wanted[0], wanted[1:]
    return any(_record_matches(first, a) and _assign(rest, actual[:i] + actual[i + 1:]) for i, a in enumerate(actual))


def judge(expect: dict, observed: Observed) -> list[str]:
    """Why the turn is wrong ([] = right). `expect` as check_expect returns it."""
    wrong = list(observed.problems)
    text = observed.text
    for pattern in expect.get("reply", ()):
        if not re.search(pattern, text, re.DOTALL):
            wrong.append(f"reply does not match /{pattern}/")
    for pattern in expect.get("not_reply", ()):
        found = re.search(pattern, text, re.DOTALL)
        if found:
            wrong.append(f"reply matches /{pattern}/ ({found.group(0)!r})")
    for key, label, actual in (("filed", "after-sales request", observed.filed),
                               ("ticket", "ticket", observed.tickets)):
        if key not in expect:
            continue
        wanted = expect[key]
        if wanted is None:
            if actual:
                wrong.append(f"expected no new {label}, got {len(actual)}")
        elif not _assign(wanted, actual):
            wrong.append(f"expected new {label} {_brief_list(wanted)}, got {_brief_list(actual, like=wanted)}")
    if "handoff" in expect:
        with_humans = observed.state in WITH_HUMANS
        if expect["handoff"] and not with_humans:
            wrong.append(f"expected a hand-off to humans, the case is {observed.state!r}")
        elif not expect["handoff"] and with_humans:
            wrong.append(f"expected no hand-off, the case is {observed.state!r}")
    return wrong


def _brief_list(records: list[dict], like: list[dict] | None = None) -> str:
    """Records in one line: kind, order and SKU, and the fields the expectation named."""
    if not records:
        return "none"
    keys = list(dict.fromkeys(["kind", "order_id", "sku"] + [k for r in (like or ()) for k in r]))
    return "; ".join("{" + ", ".join(f"{k}: {r.get(k)}" for k in keys if r.get(k) not in (None, "")) + "}"
                     for r in records)


# -- the assistant (Rasa + actions), started once ------------------------------------------------------

def load_manage():
    spec = importlib.util.spec_from_file_location("bot_manage", os.path.join(ROOT, "bot", "manage.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text: str) -> None:
    print(f"[conversations] {text}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Assistant:
    """The real Rasa server and action server, pointing at the platform's fixed port."""

    def __init__(self, platform_port: int, log_dir: str):
        self.platform_port = platform_port
        self.log_dir = log_dir
        self.secret = secrets.token_hex(16)
        self.token = secrets.token_hex(16)
        self.rasa_port, self.actions_port = free_port(), free_port()
        self.processes: list = []
        self.manage = load_manage()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    async def start(self) -> None:
        manage = self.manage
        bin_dir = await asyncio.to_thread(manage.ensure_env)
        model = await asyncio.to_thread(manage.ensure_model, bin_dir)
        kwargs = dict(platform_url=f"http://127.0.0.1:{self.platform_port}", secret=self.secret,
                      rasa_port=self.rasa_port, actions_port=self.actions_port, log_dir=self.log_dir,
                      data_dir=self.log_dir)
        accepted = inspect.signature(manage.start).parameters
        kwargs.update({name: self.token for name in ("token", "rasa_token", "auth_token") if name in accepted})
        # the same token and secret whichever way manage.start reads them (arguments or the environment the
        # children inherit), and the assistant's own state (a tracker store, if configured) in the log
        # directory; this process's environment is put back afterwards
        with _environment(CHAT_RASA_TOKEN=self.token, CHAT_BOT_SECRET=self.secret, CHAT_DATA_DIR=self.log_dir):
            self.processes = manage.start(bin_dir, model, **{k: v for k, v in kwargs.items() if k in accepted})
        await self._wait_for(f"http://127.0.0.1:{self.actions_port}/health", timeout=180)
        await self._wait_for(f"{self.url}/status?token={self.token}", timeout=300, statuses=(200,))

    async def _wait_for(self, url: str, timeout: float, statuses=(200,)) -> None:
        import aiohttp
        deadline = time.monotonic() + timeout
        async with aiohttp.ClientSession() as session:
            while True:
                dead = [p.args[2:4] for p in self.processes if p.poll() is not None]
                if dead:
                    raise RuntimeError(f"{dead} exited early; logs in {self.log_dir}")
                try:
                    async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as resp:
                        if resp.status in statuses:
                            return
                except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url.split('?')[0]} not up after {timeout:.0f} s; logs in {self.log_dir}")
                await asyncio.sleep(0.5)

    def stop(self) -> None:
        if self.processes:
            self.manage.stop(self.processes)
            self.processes = []

    def log_tail(self, chars: int = 2000) -> str:
        out = []
        for name in ("rasa.log", "actions.log"):
            path = os.path.join(self.log_dir, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8", errors="replace") as f:
                    out.append(f"--- {name} (last {chars} characters) ---\n{f.read()[-chars:]}")
        return "\n".join(out)


# -- a fresh platform per conversation -----------------------------------------------------------------

@contextlib.asynccontextmanager
async def platform(port: int, data_dir: str, assistant: Assistant):
    """The platform as `python -m server` runs it (demo shop seeded), on 127.0.0.1:port, its data in
    data_dir; yields its services once the assistant is reachable from it."""
    from aiohttp import web

    from scripts.demo import seed_if_empty
    from server.app import create_app
    from server.config import Config
    from server.transport.keys import SERVICES

    # argon2 cheap (six demo accounts are made per conversation); spam and new-member limits off: the
    # conversations measure the assistant, not the flood limits
    config = Config(data_dir=data_dir, seed_demo=True, argon2_time_cost=1, argon2_memory_kib=256,
                    bot=True, bot_url=assistant.url, bot_secret=assistant.secret, rasa_token=assistant.token,
                    bot_timeout_seconds=30, bot_probe_seconds=0.5, support_hours="00:00-24:00",
                    support_days="1-7", flood_messages=0, repeat_count=0, new_account_hours=0,
                    register_per_address=10_000, register_per_hour=10_000)
    app = create_app(config, on_start=[seed_if_empty])
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port, reuse_address=True)
    try:
        await site.start()
        svc = app[SERVICES]
        deadline = time.monotonic() + 30
        while not svc.bot.available:
            if time.monotonic() > deadline:
                raise RuntimeError("the platform does not see the assistant as available")
            await asyncio.sleep(0.1)
        yield svc
    finally:
        await runner.cleanup()


class Customer:
    """One customer on one platform, over REST, as the web client does it."""

    def __init__(self, http, base: str):
        self.http, self.base = http, base
        self.headers: dict = {}
        self.agent_headers: dict = {}
        self.user_id = ""
        self.conv_id = ""

    async def call(self, method: str, path: str, headers=None, json=None) -> dict:
        async with self.http.request(method, self.base + path, headers=headers or self.headers, json=json) as r:
            body = await r.json()
            if r.status != 200:
                raise RuntimeError(f"{method} {path} answered {r.status}: {body}")
            return body

    async def login(self, username: str, password: str) -> dict:
        body = await self.call("POST", "/api/auth/login", headers={}, json={"username": username, "password": password})
        return {"Authorization": f"Bearer {body['token']}"}

    async def open(self, customer: str) -> None:
        from scripts.demo import DEMO_PASSWORD
        if customer == CUSTOMER_NEW:
            password = "Eval-" + secrets.token_hex(8)
            body = await self.call("POST", "/api/auth/register", headers={},
                                   json={"username": "xinke" + secrets.token_hex(3), "password": password,
                                         "display_name": "新顾客"})
            self.headers = {"Authorization": f"Bearer {body['token']}"}
        else:
            self.headers = await self.login(customer, DEMO_PASSWORD)
        self.agent_headers = await self.login("kefu", DEMO_PASSWORD)
        self.user_id = (await self.call("GET", "/api/me"))["user"]["id"]
        self.conv_id = (await self.call("POST", "/api/support"))["conversation"]["id"]

    async def messages_after(self, seq: int) -> list[dict]:
        out = []
        while True:
            page = (await self.call("GET", f"/api/conversations/{self.conv_id}/messages?after={seq}&limit=100"))["messages"]
            out += page
            if len(page) < 100:
                return out
            seq = max(m["seq"] for m in page)

    async def aftersales(self) -> list[dict]:
        return (await self.call("GET", "/api/me/aftersales"))["aftersales"]

    async def tickets(self) -> list[dict]:
        found = (await self.call("GET", "/api/tickets?limit=100", headers=self.agent_headers))["tickets"]
        return [t for t in found if t["customer_id"] == self.user_id]

    async def state(self) -> str:
        return (await self.call("GET", f"/api/support/cases/{self.conv_id}"))["support"]["state"]

    async def send(self, text: str, payload: str | None = None) -> dict:
        body = {"text": text, "client_msg_id": secrets.token_hex(8)}
        if payload:
            body["payload"] = payload
        return (await self.call("POST", f"/api/conversations/{self.conv_id}/messages", json=body))["message"]


def find_button(messages: list[dict], bot_id: str, wanted: str) -> dict | None:
    """The newest button whose title or payload contains `wanted`, among those on offer now: the
    assistant's messages since the customer last wrote (an older button pressed again would send an
    earlier question's answer, and would hide that the assistant did not offer it this time)."""
    for message in reversed(messages):
        if message["author_id"] != bot_id:
            return None  # the customer's own last message: nothing older is on offer
        for button in message.get("buttons") or ():
            if wanted in button.get("title", "") or wanted in button.get("payload", ""):
                return button
    return None


def shown(message: dict) -> str:
    """What the customer sees of an assistant message: its text and its buttons' titles."""
    titles = [b.get("title", "") for b in message.get("buttons") or ()]
    return "\n".join([message.get("text") or ""] + [f"[{t}]" for t in titles if t])


@dataclass
class TurnResult:
    turn: Turn
    observed: Observed
    wrong: list[str]
    seconds: float


@dataclass
class Settle:
    cap: float = 20.0       # longest wait for the first reply
    quiet: float = 1.5      # no new assistant message for this long: the turn's answer is complete
    poll: float = 0.25


async def play(conversation: Conversation, customer: Customer, bot_id: str, settle: Settle,
               on_turn=None) -> list[TurnResult]:
    await customer.open(conversation.customer)
    history = await customer.messages_after(0)
    last_seq = max((m["seq"] for m in history), default=0)
    results = []
    for turn in conversation.turns:
        started = time.monotonic()
        observed = Observed()
        with_humans = await customer.state() in WITH_HUMANS  # then the assistant stays silent
        filed_before = {a["id"] for a in await customer.aftersales()}
        tickets_before = {t["id"] for t in await customer.tickets()}
        text, payload = turn.user, None
        if turn.press is not None:
            button = find_button(history, bot_id, turn.press)
            if button is None:
                observed.problems.append(f"no offered button with {turn.press!r}")
                text = turn.press
            else:
                text, payload = button["title"], button.get("payload") or None
        sent = await customer.send(text, payload)
        if sent.get("hidden"):
            observed.problems.append(f"the customer's message was held ({sent.get('hidden_reason', 'hidden')})")
        last_seq = max(last_seq, sent["seq"])
        replies: list[dict] = []
        # with humans already, nobody answers at once: no point waiting the whole cap
        first_deadline = time.monotonic() + (settle.quiet if with_humans else settle.cap)
        last_new = None
        while True:
            await asyncio.sleep(settle.poll)
            fresh = [m for m in await customer.messages_after(last_seq) if m["author_id"] == bot_id]
            if fresh:
                replies += fresh
                last_seq = max(m["seq"] for m in fresh)
                last_new = time.monotonic()
            now = time.monotonic()
            if last_new is not None and now - last_new >= settle.quiet:
                break
            if last_new is None and now > first_deadline:
                observed.problems.append("no reply: the conversation is with humans, the assistant is silent"
                                         if with_humans else f"no reply within {settle.cap:g} s")
                break
        history += [sent] + replies
        observed.replies = [shown(m) for m in replies]
        observed.buttons = [b for m in replies for b in m.get("buttons") or ()]
        observed.filed = [a for a in await customer.aftersales() if a["id"] not in filed_before]
        observed.tickets = [t for t in await customer.tickets() if t["id"] not in tickets_before]
        observed.state = await customer.state()
        result = TurnResult(turn, observed, judge(turn.expect, observed), time.monotonic() - started)
        results.append(result)
        if on_turn:
            on_turn(result)
    return results


# -- the report ---------------------------------------------------------------------------------------

@dataclass
class Report:
    results: dict[str, list[TurnResult]] = field(default_factory=dict)  # by conversation name, in order
    errors: dict[str, str] = field(default_factory=dict)                # conversations that could not be played
    turns_total: int = 0                                                 # every turn in the file(s) asked for

    @property
    def right(self) -> int:
        return sum(1 for turns in self.results.values() for r in turns if not r.wrong)

    @property
    def score(self) -> float:
        return self.right / self.turns_total if self.turns_total else 0.0

    def wrong_turns(self) -> list[tuple[str, TurnResult]]:
        return [(name, r) for name, turns in self.results.items() for r in turns if r.wrong]


def _one_line(text: str, limit: int = 300) -> str:
    text = " ⏎ ".join(line.strip() for line in text.splitlines() if line.strip())
    return text if len(text) <= limit else text[:limit] + "…"


def print_turn(result: TurnResult) -> None:
    mark = "✗" if result.wrong else "✓"
    print(f"  {mark} {result.turn.index}. {result.turn.said}  ({result.seconds:.1f} s)", flush=True)


def print_summary(report: Report, seconds: float) -> None:
    print()
    for name, error in report.errors.items():
        print(f"could not play {name!r}: {error}")
    wrong = report.wrong_turns()
    if wrong:
        print(f"wrong turns ({len(wrong)}):")
    for name, result in wrong:
        obs = result.observed
        print(f"- {name} · turn {result.turn.index}: {result.turn.said}")
        for reason in result.wrong:
            print(f"    ✗ {reason}")
        print(f"    replies: {_one_line(obs.text) or '(none)'}")
        if obs.filed:
            print(f"    filed: {_brief_list(obs.filed, like=[{'reason': '', 'exchange_detail': ''}])}")
        if obs.tickets:
            print(f"    tickets: {_brief_list(obs.tickets, like=[{'summary': ''}])}")
        if obs.state != "bot":
            print(f"    case: {obs.state}")
    total = report.turns_total
    print(f"\nturns right: {report.right}/{total} ({report.score:.0%})   "
          f"conversations all right: {sum(1 for t in report.results.values() if t and not any(r.wrong for r in t))}"
          f"/{len(report.results) + len(report.errors)}   time: {seconds:.0f} s", flush=True)


async def run(conversations: list[Conversation], *, settle: Settle | None = None, log_dir: str | None = None,
              echo: bool = True) -> Report:
    """Plays every conversation against one real assistant, each on a fresh platform."""
    import aiohttp
    settle = settle or Settle()
    report = Report(turns_total=sum(len(c.turns) for c in conversations))
    with contextlib.ExitStack() as stack:
        if log_dir is None:
            log_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="shopchat-convo-"))
        os.makedirs(log_dir, exist_ok=True)
        port = free_port()
        assistant = Assistant(port, log_dir)
        try:
            say("starting Rasa and the action server (Rasa loads its model in about a minute)...")
            started = time.monotonic()
            try:
                await assistant.start()
            except Exception:
                print(assistant.log_tail(), file=sys.stderr)
                raise
            say(f"assistant up in {time.monotonic() - started:.0f} s; playing {len(conversations)} conversation(s)")
            async with aiohttp.ClientSession() as http:
                for number, conversation in enumerate(conversations):
                    if echo:
                        print(f"{conversation.name}  ({conversation.customer})", flush=True)
                    data_dir = os.path.join(log_dir, f"platform-{number:03d}")
                    try:
                        async with platform(port, data_dir, assistant) as svc:
                            customer = Customer(http, f"http://127.0.0.1:{port}")
                            report.results[conversation.name] = await play(
                                conversation, customer, svc.bot_user.id, settle,
                                on_turn=print_turn if echo else None)
                    except Exception as exc:  # one broken conversation must not hide the others' scores
                        report.errors[conversation.name] = f"{type(exc).__name__}: {exc}"
                        if echo:
                            print(f"  ! {report.errors[conversation.name]}", flush=True)
                        if any(p.poll() is not None for p in assistant.processes):
                            print(assistant.log_tail(), file=sys.stderr)
                            raise RuntimeError("the assistant died") from exc
        finally:
            assistant.stop()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bot_conversations",
                                     description="Score whole conversations with the real assistant, per turn.")
    parser.add_argument("file", help="a conversations YAML file (e.g. bot/tests/conversations.yml)")
    parser.add_argument("--floor", type=float, default=0.0,
                        help="exit 1 when the share of right turns is below this (0.9 or 90)")
    parser.add_argument("--only", action="append", default=[],
                        help="play only the conversation(s) with this name (repeatable; a substring is enough)")
    parser.add_argument("--logs", default=None, help="keep Rasa's and the actions' logs (and platform data) here")
    parser.add_argument("--json", default=None, help="also write the score and every turn's result here (JSON)")
    parser.add_argument("--cap", type=float, default=20.0, help="seconds to wait for a turn's first reply")
    parser.add_argument("--quiet-seconds", type=float, default=1.5,
                        help="a turn's answer is complete after this long without a new assistant message")
    args = parser.parse_args(argv)
    floor = args.floor / 100 if args.floor > 1 else args.floor
    try:
        conversations = load(args.file)
    except (FormatError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.only:
        conversations = [c for c in conversations if any(o == c.name or o in c.name for o in args.only)]
        if not conversations:
            print(f"error: no conversation named {', '.join(args.only)!r}", file=sys.stderr)
            return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("aiohttp.access", "server", "scripts"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    started = time.monotonic()
    try:
        report = asyncio.run(run(conversations, settle=Settle(cap=args.cap, quiet=args.quiet_seconds),
                                 log_dir=args.logs))
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print_summary(report, time.monotonic() - started)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(as_json(report, args.file, time.monotonic() - started), f, ensure_ascii=False, indent=1)
    code = exit_code(report, floor)
    if code:
        print(f"below the floor of {floor:.0%}", file=sys.stderr)
    return code


def as_json(report: Report, path: str, seconds: float) -> dict:
    """The report for machines (make targets, CI): the score and every turn."""
    return {"file": path, "right": report.right, "turns": report.turns_total, "score": round(report.score, 4),
            "seconds": round(seconds, 1), "errors": report.errors,
            "conversations": [{"name": name, "turns": [
                {"turn": r.turn.index, "said": r.turn.said, "right": not r.wrong, "wrong": r.wrong,
                 "replies": r.observed.replies, "state": r.observed.state,
                 "filed": [{k: a.get(k) for k in ("kind", "order_id", "sku", "reason", "description",
                                                  "exchange_detail")} for a in r.observed.filed],
                 "tickets": [{k: t.get(k) for k in ("kind", "order_id", "summary")} for t in r.observed.tickets],
                 "seconds": round(r.seconds, 2)} for r in turns]} for name, turns in report.results.items()]}


def exit_code(report: Report, floor: float) -> int:
    """1 when the share of right turns is below the floor (a conversation that could not be played
    counts all its turns wrong), else 0."""
    return 1 if report.score < floor else 0


if __name__ == "__main__":
    sys.exit(main())
