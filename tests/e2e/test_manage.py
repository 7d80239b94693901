"""bot/manage.py without Rasa: the supervisor `make run` uses (with stand-in children that crash or
hang), how the Rasa and action server processes are started, and the workers' ports agreeing with
the platform's. Fast; runs in every `pytest` (no SHOPCHAT_BOT_E2E needed)."""
from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys

import pytest

from server.config import Config
from server.integrations.rasa import BotClient
from tests.e2e.test_bot_e2e import ROOT, load_manage

manage = load_manage()


def crashing(code: int = 3) -> list[str]:
    return [sys.executable, "-c", f"import sys; sys.exit({code})"]


HANGING = [sys.executable, "-c", "import time; time.sleep(60)"]


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def supervisor_for(*children, **kw):
    said = []
    clock = FakeClock()
    supervisor = manage.Supervisor(list(children), report=said.append, clock=clock, **kw)
    return supervisor, said, clock


def test_a_crashed_child_is_restarted_after_a_back_off_that_doubles_and_says_so():
    child = manage.Child("rasa", crashing(3), dict(os.environ))
    supervisor, said, clock = supervisor_for(child, first_delay=1.0, max_delay=4.0)
    supervisor.start_all()
    first = child.process
    first.wait()
    supervisor.check()
    assert said == ["rasa exited (code 3); restarting in 1s"]
    clock.now = 0.5
    supervisor.check()
    assert child.process is first and supervisor.restarts["rasa"] == 0  # still waiting
    delays = []
    for _ in range(4):
        clock.now = supervisor._due["rasa"]
        supervisor.check()  # due: started again
        assert child.process is not first and supervisor.restarts["rasa"] == len(delays) + 1
        first = child.process
        first.wait()
        clock.now += 0.1
        supervisor.check()
        delays.append(said[-1])
    assert delays == ["rasa exited (code 3); restarting in 2s", "rasa exited (code 3); restarting in 4s",
                      "rasa exited (code 3); restarting in 4s", "rasa exited (code 3); restarting in 4s"]


def test_the_line_goes_to_stderr_with_the_bot_prefix(capsys):
    child = manage.Child("actions", crashing(7), dict(os.environ))
    supervisor = manage.Supervisor([child], clock=FakeClock(), first_delay=2.0)
    supervisor.start_all()
    child.process.wait()
    supervisor.check()
    assert capsys.readouterr().err == "[bot] actions exited (code 7); restarting in 2s\n"


def test_a_child_that_stayed_up_starts_over_at_the_first_delay():
    child = manage.Child("rasa", HANGING, dict(os.environ))
    supervisor, said, clock = supervisor_for(child, first_delay=1.0, max_delay=30.0, healthy_after=60.0)
    supervisor._delay["rasa"] = 16.0  # as after a series of quick crashes
    supervisor.start_all()
    try:
        clock.now = 120.0  # up two minutes, then killed from outside
        child.process.kill()
        child.process.wait()
        supervisor.check()
        assert said == [f"rasa exited (code {child.process.returncode}); restarting in 1s"]
    finally:
        supervisor.stop()


def test_only_the_child_that_exited_is_restarted_and_stop_ends_them_all_for_good():
    rasa = manage.Child("rasa", HANGING, dict(os.environ))
    actions = manage.Child("actions", HANGING, dict(os.environ))
    supervisor, said, clock = supervisor_for(rasa, actions, first_delay=1.0)
    supervisor.start_all()
    try:
        kept = rasa.process
        actions.process.kill()
        actions.process.wait()
        supervisor.check()
        clock.now = 1.0
        supervisor.check()
        assert rasa.process is kept and supervisor.restarts == {"rasa": 0, "actions": 1}
        assert actions.process.poll() is None
        assert said == [f"actions exited (code {-9}); restarting in 1s"]
    finally:
        supervisor.stop()
    assert rasa.process.poll() is not None and actions.process.poll() is not None
    clock.now = 100.0
    supervisor.check()
    assert supervisor.restarts == {"rasa": 0, "actions": 1}  # nothing started after stop


def test_the_run_loop_restarts_for_real(tmp_path):
    """Supervisor.run, as `make run` calls it, on a child that fails twice then stays up."""
    counter = tmp_path / "starts"
    script = ("import pathlib, sys, time; p = pathlib.Path(sys.argv[1]); n = int(p.read_text() or 0) + 1 "
              "if p.exists() else 1; p.write_text(str(n)); sys.exit(5) if n < 3 else time.sleep(60)")
    child = manage.Child("rasa", [sys.executable, "-c", script, str(counter)], dict(os.environ))
    said = []
    supervisor = manage.Supervisor([child], first_delay=0.05, max_delay=1.0, report=said.append)
    import threading
    runner = threading.Thread(target=supervisor.run, kwargs={"interval": 0.02})
    runner.start()
    try:
        for _ in range(500):
            if counter.exists() and counter.read_text() == "3":
                break
            threading.Event().wait(0.01)
        assert counter.read_text() == "3"
        assert said == ["rasa exited (code 5); restarting in 0.05s", "rasa exited (code 5); restarting in 0.1s"]
    finally:
        supervisor.stop()
        runner.join(5)
    assert not runner.is_alive() and child.process.poll() is not None


def test_rasa_gets_its_token_from_the_environment_and_the_action_server_listens_on_loopback(tmp_path):
    config = Config(data_dir=str(tmp_path))
    found = manage.children("/bot-env/bin", "/models/m.tar.gz", platform_url="http://127.0.0.1:8080", secret="s",
                            token="the-token", ports=[5005, 5006], actions_port=5055,
                            store_env=manage.stores(config))
    assert [c.name for c in found] == ["actions", "rasa-1", "rasa-2"]
    actions, *workers = found
    assert actions.env["SANIC_HOST"] == "127.0.0.1" and "SHOPCHAT_RASA_TOKEN" not in actions.env
    for worker, port in zip(workers, [5005, 5006]):
        assert "the-token" not in " ".join(worker.argv)  # not on the command line, where ps shows it
        assert worker.env["SHOPCHAT_RASA_TOKEN"] == "the-token"
        argv = worker.argv[3:]  # after python -c LAUNCHER
        assert argv[:2] == ["run", "--enable-api"] and argv[argv.index("-i") + 1] == "127.0.0.1"
        assert argv[argv.index("-p") + 1] == str(port)
    with pytest.raises(SystemExit):
        manage.children("/b", "/m", platform_url="", secret="s", token="", ports=[5005], store_env={})


def test_every_variable_endpoints_yml_names_is_set_for_rasa(tmp_path):
    with open(os.path.join(ROOT, "bot", "endpoints.yml")) as f:
        named = set(re.findall(r"\$\{(\w+)\}", f.read()))
    assert {"SHOPCHAT_TRACKER_TYPE", "SHOPCHAT_TRACKER_URL", "SHOPCHAT_LOCK_STORE"} <= named
    [_, rasa] = manage.children("/b", "/m", platform_url="http://p", secret="s", token="t", ports=[5005],
                                store_env=manage.stores(Config(data_dir=str(tmp_path))))
    assert named - set(rasa.env) == set()


def test_the_trackers_default_to_sqlite_in_wal_mode_under_the_data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("CHAT_BOT_TRACKER_URL", raising=False)
    env = manage.stores(Config(data_dir=str(tmp_path)))
    path = tmp_path / "rasa_tracker.db"
    assert env["SHOPCHAT_TRACKER_TYPE"] == "SQL" and env["SHOPCHAT_TRACKER_URL"] == f"sqlite:///{path}?timeout=30"
    assert env["SHOPCHAT_LOCK_STORE"] == "in_memory"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_mongodb_trackers_and_redis_locks_when_configured(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAT_BOT_TRACKER_URL", "mongodb://mongo:27017/rasa")
    env = manage.stores(Config(data_dir=str(tmp_path), redis_url="redis://:pw%40x@redis.local:6380/2"))
    assert (env["SHOPCHAT_TRACKER_TYPE"], env["SHOPCHAT_TRACKER_URL"]) == ("mongod", "mongodb://mongo:27017/rasa")
    assert (env["SHOPCHAT_LOCK_STORE"], env["SHOPCHAT_LOCK_HOST"], env["SHOPCHAT_LOCK_PORT"], env["SHOPCHAT_LOCK_DB"],
            env["SHOPCHAT_LOCK_PASSWORD"]) == ("redis", "redis.local", "6380", "2", "pw@x")
    assert not (tmp_path / "rasa_tracker.db").exists()
    monkeypatch.setenv("CHAT_BOT_TRACKER_URL", "postgresql://rasa@db/rasa")
    assert manage.stores(Config(data_dir=str(tmp_path)))["SHOPCHAT_TRACKER_TYPE"] == "SQL"


def test_chat_bot_workers_n_gives_n_consecutive_ports_that_manage_and_the_platform_agree_on():
    config = Config.from_env({"CHAT_BOT_URL": "http://127.0.0.1:5105", "CHAT_BOT_WORKERS": "3"})
    assert config.bot_worker_urls() == ("http://127.0.0.1:5105", "http://127.0.0.1:5106", "http://127.0.0.1:5107")
    assert manage.rasa_ports(config) == [5105, 5106, 5107]
    client = BotClient(enabled=True, url=config.bot_url, timeout=1, workers=config.bot_workers)
    owners = {client.worker_for(f"conversation-{i}") for i in range(200)}
    assert owners == set(config.bot_worker_urls())  # every worker gets conversations
    assert client.worker_for("conversation-7") == client.worker_for("conversation-7")

    assert Config.from_env({}).bot_worker_urls() == ("http://127.0.0.1:5005",)
    assert manage.rasa_ports(Config.from_env({})) == [5005]
    listed = Config.from_env({"CHAT_BOT_WORKERS": "http://rasa:5005, http://rasa-2:5005/"})
    assert listed.bot_worker_urls() == ("http://rasa:5005", "http://rasa-2:5005")


@pytest.mark.parametrize("raw", ["0", "33", "rasa:5005", "ftp://x"])
def test_chat_bot_workers_refuses_what_it_cannot_use(raw):
    with pytest.raises(SystemExit):
        Config.from_env({"CHAT_BOT_WORKERS": raw})


def test_serve_runs_rasa_behind_the_token_and_refuses_without_one(monkeypatch):
    """`python manage.py serve`, the container's command: Rasa in that process, the token through the
    environment (not the command line), on 127.0.0.1 unless SHOPCHAT_RASA_HOST says otherwise."""
    ran = []
    monkeypatch.setattr(manage.os, "execv", lambda path, argv: ran.append(argv))
    monkeypatch.setattr(manage.os, "chdir", lambda path: None)
    monkeypatch.delenv("CHAT_RASA_TOKEN", raising=False)
    with pytest.raises(SystemExit, match="CHAT_RASA_TOKEN"):
        manage.cmd_serve()
    assert ran == []
    monkeypatch.setenv("CHAT_RASA_TOKEN", "compose-token")
    monkeypatch.setenv("SHOPCHAT_RASA_HOST", "0.0.0.0")
    monkeypatch.delenv("SHOPCHAT_RASA_TOKEN", raising=False)
    manage.cmd_serve()
    [argv] = ran
    assert argv[1:3] == ["-c", manage.RASA_LAUNCHER] and "compose-token" not in " ".join(argv)
    assert argv[argv.index("-i") + 1] == "0.0.0.0" and argv[argv.index("-p") + 1] == "5005"
    assert os.environ["SHOPCHAT_RASA_TOKEN"] == "compose-token" and "CHAT_RASA_TOKEN" not in os.environ
    monkeypatch.delenv("SHOPCHAT_RASA_TOKEN")


def test_the_launcher_adds_the_token_and_validates_action_answers_as_jsonschema_does(tmp_path):
    """The launcher runs as Rasa's `python -c`: here with a stand-in `rasa.__main__` that, like Rasa's
    action.py, validates answers with `from jsonschema import validate` and prints what it saw."""
    fake = tmp_path / "rasa"
    fake.mkdir()
    (fake / "__init__.py").write_text("")
    (fake / "__main__.py").write_text(
        "import sys\n"
        "def main():\n"
        "    from jsonschema import ValidationError, validate\n"
        "    schema = {'type': 'object', 'properties': {'events': {'type': 'array'}}, 'required': ['events']}\n"
        "    for answer in ({'events': []}, {'events': []}, {'events': 3}, {}):\n"
        "        try:\n"
        "            validate(answer, schema)\n"
        "            print('ok')\n"
        "        except ValidationError as error:\n"
        "            print('refused', error.message)\n"
        "    try:\n"
        "        validate({}, {'type': 'no-such-type'})\n"
        "    except Exception as error:\n"
        "        print('bad schema', type(error).__name__)\n"
        "    print(sys.argv)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "SHOPCHAT_RASA_TOKEN": "t0ken"}
    out = subprocess.run([sys.executable, "-c", manage.RASA_LAUNCHER, "run", "--enable-api"], env=env,
                         capture_output=True, text=True, timeout=60, check=True).stdout.splitlines()
    assert out[:4] == ["ok", "ok", "refused 3 is not of type 'array'", "refused 'events' is a required property"]
    assert out[4] == "bad schema SchemaError"
    assert out[5] == str(["rasa", "run", "--enable-api", "--auth-token", "t0ken"])
