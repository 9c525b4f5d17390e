#!/usr/bin/env python3
"""How long a committed write through one Masthead instance takes to be seen through another
on the same database: for each of N articles, read it through the reader (so that its cache
holds it), change its title through the writer, and poll the reader until the new title is
served. Prints "p50 X ms, p99 Y ms, max Z ms over N writes".

    Benchmarks/staleness.py --writer URL --reader URL --token mh_… --slugs FILE [--count 100]
                            [--start-after SECONDS]

Only the standard library.
"""
import argparse
import json
import random
import sys
import time
import urllib.request


def request(method, url, token=None, document=None):
    data = json.dumps(document).encode() if document is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    with urllib.request.urlopen(urllib.request.Request(url, data=data, method=method, headers=headers)) as response:
        return json.load(response)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--writer", required=True)
    parser.add_argument("--reader", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--slugs", required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--start-after", type=float, default=0)
    arguments = parser.parse_args()
    slugs = [line.strip() for line in open(arguments.slugs) if line.strip()]
    random.seed(7)
    time.sleep(arguments.start_after)
    delays = []
    for number in range(arguments.count):
        slug = random.choice(slugs)
        path = f"/v1/articles/{slug}"
        request("GET", arguments.reader + path)
        title = f"Staleness probe {number} {time.time_ns()}"
        request("PATCH", arguments.writer + path, arguments.token, {"title": title})
        written = time.monotonic()
        while request("GET", arguments.reader + path)["data"]["title"] != title:
            if time.monotonic() - written > 10:
                print(f"the reader still served the old title of {slug} after 10 s", file=sys.stderr)
                sys.exit(1)
            time.sleep(0.001)
        delays.append((time.monotonic() - written) * 1000)
    delays.sort()
    percentile = lambda p: delays[min(len(delays) - 1, int(p * len(delays)))]
    print(f"p50 {percentile(0.5):.1f} ms, p99 {percentile(0.99):.1f} ms, max {delays[-1]:.1f} ms over {len(delays)} writes")


if __name__ == "__main__":
    main()
