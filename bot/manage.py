"""The assistant's toolbox, run with any Python 3 (stdlib only); `make bot*` calls it.

    python bot/manage.py env          create (once) the Python 3.10 environment Rasa needs
    python bot/manage.py train        train the model if the bot's data or config changed
    python bot/manage.py run          Rasa (HTTP API on 127.0.0.1:5005) + the action server (5055)
    python bot/manage.py validate     rasa data validate, warnings count as errors
    python bot/manage.py eval         intent accuracy, macro-F1 and confused pairs on the held-out set
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

BOT_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BOT_DIR)
CACHE = os.environ.get("SHOPCHAT_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "shopchat")
LOCK = os.path.join(BOT_DIR, "requirements.lock")
MODEL_INPUTS = ("config.yml", "domain.yml", "data/**/*.yml", "dict/*")
ACCURACY_TARGET = 0.90
RASA_PORT = int(os.environ.get("SHOPCHAT_RASA_PORT", "5005"))
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


def platform_secret() -> str:
    """The shared secret of the platform's internal bot API: CHAT_BOT_SECRET, or the one the
    platform generated into its data directory (created here first if the bot starts first)."""
    if os.environ.get("CHAT_BOT_SECRET"):
        return os.environ["CHAT_BOT_SECRET"]
    data_dir = os.path.abspath(os.environ.get("CHAT_DATA_DIR", os.path.join(ROOT, "data")))
    sys.path.insert(0, ROOT)
    from server.config import Config  # stdlib-only module: safe to import from any Python
    return Config(data_dir=data_dir).ensure_bot_secret()


def start(bin_dir: str, model: str, *, platform_url: str, secret: str, rasa_port: int = RASA_PORT,
          actions_port: int = ACTIONS_PORT, log_dir: str | None = None) -> list[subprocess.Popen]:
    """Starts the action server and the Rasa server (HTTP API on) in the background."""
    env = {**_bot_env(), "SHOPCHAT_PLATFORM_URL": platform_url, "SHOPCHAT_BOT_SECRET": secret,
           "SHOPCHAT_ACTION_URL": f"http://127.0.0.1:{actions_port}/webhook"}
    outputs = [None, None]
    if log_dir:
        outputs = [open(os.path.join(log_dir, name), "w") for name in ("actions.log", "rasa.log")]
    actions = subprocess.Popen([os.path.join(bin_dir, "rasa"), "run", "actions", "--actions", "actions",
                                "--port", str(actions_port)], cwd=BOT_DIR, env=env, stdout=outputs[0],
                               stderr=subprocess.STDOUT if log_dir else None)
    rasa = subprocess.Popen([os.path.join(bin_dir, "rasa"), "run", "--enable-api", "-i", "127.0.0.1",
                             "-p", str(rasa_port), "--model", model, "--endpoints", "endpoints.yml",
                             "--credentials", "credentials.yml"], cwd=BOT_DIR, env=env, stdout=outputs[1],
                            stderr=subprocess.STDOUT if log_dir else None)
    for output in outputs:
        if output is not None:
            output.close()  # the children keep their own copies
    return [actions, rasa]


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def cmd_run() -> int:
    bin_dir = ensure_env()
    model = ensure_model(bin_dir)
    platform_url = os.environ.get("SHOPCHAT_PLATFORM_URL", f"http://127.0.0.1:{os.environ.get('CHAT_PORT', '8080')}")
    processes = start(bin_dir, model, platform_url=platform_url, secret=platform_secret())
    say(f"starting Rasa on 127.0.0.1:{RASA_PORT} (POST /model/parse works) and actions on :{ACTIONS_PORT}; "
        "loading takes about a minute")
    signal.signal(signal.SIGTERM, lambda *_: stop(processes) or sys.exit(0))
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        stop(processes)
    return max((p.returncode or 0) for p in processes)


def cmd_validate() -> int:
    bin_dir = ensure_env()
    return subprocess.run([os.path.join(bin_dir, "rasa"), "data", "validate", "--fail-on-warnings"],
                          cwd=BOT_DIR, env=_bot_env()).returncode


def cmd_eval() -> int:
    bin_dir = ensure_env()
    model = ensure_model(bin_dir)
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([os.path.join(bin_dir, "rasa"), "test", "nlu", "--nlu", "eval/nlu_test.yml", "--model", model,
                        "--out", out], cwd=BOT_DIR, env=_bot_env(), check=True, stdout=subprocess.DEVNULL)
        with open(os.path.join(out, "intent_report.json")) as f:
            report = json.load(f)
        with open(os.path.join(out, "intent_errors.json")) as f:
            errors = json.load(f)
    accuracy, macro_f1 = report["accuracy"], report["macro avg"]["f1-score"]
    total = report["macro avg"]["support"]
    intents = [k for k, v in report.items() if isinstance(v, dict) and "support" in v and not k.endswith(" avg")]
    print(f"held-out set (bot/eval/nlu_test.yml): {total} examples, {len(intents)} intents")
    print(f"intent accuracy: {accuracy:.1%}   (target {ACCURACY_TARGET:.0%})")
    print(f"macro-F1:        {macro_f1:.3f}")
    pairs: dict[tuple[str, str], list[str]] = {}
    for error in errors:
        pairs.setdefault((error["intent"], error["intent_prediction"]["name"]), []).append(error["text"])
    print("most confused pairs (true -> predicted):" if pairs else "no confusions")
    for (truth, predicted), texts in sorted(pairs.items(), key=lambda kv: -len(kv[1]))[:10]:
        print(f"  {len(texts)} × {truth} -> {predicted}: {' / '.join(texts[:3])}")
    return 0 if accuracy >= ACCURACY_TARGET else 1


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
            "run": cmd_run, "validate": cmd_validate, "eval": cmd_eval, "test": cmd_test}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in COMMANDS:
        raise SystemExit(__doc__)
    sys.exit(COMMANDS[sys.argv[1]]())
