"""SQLite access off the event loop.

All writes go through one writer thread that does group commit: every job waiting
when the thread wakes runs inside one transaction (each in its own savepoint, so
a failing job rolls back alone), then one COMMIT makes them all durable before
any caller is answered. Reads run on a second connection in a reader thread (WAL
lets them proceed while the writer commits)."""
from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

MAX_BATCH = 512


class Database:
    def __init__(self, path: str, migrations: list[str], *, synchronous: str = "FULL"):
        self.path = path
        self._migrations = migrations
        self._synchronous = synchronous
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-read")
        self._read_conn: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(self._migrations[version:], start=version + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in script.split(";\n"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        write_conn = await loop.run_in_executor(self._reader, self._connect)
        await loop.run_in_executor(self._reader, self._migrate, write_conn)
        self._read_conn = await loop.run_in_executor(self._reader, self._connect)
        self._writer = threading.Thread(target=self._write_loop, args=(write_conn,),
                                        name="sqlite-write", daemon=True)
        self._writer.start()

    async def close(self) -> None:
        if self._writer is not None:
            self._jobs.put(None)
            await asyncio.get_running_loop().run_in_executor(None, self._writer.join)
            self._writer = None
        if self._read_conn is not None:
            conn, self._read_conn = self._read_conn, None
            await asyncio.get_running_loop().run_in_executor(self._reader, conn.close)
        self._reader.shutdown(wait=True)

    async def read(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._reader, fn, self._read_conn)

    async def write(self, fn: Callable[[sqlite3.Connection], Any]) -> Any:
        """Runs fn(conn) in a transaction; returns once that transaction is committed."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((fn, future, loop))
        return await future

    def _write_loop(self, conn: sqlite3.Connection) -> None:
        stop = False
        while not stop:
            job = self._jobs.get()
            if job is None:
                break
            batch = [job]
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._run_batch(conn, batch)
        conn.close()

    @staticmethod
    def _run_batch(conn: sqlite3.Connection, batch: list) -> None:
        outcomes = []
        try:
            conn.execute("BEGIN IMMEDIATE")
            for fn, future, loop in batch:
                conn.execute("SAVEPOINT job")
                try:
                    result = fn(conn)
                except Exception as exc:  # the job's own failure: undo only it
                    conn.execute("ROLLBACK TO job")
                    conn.execute("RELEASE job")
                    outcomes.append((future, loop, None, exc))
                else:
                    conn.execute("RELEASE job")
                    outcomes.append((future, loop, result, None))
            conn.execute("COMMIT")
        except Exception as exc:  # commit failed: nobody's write is durable
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            outcomes = [(future, loop, None, exc) for _, future, loop in batch]
        for future, loop, result, exc in outcomes:
            loop.call_soon_threadsafe(_settle, future, result, exc)


def _settle(future: asyncio.Future, result: Any, exc: BaseException | None) -> None:
    if future.cancelled():
        return
    if exc is not None:
        future.set_exception(exc)
    else:
        future.set_result(result)
