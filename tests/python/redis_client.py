"""redis-py against examples/redis_server.rs: `redis_client.py PORT`. Exits 0 when
every reply is as expected."""
import os
import sys

import redis

port = int(sys.argv[1])
r = redis.Redis(host="127.0.0.1", port=port, protocol=2, socket_timeout=30)

assert r.ping() is True
assert r.echo(b"hello") == b"hello"

# 10 MB of binary, CRLFs and all.
value = (os.urandom(1 << 16) + b"\r\n*3\r\n$1\r\n") * 160
assert r.set("big", value) is True
assert r.get("big") == value, "the 10 MB value came back different"

assert r.set("empty", b"") is True
assert r.get("empty") == b""
assert r.get("missing") is None
assert r.exists("big", "empty", "missing") == 2
assert r.delete("big", "missing") == 1

pipe = r.pipeline(transaction=False)
for i in range(1000):
    pipe.set(f"key{i}", f"value{i}")
    pipe.get(f"key{i}")
replies = pipe.execute()
assert len(replies) == 2000
assert replies[0::2] == [True] * 1000
assert replies[1::2] == [f"value{i}".encode() for i in range(1000)]

try:
    r.execute_command("FROBNICATE", "x")
    raise SystemExit("an unknown command succeeded")
except redis.ResponseError as e:
    assert str(e).startswith("unknown command 'FROBNICATE'"), e
assert r.ping() is True, "the connection goes on after an error reply"
print("redis-py: all checks passed")
