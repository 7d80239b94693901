"""SQLite access off the event loop.

Two threads, each with its own connection. All writes go through the writer thread,
which does group commit: every job waiting when it wakes runs inside one
transaction (each in its own savepoint, so a failing job rolls back alone), then one
COMMIT makes them all durable before any caller is answered. Reads run in the reader
thread (WAL lets them proceed while the writer commits). Both threads hand a whole
batch of results back to the event loop with one wake-up: a thread hop per query
costs more than the query."""
from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from typing import Any, Callable

MAX_BATCH = 512
_STOP = object()


def _settle_all(outcomes: list) -> None:
    for future, result, exc in outcomes:
        if future.cancelled():
            continue
        if exc is not None:
            future.set_exception(exc)
        else:
            future.set_result(result)


class _Worker:
    """A thread that runs batches of fn(conn) jobs for one event loop.

    Jobs submitted during one turn of the event loop are handed over together at the
    end of that turn: when many coroutines resume at once (a batch of acks), their
    next writes share one transaction instead of each waking the thread alone."""

    def __init__(self, name: str, conn: sqlite3.Connection, loop: asyncio.AbstractEventLoop):
        self.conn, self.loop = conn, loop
        self.jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._pending: list = []
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def submit(self, fn: Callable[[sqlite3.Connection], Any]) -> asyncio.Future:
        future = self.loop.create_future()
        if not self._pending:
            self.loop.call_soon(self._hand_over)
        self._pending.append((fn, future))
        return future

    def _hand_over(self) -> None:
        if self._pending:
            jobs, self._pending = self._pending, []
            self.jobs.put(jobs)

    def _run(self) -> None:
        stop = False
        while not stop:
            jobs = self.jobs.get()
            if jobs is _STOP:
                break
            batch = list(jobs)
            while len(batch) < MAX_BATCH:
                try:
                    more = self.jobs.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                batch.extend(more)
            outcomes = self.run_batch(batch)
            try:
                self.loop.call_soon_threadsafe(_settle_all, outcomes)
            except RuntimeError:  # the loop is closed: nobody is waiting any more
                pass
        self.conn.close()

    def run_batch(self, batch: list) -> list:
        outcomes = []
        for fn, future in batch:
            try:
                outcomes.append((future, fn(self.conn), None))
            except Exception as exc:
                outcomes.append((future, None, exc))
        return outcomes

    async def stop(self) -> None:
        self._hand_over()  # jobs submitted in this turn go ahead of the stop
        self.jobs.put(_STOP)
        await asyncio.to_thread(self.thread.join)


class _Writer(_Worker):
    def run_batch(self, batch: list) -> list:
        conn = self.conn
        outcomes = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for fn, future in batch:
                conn.execute("SAVEPOINT job")
                try:
                    result = fn(conn)
                except Exception as exc:  # the job's own failure: undo only it
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((future, None, exc))
                else:
                    conn.execute("RELEASE job")
                    outcomes.append((future, result, None))
            conn.execute("COMMIT")
        except Exception as exc:  # commit failed: nobody's write is durable
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            outcomes = [(future, None, exc) for _, future in batch]
        return outcomes


class Database:
    def __init__(self, path: str, migrations: list, *, synchronous: str = "FULL"):
        self.path = path
        self._migrations = migrations
        self._synchronous = synchronous
        self._writer: _Writer | None = None
        self._reader: _Worker | None = None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
        # several processes share the file (CHAT_REDIS_URL): a writer waits its turn rather than failing a send
        conn.execute("PRAGMA busy_timeout=30000")
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(self._migrations[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                if callable(script):
                    script(conn)
                else:
                    for statement in script.split(";\n"):
                        if statement.strip():
                            conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    async def open(self) -> None:
        def prepare():
            conn = self._connect()
            self._migrate(conn)
            return conn, self._connect()
        write_conn, read_conn = await asyncio.to_thread(prepare)
        loop = asyncio.get_running_loop()
        self._writer = _Writer("sqlite-write", write_conn, loop)
        self._reader = _Worker("sqlite-read", read_conn, loop)

    async def close(self) -> None:
        for worker in (self._writer, self._reader):
            if worker is not None:
                await worker.stop()
        self._writer = self._reader = None

    async def read(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        return await self._reader.submit(fn)

    async def write(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Runs fn(conn) in a transaction; returns once that transaction is committed."""
        return await self._writer.submit(fn)
