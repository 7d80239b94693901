"""The assistant's toolbox, run with any Python 3 (stdlib only); `make bot*` calls it.

    python bot/manage.py env          create (once) the Python 3.10 environment Rasa needs
    python bot/manage.py train        train the model if the bot's data or config changed
    python bot/manage.py run          Rasa (HTTP API on 127.0.0.1:5005, behind a token; CHAT_BOT_WORKERS=N
                                      starts N of them on 5005, 5006 …) + the action server (127.0.0.1:5055),
                                      restarted when they exit
    python bot/manage.py serve        Rasa alone in this process, as its container runs it (CHAT_RASA_TOKEN required)
    python bot/manage.py validate     rasa data validate, warnings count as errors
    python bot/manage.py eval         intent accuracy, macro-F1 and confused pairs on each held-out sentence set
    python bot/manage.py test         action unit tests and story tests

The environment and the models live outside the checkout, under SHOPCHAT_CACHE
(default ~/.cache/shopchat), keyed by a hash of what they are built from, so repeated
runs and fresh clones on the same machine reuse them."""
from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

BOT_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOT_DIR)
CACHE = os.environ.get("SHOPCHAT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "shopchat")
LOCK = os.path.join(BOT_DIR, "requirements.lock")
MODEL_INPUTS = ("config.yml", "domain.yml", "data/**/*.yml", "dict/*")
ACCURACY_TARGET = 0.90
RASA_PORT = 5005  # the platform's CHAT_BOT_URL (and CHAT_BOT_WORKERS) say which ports `run` uses
ACTIONS_PORT = int(os.environ.get("SHOPCHAT_ACTIONS_PORT", "5055"))
QUIET = {"PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "3", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
         "RASA_TELEMETRY_ENABLED": "false", "LOG_LEVEL": "WARNING"}


def say(text: str) -> None:
    print(f"[bot] {text}", file=sys.stderr, flush=True)


def _hash(paths: list[str], extra: str = "") -> str:
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        digest.update(os.path.relpath(path, BOT_DIR).encode())
        with open(path, "rb") as f:
            digest.update(f.read())
    return digest.hexdigest()[:16]


def find_python310() -> str:
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.join(os.path.expanduser("~"), ".pyenv")
    candidates = [os.environ.get("SHOPCHAT_PY310", "")]
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", "3.10.*", "bin", "python3.10")), reverse=True)
    candidates.append(shutil.which("python3.10") or "")
    for candidate in candidates:
        if candidate and "/shims/" not in candidate and os.access(candidate, os.X_OK):
            return candidate
    raise SystemExit("[bot] Rasa 3.6 needs Python 3.10: install it (pyenv install 3.10) or set SHOPCHAT_PY310")


def env_dir() -> str:
    return os.path.join(CACHE, f"bot-env-{_hash([LOCK])}")


def ensure_env() -> str:
    """The environment for this requirements.lock, installed once; returns its bin directory."""
    path = env_dir()
    stamp = os.path.join(path, ".installed")
    if os.path.exists(stamp):
        return os.path.join(path, "bin")
    python = find_python310()
    say(f"installing Rasa's environment into {path} (once per requirements.lock; a few minutes)")
    shutil.rmtree(path, ignore_errors=True)
    subprocess.run([python, "-m", "venv", path], check=True)
    pip = [os.path.join(path, "bin", "python"), "-m", "pip"]
    subprocess.run(pip + ["install", "--quiet", "--upgrade", "pip==24.0", "wheel"], check=True)
    subprocess.run(pip + ["install", "--quiet", "-r", LOCK], check=True)
    with open(stamp, "w") as f:
        f.write(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    say("Rasa's environment is ready")
    return os.path.join(path, "bin")


def _bot_env() -> dict:
    """Quiet logs, and Rasa's training cache outside the checkout."""
    return {**os.environ, **QUIET, "RASA_CACHE_DIRECTORY": os.path.join(CACHE, "rasa-cache")}


def model_path() -> str:
    inputs = [p for pattern in MODEL_INPUTS for p in glob.glob(os.path.join(BOT_DIR, pattern), recursive=True)]
    return os.path.join(CACHE, "models", f"{_hash(inputs + [LOCK])}.tar.gz")


def ensure_model(bin_dir: str) -> str:
    """The model for the current data and config; trained only when they changed."""
    path = model_path()
    if os.path.exists(path):
        say(f"model up to date: {path}")
        return path
    os.makedirs(os.path.dirname(path), exist_ok=True)
    say("training the model (the bot's data or config changed; about 3 minutes on 2 cores)...")
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([os.path.join(bin_dir, "rasa"), "train", "--out", out, "--fixed-model-name", "model"],
                       cwd=BOT_DIR, env=_bot_env(), check=True)
        shutil.move(os.path.join(out, "model.tar.gz"), path + ".part")
    os.replace(path + ".part", path)
    say(f"model trained in {time.monotonic() - started:.0f} s: {path}")
    return path


def platform_config():
    """The platform's own configuration, read from the same environment `python -m server` reads, so the
    two sides agree on the secrets, the token and the Rasa workers (server/config.py is stdlib-only)."""
    data_dir = os.path.abspath(os.environ.get("CHAT_DATA_DIR") or os.path.join(ROOT, "data"))
    sys.path.insert(0, ROOT)
    from server.config import Config
    return Config.from_env({**os.environ, "CHAT_DATA_DIR": data_dir})


def platform_secret() -> str:
    """The shared secret of the platform's internal bot API: CHAT_BOT_SECRET, or the one the
    platform generated into its data directory (created here first if the bot starts first)."""
    return platform_config().ensure_bot_secret()


def rasa_ports(config) -> list[int]:
    """The ports of the Rasa workers the platform will ask (CHAT_BOT_URL, or CHAT_BOT_WORKERS)."""
    ports = []
    for url in config.bot_worker_urls():
        host, port = urllib.parse.urlsplit(url).hostname, urllib.parse.urlsplit(url).port
        if host not in ("127.0.0.1", "localhost", "::1"):
            say(f"warning: {url} is not on this machine; starting that worker on 127.0.0.1:{port} anyway")
        ports.append(port or 5005)
    return ports


def stores(config) -> dict:
    """Where Rasa keeps its trackers and locks (endpoints.yml reads these): the trackers in a real store,
    so a restarted Rasa carries on with a half-filled form, and shared by every worker.

    CHAT_BOT_TRACKER_URL picks the store: sqlite:///… or postgresql://… (SQL) or mongodb://… (MongoDB);
    default: SQLite at CHAT_DATA_DIR/rasa_tracker.db (in WAL mode, so workers read while one writes).
    The lock that keeps two messages of one conversation in order is Redis's when CHAT_REDIS_URL is set;
    otherwise each worker's own memory, which is right because the platform sends every conversation to
    one worker only (BotClient.worker_for)."""
    url = os.environ.get("CHAT_BOT_TRACKER_URL", "")
    if not url:
        path = os.path.join(config.data_dir, "rasa_tracker.db")
        prepare_sqlite(path)
        url = f"sqlite:///{path}?timeout=30"  # an absolute path: sqlite:////…
    env = {"SHOPCHAT_TRACKER_TYPE": "mongod" if url.startswith(("mongodb://", "mongodb+srv://")) else "SQL",
           "SHOPCHAT_TRACKER_URL": url, "SHOPCHAT_LOCK_STORE": "in_memory", "SHOPCHAT_LOCK_HOST": "",
           "SHOPCHAT_LOCK_PORT": "6379", "SHOPCHAT_LOCK_DB": "1", "SHOPCHAT_LOCK_PASSWORD": ""}
    if config.redis_url:
        redis = urllib.parse.urlsplit(config.redis_url)
        env.update(SHOPCHAT_LOCK_STORE="redis", SHOPCHAT_LOCK_HOST=redis.hostname or "127.0.0.1",
                   SHOPCHAT_LOCK_PORT=str(redis.port or 6379),
                   SHOPCHAT_LOCK_DB=(redis.path or "/0").strip("/") or "0",
                   SHOPCHAT_LOCK_PASSWORD=urllib.parse.unquote(redis.password or ""))
    return env


def prepare_sqlite(path: str) -> None:
    """The tracker database file, in WAL mode (the mode stays with the file): several Rasa workers
    share it, and a reader never waits for a writer."""
    import sqlite3
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with sqlite3.connect(path, timeout=30) as db:
        db.execute("PRAGMA journal_mode=WAL")


# How a Rasa worker is started (`python -c RASA_LAUNCHER run …`), for two reasons:
# - Rasa reads its --auth-token from the command line only, where any user of the machine can read it
#   (ps, /proc/*/cmdline); the launcher adds it from the environment inside the process instead.
# - Rasa checks every action server answer with jsonschema.validate(answer, schema), which first checks
#   the schema itself against the JSON Schema meta-schema: measured, that was more than half of Rasa's
#   CPU per reply (bench/bot_latency.py, docs/performance.md). The launcher makes validate check each
#   distinct schema once and keep its validator; answers are validated exactly as before.
RASA_LAUNCHER = """
import json, os, sys
import jsonschema, jsonschema.exceptions, jsonschema.validators

_validate, _checked = jsonschema.validate, {}

def validate(instance, schema, cls=None, *args, **kwargs):
    if cls is not None or args or kwargs or len(_checked) >= 64:
        return _validate(instance, schema, cls, *args, **kwargs)
    key = json.dumps(schema, sort_keys=True, default=repr)
    validator = _checked.get(key)
    if validator is None:
        klass = jsonschema.validators.validator_for(schema)
        klass.check_schema(schema)
        validator = _checked[key] = klass(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error

jsonschema.validate = validate
sys.argv = ["rasa"] + sys.argv[1:] + ["--auth-token", os.environ.pop("SHOPCHAT_RASA_TOKEN")]
from rasa.__main__ import main
main()
"""


class Child:
    """One process the assistant needs: how to start it and where its output goes."""

    def __init__(self, name: str, argv: list[str], env: dict, cwd: str = BOT_DIR, log_path: str | None = None):
        self.name, self.argv, self.env, self.cwd, self.log_path = name, argv, env, cwd, log_path
        self.process: subprocess.Popen | None = None

    def start(self) -> subprocess.Popen:
        output = open(self.log_path, "a") if self.log_path else None
        try:
            self.process = subprocess.Popen(self.argv, cwd=self.cwd, env=self.env, stdout=output,
                                            stderr=subprocess.STDOUT if output else None)
        finally:
            if output is not None:
                output.close()  # the child keeps its own copy
        return self.process


def children(bin_dir: str, model: str, *, platform_url: str, secret: str, token: str, ports: list[int],
             actions_port: int = ACTIONS_PORT, store_env: dict, log_dir: str | None = None) -> list[Child]:
    """The action server (on 127.0.0.1 only) and one Rasa server per port, each with its HTTP API
    behind the token, all sharing the tracker store."""
    if not token:
        raise SystemExit("[bot] no Rasa token: CHAT_RASA_TOKEN or CHAT_DATA_DIR/rasa_token")
    env = {**_bot_env(), **store_env, "SHOPCHAT_PLATFORM_URL": platform_url, "SHOPCHAT_BOT_SECRET": secret,
           "SHOPCHAT_ACTION_URL": f"http://127.0.0.1:{actions_port}/webhook", "SANIC_HOST": "127.0.0.1",
           # one sentence at a time is too small for TensorFlow's thread pools to pay; with a worker per
           # core, one thread each keeps the workers from fighting over the cores
           **{k: os.environ.get(k, "1") for k in ("TF_INTRA_OP_PARALLELISM_THREADS",
                                                   "TF_INTER_OP_PARALLELISM_THREADS", "OMP_NUM_THREADS")}}
    log = (lambda name: os.path.join(log_dir, name)) if log_dir else (lambda name: None)
    found = [Child("actions", [os.path.join(bin_dir, "rasa"), "run", "actions", "--actions", "actions",
                               "--port", str(actions_port)], env, log_path=log("actions.log"))]
    for index, port in enumerate(ports):
        name = "rasa" if len(ports) == 1 else f"rasa-{index + 1}"
        found.append(Child(name, [os.path.join(bin_dir, "python"), "-c", RASA_LAUNCHER, "run", "--enable-api",
                                  "-i", "127.0.0.1", "-p", str(port), "--model", model, "--endpoints",
                                  "endpoints.yml", "--credentials", "credentials.yml"],
                           {**env, "SHOPCHAT_RASA_TOKEN": token},
                           log_path=log("rasa.log" if len(ports) == 1 else f"{name}.log")))
    return found


def start(bin_dir: str, model: str, *, platform_url: str, secret: str, token: str, rasa_port: int | None = None,
          ports: list[int] | None = None, actions_port: int = ACTIONS_PORT, data_dir: str | None = None,
          log_dir: str | None = None) -> list[subprocess.Popen]:
    """Starts the action server and the Rasa worker(s) in the background, once (tests and the bench;
    `run` supervises them). The trackers go to data_dir's SQLite unless CHAT_BOT_TRACKER_URL says
    otherwise."""
    config = platform_config()
    if data_dir:
        config.data_dir = data_dir
    ports = ports or [rasa_port or RASA_PORT]
    return [child.start() for child in children(bin_dir, model, platform_url=platform_url, secret=secret,
                                                 token=token, ports=ports, actions_port=actions_port,
                                                 store_env=stores(config), log_dir=log_dir)]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Supervisor:
    """Keeps the children running: one that exits is started again after a back-off that doubles with
    each quick failure (first_delay … max_delay) and starts over once it has stayed up healthy_after
    seconds; every restart is said on stderr."""

    def __init__(self, children: list[Child], *, first_delay: float = 1.0, max_delay: float = 30.0,
                 healthy_after: float = 60.0, report=say, clock=time.monotonic):
        self.children = children
        self.first_delay, self.max_delay, self.healthy_after = first_delay, max_delay, healthy_after
        self.report, self.clock = report, clock
        self.stopping = False
        self.restarts = {c.name: 0 for c in children}
        self._delay = {c.name: first_delay for c in children}
        self._started: dict[str, float] = {}
        self._due: dict[str, float] = {}

    def start_all(self) -> None:
        for child in self.children:
            self._start(child)

    def _start(self, child: Child) -> None:
        child.start()
        self._started[child.name] = self.clock()

    def check(self) -> None:
        """One look at every child: notes those that exited, restarts those whose back-off is over."""
        now = self.clock()
        for child in self.children:
            if self.stopping:
                return
            if child.name in self._due:
                if now >= self._due[child.name]:
                    del self._due[child.name]
                    self.restarts[child.name] += 1
                    self._start(child)
                continue
            code = child.process.poll() if child.process is not None else None
            if code is None:
                continue
            if now - self._started.get(child.name, now) >= self.healthy_after:
                self._delay[child.name] = self.first_delay  # it had been up a while: not a crash loop
            delay = self._delay[child.name]
            self._delay[child.name] = min(delay * 2, self.max_delay)
            self._due[child.name] = now + delay
            self.report(f"{child.name} exited (code {code}); restarting in {delay:g}s")

    def run(self, interval: float = 0.5) -> None:
        self.start_all()
        while not self.stopping:
            self.check()
            time.sleep(interval)

    def stop(self) -> None:
        self.stopping = True
        stop([c.process for c in self.children if c.process is not None])


def cmd_run() -> int:
    bin_dir = ensure_env()
    model = ensure_model(bin_dir)
    config = platform_config()
    platform_url = os.environ.get("SHOPCHAT_PLATFORM_URL", f"http://127.0.0.1:{config.port}")
    if config.internal_port:  # the internal API is served only there
        platform_url = os.environ.get("SHOPCHAT_PLATFORM_URL",
                                      f"http://{config.internal_host}:{config.internal_port}")
    ports = rasa_ports(config)
    supervisor = Supervisor(children(bin_dir, model, platform_url=platform_url, secret=config.ensure_bot_secret(),
                                     token=config.ensure_rasa_token(), ports=ports, store_env=stores(config)))
    where = ", ".join(f"127.0.0.1:{p}" for p in ports)
    say(f"starting Rasa on {where} (its HTTP API needs the token in {config.data_dir}/rasa_token or "
        f"CHAT_RASA_TOKEN) and actions on 127.0.0.1:{ACTIONS_PORT}; trackers in "
        f"{stores(config)['SHOPCHAT_TRACKER_URL'].split('?')[0]}; loading takes about a minute")

    def on_term(*_):
        supervisor.stop()
        sys.exit(0)

    signal.signal(signal.SIGTERM, on_term)
    try:
        supervisor.run()
    except KeyboardInterrupt:
        pass
    finally:
        supervisor.stop()
    return 0


def cmd_serve() -> int:
    """Rasa in this process, as a container runs it (Dockerfile.bot, docker-compose.yml): its HTTP API
    behind CHAT_RASA_TOKEN, which is required; SHOPCHAT_RASA_HOST (127.0.0.1), SHOPCHAT_RASA_PORT (5005),
    SHOPCHAT_MODEL (models/); the stores come from the environment endpoints.yml reads."""
    token = os.environ.pop("CHAT_RASA_TOKEN", "")
    if not token:
        raise SystemExit("[bot] set CHAT_RASA_TOKEN in .env (openssl rand -hex 32): Rasa's HTTP API needs a token")
    os.environ["SHOPCHAT_RASA_TOKEN"] = token
    argv = [sys.executable, "-c", RASA_LAUNCHER, "run", "--enable-api",
            "-i", os.environ.get("SHOPCHAT_RASA_HOST", "127.0.0.1"), "-p", os.environ.get("SHOPCHAT_RASA_PORT", "5005"),
            "--model", os.environ.get("SHOPCHAT_MODEL", "models"), "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml"]
    os.chdir(BOT_DIR)
    os.execv(sys.executable, argv)
    return 0  # not reached


def cmd_validate() -> int:
    bin_dir = ensure_env()
    return subprocess.run([os.path.join(bin_dir, "rasa"), "data", "validate", "--fail-on-warnings"],
                          cwd=BOT_DIR, env=_bot_env()).returncode


# The sentence sets, oldest first. nlu_heldout.yml was written blind (by someone who never saw the training
# data or the bot's code) after the flows of issue 13 were built, and is never trained or tuned on.
# nlu_heldout2.yml was written blind on 2026-12-04 (late) by another who never saw them, and run once: 86.5%. It has
# its own floor, below that figure, against a fall; the goal is ACCURACY_GOAL for every set.
NLU_SETS = ("eval/nlu_test.yml", "eval/nlu_heldout.yml", "eval/nlu_heldout2.yml")
NLU_FLOORS = {"eval/nlu_heldout2.yml": 0.84}
ACCURACY_GOAL = 0.97  # the target on the blind set; reported, not gated (a floor gates: ACCURACY_TARGET)


def nlu_report(bin_dir: str, model: str, path: str) -> tuple[dict, list]:
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([os.path.join(bin_dir, "rasa"), "test", "nlu", "--nlu", path, "--model", model,
                        "--out", out], cwd=BOT_DIR, env=_bot_env(), check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "intent_report.json")) as f:
            report = json.load(f)
        with open(os.path.join(out, "intent_errors.json")) as f:
            errors = json.load(f)
    return report, errors


def cmd_eval() -> int:
    """Intent accuracy on each held-out sentence set; fails below its floor (NLU_FLOORS, else ACCURACY_TARGET)."""
    bin_dir = ensure_env()
    model = ensure_model(bin_dir)
    ok = True
    for path in NLU_SETS:
        floor = NLU_FLOORS.get(path, ACCURACY_TARGET)
        if not os.path.exists(os.path.join(BOT_DIR, path)):
            continue
        report, errors = nlu_report(bin_dir, model, path)
        accuracy, macro_f1 = report["accuracy"], report["macro avg"]["f1-score"]
        total = report["macro avg"]["support"]
        intents = [k for k, v in report.items() if isinstance(v, dict) and "support" in v and not k.endswith(" avg")]
        print(f"held-out set (bot/{path}): {total} examples, {len(intents)} intents")
        print(f"intent accuracy: {accuracy:.1%}   (goal {ACCURACY_GOAL:.0%}; fails below {floor:.0%})")
        print(f"macro-F1:        {macro_f1:.3f}")
        pairs: dict[tuple[str, str], list[str]] = {}
        for error in errors:
            pairs.setdefault((error["intent"], error["intent_prediction"]["name"]), []).append(error["text"])
        print("most confused pairs (true -> predicted):" if pairs else "no confusions")
        for (truth, predicted), texts in sorted(pairs.items(), key=lambda kv: -len(kv[1]))[:10]:
            print(f"  {len(texts)} × {truth} -> {predicted}: {' / '.join(texts[:3])}")
        ok = ok and accuracy >= floor
    return 0 if ok else 1


def cmd_test() -> int:
    bin_dir = ensure_env()
    model = ensure_model(bin_dir)
    unit = subprocess.run([os.path.join(bin_dir, "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           os.path.join(ROOT, "tests", "bot")], cwd=ROOT, env={**_bot_env(), "PYTHONPATH": BOT_DIR})
    with tempfile.TemporaryDirectory() as out:
        stories = subprocess.run([os.path.join(bin_dir, "rasa"), "test", "core", "--stories", "tests",
                                  "--model", model, "--out", out, "--fail-on-prediction-errors"],
                                 cwd=BOT_DIR, env=_bot_env())
    say(f"action unit tests: {'ok' if unit.returncode == 0 else 'FAILED'}; "
        f"story tests: {'ok' if stories.returncode == 0 else 'FAILED'}")
    return unit.returncode or stories.returncode


COMMANDS = {"env": lambda: print(ensure_env()) or 0, "train": lambda: print(ensure_model(ensure_env())) or 0,
            "run": cmd_run, "serve": cmd_serve, "validate": cmd_validate, "eval": cmd_eval, "test": cmd_test}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]]())
