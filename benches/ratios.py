"""Prints the README's ratio table from the last `cargo bench` run (criterion's
estimates under target/criterion). Ratios are throughput ratios: > 1 means the
Framer is faster than the peer."""
import json
import os
import sys

root = os.path.join(os.path.dirname(__file__), "..", "target", "criterion")


def median_ns(group, bench):
    path = os.path.join(root, group, bench.replace("/", "_"), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


def ratio(group, ours, group_peer, peer):
    a, b = median_ns(group, ours), median_ns(group_peer, peer)
    return "n/a" if a is None or b is None else f"{b / a:.2f}x"


rows = [
    ("lines, whole", ratio("lines", "framer/whole", "lines", "memmem/whole"), ratio("lines", "framer/whole", "lines", "lines-codec/whole")),
    ("lines, 4096-byte slices", ratio("lines", "framer/4096", "lines", "memmem/whole"), ratio("lines", "framer/4096", "lines", "lines-codec/4096")),
    ("long-lines, whole", ratio("long-lines", "framer/whole", "long-lines", "memmem/whole"), ratio("long-lines", "framer/whole", "long-lines", "lines-codec/whole")),
    ("long-lines, 4096", ratio("long-lines", "framer/4096", "long-lines", "memmem/whole"), ratio("long-lines", "framer/4096", "long-lines", "lines-codec/4096")),
    ("smtp-data, whole", ratio("smtp-data", "framer/whole", "smtp-data", "memmem/whole"), "n/a"),
    ("echo, whole", ratio("echo", "framer/whole", "echo", "memchr/whole"), "n/a"),
    ("lines, 1-byte slices", "", ratio("lines-1-byte", "framer/1", "lines-1-byte", "lines-codec/1")),
    ("outbox (chunk loop)", ratio("outbox", "outbox/chunk", "outbox", "vec-copy"), ""),
    ("outbox (vectored)", ratio("outbox", "outbox/vectored", "outbox", "vec-copy"), ""),
]
print("| workload | Framer vs memmem loop (or Vec copy) | Framer vs tokio-util LinesCodec |")
print("|---|---|---|")
for name, a, b in rows:
    print(f"| {name} | {a} | {b} |")
sys.exit(0)
