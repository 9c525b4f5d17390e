#!/usr/bin/env python3
"""Loads a `masthead export` file into a running Masthead through its admin API, the way an
integrator would: authors and tags first, then every article with one POST each from N
concurrent clients (keep-alive connections). Prints the seconds the articles took.

    Benchmarks/load.py --url http://127.0.0.1:18080 --token mh_… --export FILE [--clients 8]

Only the standard library: the benchmark machine needs nothing installed for it.
"""
import argparse
import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


class Client:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host, port, token):
        self.host, self.port, self.token = host, port, token
        self.reader = self.writer = None

    async def send(self, method, path, document):
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        body = json.dumps(document, ensure_ascii=False).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        answer = await self.reader.readexactly(length)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer[:300]!r}")
        return answer


def article_document(article):
    document = {
        "slug": article["slug"],
        "title": article["title"],
        "body_markdown": article["body_markdown"],
        "author": article["author"],
        "tags": article["tags"],
        "status": article["status"],
        "featured": article["featured"],
    }
    if article.get("published_at"):
        document["published_at"] = article["published_at"]
    if article.get("custom_excerpt"):
        document["excerpt"] = article["custom_excerpt"]
    return document


async def load(url, token, export, clients):
    parts = urlsplit(url)
    first = Client(parts.hostname, parts.port, token)
    for author in export["authors"]:
        document = {key: author[key] for key in ("slug", "name", "bio", "location") if author.get(key)}
        await first.send("POST", "/v1/authors", document)
    for tag in export["tags"]:
        document = {key: tag[key] for key in ("slug", "name", "description") if tag.get(key)}
        await first.send("POST", "/v1/tags", document)

    queue = asyncio.Queue()
    for article in export["articles"]:
        queue.put_nowait(article_document(article))

    async def worker():
        client = Client(parts.hostname, parts.port, token)
        while not queue.empty():
            await client.send("POST", "/v1/articles", queue.get_nowait())

    started = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--export", required=True)
    parser.add_argument("--clients", type=int, default=8)
    options = parser.parse_args()
    with open(options.export, encoding="utf-8") as file:
        export = json.load(file)
    seconds = asyncio.run(load(options.url, options.token, export, options.clients))
    print(f"{seconds:.2f}")
    print(f"{len(export['articles'])} articles in {seconds:.2f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
