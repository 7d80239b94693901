"""The one place configuration is read: environment variables with the CHAT_ prefix."""
from __future__ import annotations

import ipaddress
import os
import secrets
import urllib.parse
from dataclasses import dataclass, field

from moderation import DEFAULT_SHOP_DOMAINS


def _number(env, name: str, default, cast=int):
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        return cast(raw)
    except ValueError:
        what = "a whole number" if cast is int else "a number"
        raise SystemExit(f"{name} must be {what}, got {raw!r}") from None


def _int(env, name: str, default: int) -> int:
    return _number(env, name, default, int)


def _float(env, name: str, default: float) -> float:
    return _number(env, name, default, float)


def _bot_workers(raw: str, bot_url: str) -> tuple[str, ...]:
    """CHAT_BOT_WORKERS: a number N (N workers on consecutive ports from CHAT_BOT_URL's) or their URLs."""
    raw = raw.strip()
    if not raw:
        return ()
    if raw.isdigit():
        count = int(raw)
        if not 1 <= count <= 32:
            raise SystemExit(f"CHAT_BOT_WORKERS must be 1 to 32 workers, got {raw}")
        base = urllib.parse.urlsplit(bot_url)
        port = base.port or 5005
        return tuple(f"{base.scheme}://{base.hostname}:{port + i}" for i in range(count))
    urls = tuple(u.strip().rstrip("/") for u in raw.split(",") if u.strip())
    for url in urls:
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise SystemExit(f"CHAT_BOT_WORKERS: a number of workers or http:// URLs, got {url!r}")
    return urls


@dataclass
class Config:
    host: str = "0.0.0.0"
    port: int = 8080
    data_dir: str = "./data"
    mongodb_uri: str = ""
    redis_url: str = ""                   # set: several processes share fan-out and state through Redis
    trusted_proxies: tuple[str, ...] = ()  # fronts whose X-Forwarded-For names the client (login limits)
    secret: str = ""
    token_ttl_days: int = 30
    session_sweep_seconds: float = 30.0   # how often open connections are checked for their session's expiry
    seed_demo: bool = True
    sqlite_synchronous: str = "FULL"
    # argon2id cost; tests lower it so they run fast, production keeps the defaults
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    # logins (actions/auth.py): failures are counted per account and address together; the first
    # login_free_failures cost nothing, then each waits twice as long (login_backoff_seconds, 2x, 4x ...
    # up to login_backoff_max_seconds). Nobody else's failures hold an owner at their address. An account
    # failed more than login_account_ceiling times from everywhere only gets one free failure per address.
    login_free_failures: int = 5
    login_backoff_seconds: float = 30.0
    login_backoff_max_seconds: float = 900.0
    login_account_ceiling: int = 100
    login_max_per_address: int = 20       # failures from one address over all accounts
    login_window_seconds: int = 900       # failures older than this are forgotten
    login_known_days: int = 30            # an address that logged in to an account is known this long
    register_per_address: int = 5         # new accounts an hour from one address
    register_per_hour: int = 200          # new accounts an hour from everywhere
    shop_name: str = "ShopChat"           # reserved for staff, like 管理员 and 客服 (policy/names.py)
    moderation: bool = True               # CHAT_MODERATION=off: no rules engine (not for production)
    shop_domains: str = DEFAULT_SHOP_DOMAINS  # links to these (and their subdomains) are never flagged
    flood_messages: int = 10              # per user per flood_seconds (0: off)
    flood_seconds: float = 10.0
    repeat_count: int = 3                 # the same text this often per repeat_seconds is spam (0: off)
    repeat_seconds: float = 60.0
    max_mentions: int = 5                 # distinct @mentions per message (0: off)
    new_account_hours: int = 24           # platform default for new-member limits; groups may set their own
    reports_per_hour: int = 10            # per reporter
    uploads_per_hour: int = 120           # pictures per user
    picture_checks: bool = True           # CHAT_PICTURE_CHECKS=off: pictures aren't read (QR, OCR, removed ones)
    picture_ocr: bool = True              # CHAT_PICTURE_OCR=off: codes and hashes only, no text read
    picture_workers: int = 1              # threads reading pictures (OCR runs one at a time per process)
    picture_wait_seconds: float = 3.0     # how long a send waits for its pictures' checks before holding it
    picture_check_seconds: float = 30.0   # a picture not read in this time is held for a moderator
    invite_hours: int = 24 * 7            # an invite link's life unless its creator picks one (1 h to a year)
    invite_max_uses: int = 100            # how many may join by one link unless its creator picks a number
    socket_max_pending: int = 1024 * 1024  # bytes unsent to one connection before it is dropped (0: no cap)
    # the support desk and its assistant
    bot: bool = True                      # CHAT_BOT=off: every support conversation goes to a human
    bot_url: str = "http://127.0.0.1:5005"
    bot_timeout_seconds: float = 8.0      # a reply slower than this ends in an apology and a hand-off
    bot_probe_seconds: float = 10.0
    bot_secret: str = ""                  # shared with the action server; generated into data_dir if empty
    internal_port: int = 0                # set: /internal/* only on this port (on internal_host), 404 elsewhere
    internal_host: str = "127.0.0.1"
    rasa_token: str = ""                  # Rasa's --auth-token; generated into data_dir/rasa_token if empty
    # several Rasa processes sharing one tracker store, each conversation always asking the same one:
    # CHAT_BOT_WORKERS=N is N workers on CHAT_BOT_URL's port and the next N-1 (`make run` starts them),
    # or a comma-separated list of their URLs (docker-compose)
    bot_workers: tuple[str, ...] = ()
    support_hours: str = "09:00-21:00"    # when human agents work, in support_tz
    support_days: str = "1-7"             # ISO weekdays, 1 = Monday
    support_tz: str = "Asia/Shanghai"
    web_dir: str = field(default_factory=lambda: os.path.join(os.path.dirname(os.path.dirname(__file__)), "web"))

    def __post_init__(self):
        try:  # an address is a network of one; a bad entry stops the start
            self.trusted_networks = tuple(ipaddress.ip_network(p, strict=False) for p in self.trusted_proxies)
        except ValueError as exc:
            raise SystemExit(f"CHAT_TRUSTED_PROXIES: {exc}") from None

    @property
    def backend(self) -> str:
        return "mongodb" if self.mongodb_uri else "sqlite"

    @classmethod
    def from_env(cls, env=None) -> "Config":
        env = os.environ if env is None else env
        cfg = cls(
            host=env.get("CHAT_HOST", "0.0.0.0"),
            port=_int(env, "CHAT_PORT", 8080),
            data_dir=env.get("CHAT_DATA_DIR", "./data"),
            mongodb_uri=env.get("CHAT_MONGODB_URI", ""),
            redis_url=env.get("CHAT_REDIS_URL", ""),
            trusted_proxies=tuple(a.strip() for a in env.get("CHAT_TRUSTED_PROXIES", "").split(",") if a.strip()),
            secret=env.get("CHAT_SECRET", ""),
            token_ttl_days=_int(env, "CHAT_TOKEN_TTL_DAYS", 30),
            seed_demo=env.get("CHAT_SEED_DEMO", "1") not in ("0", "false", "no", "off"),
            argon2_time_cost=_int(env, "CHAT_ARGON2_TIME_COST", 3),
            argon2_memory_kib=_int(env, "CHAT_ARGON2_MEMORY_KIB", 65536),
            moderation=env.get("CHAT_MODERATION", "on").lower() not in ("0", "false", "no", "off"),
            shop_domains=env.get("CHAT_SHOP_DOMAINS", DEFAULT_SHOP_DOMAINS),
            flood_messages=_int(env, "CHAT_FLOOD_MESSAGES", 10),
            flood_seconds=_float(env, "CHAT_FLOOD_SECONDS", 10.0),
            repeat_count=_int(env, "CHAT_REPEAT_COUNT", 3),
            repeat_seconds=_float(env, "CHAT_REPEAT_SECONDS", 60.0),
            max_mentions=_int(env, "CHAT_MAX_MENTIONS", 5),
            new_account_hours=_int(env, "CHAT_NEW_ACCOUNT_HOURS", 24),
            reports_per_hour=_int(env, "CHAT_REPORTS_PER_HOUR", 10),
            uploads_per_hour=_int(env, "CHAT_UPLOADS_PER_HOUR", 120),
            picture_checks=env.get("CHAT_PICTURE_CHECKS", "on").lower() not in ("0", "false", "no", "off"),
            picture_ocr=env.get("CHAT_PICTURE_OCR", "on").lower() not in ("0", "false", "no", "off"),
            picture_workers=_int(env, "CHAT_PICTURE_WORKERS", 1),
            picture_wait_seconds=_float(env, "CHAT_PICTURE_WAIT_SECONDS", 3.0),
            picture_check_seconds=_float(env, "CHAT_PICTURE_CHECK_SECONDS", 30.0),
            invite_hours=_int(env, "CHAT_INVITE_HOURS", 24 * 7),
            invite_max_uses=_int(env, "CHAT_INVITE_MAX_USES", 100),
            socket_max_pending=_int(env, "CHAT_SOCKET_MAX_PENDING", 1024 * 1024),
            login_free_failures=_int(env, "CHAT_LOGIN_FREE_FAILURES", 5),
            login_backoff_seconds=_float(env, "CHAT_LOGIN_BACKOFF_SECONDS", 30.0),
            login_account_ceiling=_int(env, "CHAT_LOGIN_ACCOUNT_CEILING", 100),
            login_max_per_address=_int(env, "CHAT_LOGIN_MAX_PER_ADDRESS", 20),
            register_per_address=_int(env, "CHAT_REGISTER_PER_ADDRESS", 5),
            register_per_hour=_int(env, "CHAT_REGISTER_PER_HOUR", 200),
            shop_name=env.get("CHAT_SHOP_NAME", "ShopChat"),
            bot=env.get("CHAT_BOT", "on").lower() not in ("0", "false", "no", "off"),
            bot_url=env.get("CHAT_BOT_URL", "http://127.0.0.1:5005").rstrip("/"),
            bot_timeout_seconds=_float(env, "CHAT_BOT_TIMEOUT", 8.0),
            bot_secret=env.get("CHAT_BOT_SECRET", ""),
            rasa_token=env.get("CHAT_RASA_TOKEN", ""),
            internal_port=_int(env, "CHAT_INTERNAL_PORT", 0),
            internal_host=env.get("CHAT_INTERNAL_HOST", "127.0.0.1"),
            bot_workers=_bot_workers(env.get("CHAT_BOT_WORKERS", ""),
                                     env.get("CHAT_BOT_URL", "http://127.0.0.1:5005").rstrip("/")),
            support_hours=env.get("CHAT_SUPPORT_HOURS", "09:00-21:00"),
            support_days=env.get("CHAT_SUPPORT_DAYS", "1-7"),
            support_tz=env.get("CHAT_SUPPORT_TZ", "Asia/Shanghai"),
        )
        return cfg

    def bot_worker_urls(self) -> tuple[str, ...]:
        """Every Rasa URL the platform asks (one unless CHAT_BOT_WORKERS says more)."""
        return self.bot_workers or (self.bot_url,)

    def ensure_secret(self) -> str:
        """CHAT_SECRET, or one generated once into the data dir and kept there."""
        if not self.secret:
            self.secret = self._kept_secret("secret")
        return self.secret

    def ensure_bot_secret(self) -> str:
        """CHAT_BOT_SECRET, or data_dir/bot_secret, which `make bot` hands to the action server."""
        if not self.bot_secret:
            self.bot_secret = self._kept_secret("bot_secret")
        return self.bot_secret

    def ensure_rasa_token(self) -> str:
        """CHAT_RASA_TOKEN, or data_dir/rasa_token: `make bot` starts Rasa with it, the platform sends it."""
        if not self.rasa_token:
            self.rasa_token = self._kept_secret("rasa_token")
        return self.rasa_token

    def _kept_secret(self, name: str) -> str:
        os.makedirs(self.data_dir, exist_ok=True)
        path = os.path.join(self.data_dir, name)
        if not os.path.exists(path):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(fd, "w") as f:
                    f.write(secrets.token_hex(32))
        with open(path) as f:
            return f.read().strip()
