"""redis-benchmark against examples/redis_server.rs and a real redis-server, on two
ports in the same run, side by side (requests per second; higher is better).

    python3 benches/redis_benchmark.py [ROUNDS] [--pin]

Needs redis-server and redis-benchmark (Debian's redis-server package). Builds the
example in release first. Each round benchmarks both servers, in alternating order;
with ROUNDS > 1 (default 5) it prints each line's median over the rounds, since one
100 000-request line takes a tenth of a second and moves by +-15 % between runs.
It also prints the CPU time each server spent per round (from the kernel's
`/proc/PID/schedstat`): with the client on the same machine, requests per second
measure wake-up latency as much as work, and the CPU time measures the work.
With --pin, the client runs on CPU 0 and both servers on CPU 1 (`taskset`), so
that neither shares a CPU with the client: the rounds then move less.
A benchmark, not a test: it prints, it does not judge."""
import os
import re
import socket
import statistics
import subprocess
import sys
import time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
ARGS = ["-t", "ping,set,get", "-n", "100000", "-c", "50", "-P", "16", "-q"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port):
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on port {port}")


def cpu_ns(pid):
    """Nanoseconds the process has run on a CPU, all threads included."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/schedstat") as f:
            total += int(f.read().split()[0])
    return total


def bench(port, pid, client_cpu):
    """(requests per second by test, the server's CPU nanoseconds) for one round."""
    before = cpu_ns(pid)
    out = subprocess.run([*client_cpu, "redis-benchmark", "-p", str(port), *ARGS],
                         capture_output=True, text=True, check=True).stdout
    # Lines look like "PING_INLINE: 123456.79 requests per second, p50=0.151 msec".
    rates = {}
    for line in out.replace("\r", "\n").splitlines():
        m = re.match(r"\s*(\S+): ([\d.]+) requests per second", line)
        if m:
            rates[m.group(1)] = float(m.group(2))
    if not rates:
        sys.exit(f"no figures from redis-benchmark:\n{out}")
    return rates, cpu_ns(pid) - before


def main():
    subprocess.run(["cargo", "build", "--quiet", "--release", "--features", "mio", "--example", "redis_server"],
                   cwd=ROOT, check=True)
    args = [a for a in sys.argv[1:] if a != "--pin"]
    pin = "--pin" in sys.argv[1:]
    client_cpu, server_cpu = (["taskset", "-c", "0"], ["taskset", "-c", "1"]) if pin else ([], [])
    ours_port, real_port = free_port(), free_port()
    ours = subprocess.Popen([*server_cpu, os.path.join(TARGET, "release", "examples", "redis_server"),
                             str(ours_port)], stdout=subprocess.DEVNULL)
    real = subprocess.Popen([*server_cpu, "redis-server", "--port", str(real_port), "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    rounds = max(1, int(args[0])) if args else 5
    ours_runs, real_runs = [], []
    try:
        wait_for(ours_port)
        wait_for(real_port)
        for i in range(rounds):
            # Alternate who goes first, so that neither always meets a warmer machine.
            if i % 2 == 0:
                ours_runs.append(bench(ours_port, ours.pid, client_cpu))
                real_runs.append(bench(real_port, real.pid, client_cpu))
            else:
                real_runs.append(bench(real_port, real.pid, client_cpu))
                ours_runs.append(bench(ours_port, ours.pid, client_cpu))
    finally:
        ours.kill()
        real.kill()
    pinned = ", client on CPU 0, servers on CPU 1" if pin else ""
    print(f"redis-benchmark {' '.join(ARGS)}, median of {rounds} round(s){pinned}")
    print(f"{'test':<16} {'redis_server.rs':>16} {'redis-server':>14} {'ratio':>7}"
          f"  ratio per round")
    for test in real_runs[0][0]:
        ours_rate = statistics.median(rates.get(test, 0.0) for rates, _ in ours_runs)
        real_rate = statistics.median(rates[test] for rates, _ in real_runs)
        per_round = " ".join(f"{o.get(test, 0.0) / r[test]:.2f}"
                             for (o, _), (r, _) in zip(ours_runs, real_runs))
        print(f"{test:<16} {ours_rate:>16,.0f} {real_rate:>14,.0f} {ours_rate / real_rate:>6.2f}x"
              f"  {per_round}")
    ours_cpu = statistics.median(cpu for _, cpu in ours_runs) / 1e6
    real_cpu = statistics.median(cpu for _, cpu in real_runs) / 1e6
    print(f"{'CPU ms/round':<16} {ours_cpu:>16,.1f} {real_cpu:>14,.1f} {ours_cpu / real_cpu:>6.2f}x"
          f"  (lower is better)")


if __name__ == "__main__":
    main()
