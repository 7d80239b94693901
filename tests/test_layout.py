"""The layers keep their direction: transport -> actions -> (policy, events, realtime, shared, storage,
integrations). Nothing below the actions imports an action or the transport, the actions don't import
the transport, and the app never imports scripts/."""
from __future__ import annotations

import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BELOW_ACTIONS = ("policy", "events", "realtime", "shared", "storage", "integrations")


def imports_of(path: str) -> set[str]:
    """The absolute modules a file imports (relative imports resolved), lazy ones included."""
    module = os.path.relpath(path, ROOT)[:-3].replace(os.sep, ".")
    package = module.rsplit(".", 1)[0] if not module.endswith("__init__") else module[: -len(".__init__")]
    found = set()
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def files_under(folder: str):
    for dirpath, _, names in os.walk(os.path.join(ROOT, folder)):
        for name in names:
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    bad = []
    for path in files_under(folder):
        for imported in imports_of(path):
            if any(imported == f or imported.startswith(f + ".") for f in forbidden):
                bad.append(f"{os.path.relpath(path, ROOT)} imports {imported}")
    return sorted(bad)


def test_nothing_below_the_actions_imports_them_or_the_transport():
    for layer in BELOW_ACTIONS:
        assert offenders(f"server/{layer}", ("server.actions", "server.transport", "scripts")) == []


def test_the_actions_do_not_import_the_transport():
    assert offenders("server/actions", ("server.transport", "scripts")) == []


def test_the_app_does_not_import_scripts():
    bad = [b for b in offenders("server", ("scripts",)) if not b.startswith("server/__main__.py")]
    assert bad == []  # only the entry point hands the demo seeding in


def test_the_moderation_engine_does_no_io_and_knows_no_server():
    assert offenders("moderation", ("server", "aiohttp", "socketio", "sqlite3", "motor", "redis")) == []
