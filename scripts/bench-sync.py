#!/usr/bin/env python3
"""Live-sync benchmark, run by `scripts/bench sync` against a running release server.

Opens STREAMS event streams (spread over users, at most PER_USER each), measures the server's memory
per open stream, then makes EVENTS task changes (round robin over the users, one at a time) and measures
how long each change takes to reach every stream of its user (from sending the request to reading the
event) and the server's CPU time per delivered event. Prints one line:

  bench <label> streams=<n> events=<n> kb_per_stream=<n> delay_p50_ms=<n> delay_p99_ms=<n> cpu_us_per_delivery=<n>

Arguments: <base url> <server pid> <ticklist binary> <streams> <events> [<write base url> <label>].
With a write base (a second instance on the same PostgreSQL), the changes are made there and travel to
the streams' instance through LISTEN/NOTIFY; the label is then `sync_cross_instance` (default `sync`).
Standard library only.
"""
import asyncio
import json
import os
import subprocess
import sys
import time
from urllib.parse import urlparse

PER_USER = 40


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Stream:
    """One open event stream: waits for the ready event, then records when each event id arrives."""

    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.arrivals = {}  # task title -> monotonic time

    @classmethod
    async def open(cls, host, port, user, token):
        reader, writer = await asyncio.open_connection(host, port)
        writer.write(
            f"GET /api/{user}/events HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
            "Accept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            raise SystemExit(f"bench-sync: stream refused: {status!r}")
        stream = cls(reader, writer)
        while b"event: ready" not in await reader.readline():
            pass
        return stream

    async def follow(self):
        # Chunked transfer: chunk-size lines and data lines interleave; only `data:` lines matter.
        while True:
            line = await self.reader.readline()
            if not line:
                return
            if line.startswith(b"data: "):
                event = json.loads(line[6:])
                task = event.get("task") or {}
                if "title" in task:
                    self.arrivals[task["title"]] = time.monotonic()


async def create(host, port, user, token, title):
    reader, writer = await asyncio.open_connection(host, port)
    body = json.dumps({"title": title}).encode()
    writer.write(
        f"POST /api/{user}/tasks HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    await writer.drain()
    await reader.read()
    writer.close()


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def main():
    base, pid, binary, streams_total, events = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
    write_base = sys.argv[6] if len(sys.argv) > 6 else base
    label = sys.argv[7] if len(sys.argv) > 7 else "sync"
    url, write_url = urlparse(base), urlparse(write_base)
    host, port = url.hostname, url.port
    users = [f"bench-sync-{i}" for i in range((streams_total + PER_USER - 1) // PER_USER)]
    tokens = {user: subprocess.run([binary, "token", user], capture_output=True, text=True, check=True).stdout.strip() for user in users}

    before = rss_kb(pid)
    streams = {user: [] for user in users}
    for n in range(streams_total):
        user = users[n // PER_USER]
        streams[user].append(await Stream.open(host, port, user, tokens[user]))
    await asyncio.sleep(1)
    kb_per_stream = (rss_kb(pid) - before) / streams_total
    followers = [asyncio.create_task(s.follow()) for group in streams.values() for s in group]

    delays = []
    deliveries = 0
    cpu_before = cpu_seconds(pid)
    for n in range(events):
        user = users[n % len(users)]
        title = f"sync {n}"
        sent = time.monotonic()
        await create(write_url.hostname, write_url.port, user, tokens[user], title)
        deadline = time.monotonic() + 10
        while not all(title in s.arrivals for s in streams[user]):
            if time.monotonic() > deadline:
                raise SystemExit(f"bench-sync: event {title} did not reach every stream of {user} within 10 s")
            await asyncio.sleep(0.0005)
        delays.extend((s.arrivals[title] - sent) * 1000 for s in streams[user])
        deliveries += len(streams[user])
    cpu_used = cpu_seconds(pid) - cpu_before
    for task in followers:
        task.cancel()
    print(
        f"bench {label} streams={streams_total} events={events} kb_per_stream={kb_per_stream:.1f} "
        f"delay_p50_ms={percentile(delays, 50):.2f} delay_p99_ms={percentile(delays, 99):.2f} "
        f"cpu_us_per_delivery={cpu_used / deliveries * 1e6:.1f}"
    )


asyncio.run(main())
