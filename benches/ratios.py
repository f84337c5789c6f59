"""Prints the README's ratio table from the last `cargo bench` run in this
directory (criterion's estimates under target/criterion, or $CARGO_TARGET_DIR). Ratios are throughput ratios: > 1 means the
Framer is faster than the peer."""
import json
import os
import sys

root = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(os.path.dirname(os.path.abspath(__file__)), "target")), "criterion")


def median_ns(group, bench):
    path = os.path.join(root, group, bench.replace("/", "_"), "new", "estimates.json")
    try:
        with open(path) as f:
            return json.load(f)["median"]["point_estimate"]
    except FileNotFoundError:
        return None


found = []


def ratio(group, ours, group_peer, peer, goal=None):
    """The throughput ratio of `ours` to `peer`, with the goal it is held to."""
    a, b = median_ns(group, ours), median_ns(group_peer, peer)
    if a is None or b is None:
        return "n/a"
    found.append((group, ours))
    value = b / a
    if goal is None:
        return f"{value:.2f}x"
    verdict = "met" if value >= goal else "NOT met"
    return f"{value:.2f}x (goal {goal}x, {verdict})"


def mean_of_placements(group, peer, goal):
    """One byte at a time: the mean time of the four placements of the framer's
    loop (`framer-shifted-*`) against the peer, with the range of the four."""
    times = [median_ns(group, f"framer-shifted-{pad}/1") for pad in (0, 16, 32, 48)]
    b = median_ns(group, peer)
    if None in times or b is None:
        return "n/a"
    found.extend((group, f"framer-shifted-{pad}/1") for pad in (0, 16, 32, 48))
    value = b / (sum(times) / len(times))
    low, high = b / max(times), b / min(times)
    verdict = "met" if value >= goal else "NOT met"
    return f"{value:.2f}x [{low:.2f}-{high:.2f}x] (goal {goal}x, {verdict})"


rows = [
    ("lines, whole", ratio("lines", "framer/whole", "lines", "memmem/whole", 0.8), ratio("lines", "framer/whole", "lines", "lines-codec/whole", 3)),
    ("lines, 4096-byte slices", ratio("lines", "framer/4096", "lines", "memmem/whole", 0.7), ratio("lines", "framer/4096", "lines", "lines-codec/4096", 3)),
    ("lines through FrameReader, whole", "", ratio("lines", "frame-reader/whole", "lines", "lines-codec/whole", 3)),
    ("lines through FrameReader, 4096-byte slices", "", ratio("lines", "frame-reader/4096", "lines", "lines-codec/4096", 3)),
    ("long-lines, whole", ratio("long-lines", "framer/whole", "long-lines", "memmem/whole", 0.8), ratio("long-lines", "framer/whole", "long-lines", "lines-codec/whole", 4)),
    ("long-lines, 4096-byte slices", ratio("long-lines", "framer/4096", "long-lines", "memmem/whole", 0.8), ratio("long-lines", "framer/4096", "long-lines", "lines-codec/4096", 4)),
    ("smtp-data, whole", ratio("smtp-data", "framer/whole", "smtp-data", "memmem/whole", 0.5), "n/a"),
    ("echo, whole (vs memchr)", ratio("echo", "framer/whole", "echo", "memchr/whole", 1.0), "n/a"),
    ("lines, 1-byte slices", "", ratio("lines-1-byte", "framer/1", "lines-1-byte", "lines-codec/1", 3)),
    ("outbox, chunk loop (vs Vec copy)", ratio("outbox", "outbox/chunk", "outbox", "vec-copy", 0.8), ""),
    ("outbox, vectored (vs Vec copy)", ratio("outbox", "outbox/vectored", "outbox", "vec-copy", 0.8), ""),
]
limits = [
    ("CRLF lines (~66 B), whole", ratio("lines", "framer/whole", "lines", "memchr-crlf/whole", 0.9), "memchr-for-\\n-then-check-\\r loop"),
    ("same, 4096-byte reads", ratio("lines", "framer/4096", "lines", "memchr-crlf/4096", 0.85), "that loop on the same reads"),
    ("same, 1-byte reads: mean of four placements [their range]", mean_of_placements("lines-1-byte", "dfa/1", 0.5), "a byte-at-a-time DFA"),
    ("same, 1-byte reads: this build's placement", ratio("lines-1-byte", "framer/1", "lines-1-byte", "dfa/1", 0.5), "a byte-at-a-time DFA"),
    ("diagnostic: CRLF lines all 62 B, whole", ratio("lines-62", "framer/whole", "lines-62", "memchr-crlf/whole"), "the memchr-and-check-CR loop"),
    ("smtp-data (~8 KiB bodies), whole", ratio("smtp-data", "framer/whole", "smtp-data", "memmem/whole", 0.9), "memmem"),
    ("same, 4096-byte reads", ratio("smtp-data", "framer/4096", "smtp-data", "memmem/4096", 0.9), "memmem on the same reads"),
    ("length-prefixed (echo), whole", ratio("echo", "framer/whole", "echo", "parse-skip/whole", 0.9), "an ideal header-parse-and-skip loop"),
    ("same, 4096-byte reads", ratio("echo", "framer/4096", "echo", "parse-skip/4096"), "that loop on the same reads"),
]
framings = [
    ("length-prefixed, ~64 B bodies, whole", ratio("length-prefixed-64", "framer/whole", "length-prefixed-64", "length-delimited-codec/whole", 1.5), ratio("length-prefixed-64", "frame-reader/whole", "length-prefixed-64", "length-delimited-codec/whole", 1.5), "LengthDelimitedCodec"),
    ("same, 4096-byte reads", ratio("length-prefixed-64", "framer/4096", "length-prefixed-64", "length-delimited-codec/4096", 1.5), ratio("length-prefixed-64", "frame-reader/4096", "length-prefixed-64", "length-delimited-codec/4096", 1.5), "LengthDelimitedCodec"),
    ("length-prefixed, 64 KiB bodies, whole", ratio("length-prefixed-64k", "framer/whole", "length-prefixed-64k", "copy/whole", 1.0), ratio("length-prefixed-64k", "frame-reader/whole", "length-prefixed-64k", "copy/whole", 1.0), "a copy of the bytes"),
    ("same, 4096-byte reads", ratio("length-prefixed-64k", "framer/4096", "length-prefixed-64k", "copy/4096", 1.0), ratio("length-prefixed-64k", "frame-reader/4096", "length-prefixed-64k", "copy/4096", 1.0), "a copy of each read into a frame buffer"),
    ("same, vs a hand-written gathering loop, 4096-byte reads", ratio("length-prefixed-64k", "framer/4096", "length-prefixed-64k", "gather/4096"), ratio("length-prefixed-64k", "frame-reader/4096", "length-prefixed-64k", "gather/4096", 1.0), "read the length, copy the body's pieces"),
    ("same, vs LengthDelimitedCodec, 4096-byte reads", ratio("length-prefixed-64k", "framer/4096", "length-prefixed-64k", "length-delimited-codec/4096"), ratio("length-prefixed-64k", "frame-reader/4096", "length-prefixed-64k", "length-delimited-codec/4096"), "LengthDelimitedCodec"),
    ("any of 3 delimiters, ~64 B frames, whole", ratio("any-delimiter-64", "framer/whole", "any-delimiter-64", "any-delimiter-codec/whole", 1.5), ratio("any-delimiter-64", "frame-reader/whole", "any-delimiter-64", "any-delimiter-codec/whole", 1.5), "AnyDelimiterCodec"),
    ("same, 4096-byte reads", ratio("any-delimiter-64", "framer/4096", "any-delimiter-64", "any-delimiter-codec/4096", 1.5), ratio("any-delimiter-64", "frame-reader/4096", "any-delimiter-64", "any-delimiter-codec/4096", 1.5), "AnyDelimiterCodec"),
]
print("| framing | Framer | FrameReader | against |")
print("|---|---|---|---|")
for name, a, b, peer in framings:
    print(f"| {name} | {a} | {b} | {peer} |")
print()
print("| workload | Framer vs the limit | the limit |")
print("|---|---|---|")
for name, value, peer in limits:
    print(f"| {name} | {value} | {peer} |")
print()
print("| workload | Framer vs memmem loop | Framer vs tokio-util LinesCodec |")
print("|---|---|---|")
for name, a, b in rows:
    print(f"| {name} | {a} | {b} |")
print()
print("Bandwidth: a bare read of every byte (no search) is "
      + ratio("long-lines", "read-all/whole", "long-lines", "lines-codec/4096")
      + " LinesCodec on long lines in 4096-byte slices, the most any framer can reach there.")
if not found:
    sys.exit(f"no benchmark results under {root}: run `cargo bench` in benches/ first")
