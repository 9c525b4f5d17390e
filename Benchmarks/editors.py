#!/usr/bin/env python3
"""An editor's requests, and a flood of expensive anonymous ones, for Benchmarks/editors.sh.

    editors.py probe --url URL --token mh_… --slugs FILE --seconds 20
        One editor, one request at a time for SECONDS: a token's list of drafts, then a PATCH
        of an article's excerpt, in turn. Prints {"requests", "p50_ms", "p99_ms", "errors"}.
    editors.py flood --url URL --slugs FILE --seconds 25 --clients 32
        CLIENTS anonymous keep-alive connections asking, as fast as answers come, for related
        articles of random articles and searches of random words on random pages: nearly all
        miss the response cache. Prints {"requests", "per_second", "statuses"}.

Only the standard library.
"""
import argparse
import asyncio
import json
import random
import time
from urllib.parse import quote, urlsplit

WORDS = ["system", "data", "service", "cache", "latency", "deploy", "query", "index", "graph", "stream",
         "error", "budget", "release", "schema", "metric", "trace", "queue", "shard", "replica", "token"]


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host, port, token=None):
        self.host, self.port, self.token = host, port, token
        self.reader = self.writer = None

    async def request(self, method, path, body=None):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        data = json.dumps(body).encode() if body is not None else b""
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if self.token:
            head += f"Authorization: Bearer {self.token}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
        self.writer.write((head + "\r\n").encode() + data)
        status = int((await self.reader.readline()).split()[1])
        length, chunked = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
        if chunked:
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        elif length:
            await self.reader.readexactly(length)
        return status


async def probe(url, token, slugs, seconds):
    host, port = url.hostname, url.port
    connection = Connection(host, port, token)
    latencies, errors, turn = [], 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        turn += 1
        start = time.perf_counter()
        if turn % 2:
            status = await connection.request("GET", "/v1/articles?status=draft&limit=20")
        else:
            slug = slugs[turn % len(slugs)]
            status = await connection.request("PATCH", f"/v1/articles/{slug}", {"excerpt": f"Edited, turn {turn}."})
        latencies.append((time.perf_counter() - start) * 1000)
        errors += status >= 400
    latencies.sort()
    pick = lambda q: round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 2)
    return {"requests": len(latencies), "p50_ms": pick(0.50), "p99_ms": pick(0.99), "errors": errors}


async def flood(url, slugs, seconds, clients):
    host, port = url.hostname, url.port
    statuses, count = {}, 0
    end = time.monotonic() + seconds

    async def client():
        nonlocal count
        connection = Connection(host, port)
        while time.monotonic() < end:
            if random.random() < 0.5:
                path = f"/v1/articles/{random.choice(slugs)}/related?limit={random.randint(1, 12)}"
            else:
                words = quote(f"{random.choice(WORDS)} {random.choice(WORDS)}")
                path = f"/v1/search?q={words}&page={random.randint(1, 20)}"
            status = await connection.request("GET", path)
            statuses[status] = statuses.get(status, 0) + 1
            count += 1

    await asyncio.gather(*(client() for _ in range(clients)))
    return {"requests": count, "per_second": round(count / seconds, 1), "statuses": statuses}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["probe", "flood"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token")
    parser.add_argument("--slugs", required=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=32)
    arguments = parser.parse_args()
    url = urlsplit(arguments.url)
    with open(arguments.slugs) as file:
        slugs = [line.strip() for line in file if line.strip()]
    if arguments.mode == "probe":
        result = asyncio.run(probe(url, arguments.token, slugs, arguments.seconds))
    else:
        result = asyncio.run(flood(url, slugs, arguments.seconds, arguments.clients))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
