"""The one place configuration is read: environment variables with the CHAT_ prefix."""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


def _int(env, name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


@dataclass
class Config:
    host: str = "0.0.0.0"
    port: int = 8080
    data_dir: str = "./data"
    mongodb_uri: str = ""
    secret: str = ""
    token_ttl_days: int = 30
    seed_demo: bool = True
    sqlite_synchronous: str = "FULL"
    # argon2id cost; tests lower it so they run fast, production keeps the defaults
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    login_max_per_account: int = 5
    login_max_per_address: int = 20
    login_window_seconds: int = 300
    web_dir: str = field(default_factory=lambda: os.path.join(os.path.dirname(os.path.dirname(__file__)), "web"))

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
            secret=env.get("CHAT_SECRET", ""),
            token_ttl_days=_int(env, "CHAT_TOKEN_TTL_DAYS", 30),
            seed_demo=env.get("CHAT_SEED_DEMO", "1") not in ("0", "false", "no", "off"),
            argon2_time_cost=_int(env, "CHAT_ARGON2_TIME_COST", 3),
            argon2_memory_kib=_int(env, "CHAT_ARGON2_MEMORY_KIB", 65536),
        )
        return cfg

    def ensure_secret(self) -> str:
        """CHAT_SECRET, or one generated once into the data dir and kept there."""
        if self.secret:
            return self.secret
        os.makedirs(self.data_dir, exist_ok=True)
        path = os.path.join(self.data_dir, "secret")
        if not os.path.exists(path):
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
        with open(path) as f:
            self.secret = f.read().strip()
        return self.secret
