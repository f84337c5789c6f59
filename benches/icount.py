"""The instruction-count guard: runs every workload of `icount.rs` once under
valgrind's callgrind, counting only the workload itself, and compares the
instructions per byte with `icount-baseline.txt`. Instruction counts do not move
with the machine's load, so a 3 % rise is a real regression, not noise.

    python3 icount.py            # compare; exit 1 if any workload is over 3 % worse
    python3 icount.py --update   # rewrite the baseline (commit it, saying why)

Counts depend on the compiler: the baseline records the rustc it was made with,
and a different one is reported next to the table. They also depend on the CPU
having AVX2 (valgrind passes it through): with it, the framer's first-byte search
calls memchr's AVX2 searcher; without it, it runs memchr's SSE2 searcher inline,
and the counts for lines and echo differ. The baseline was made on a CPU with AVX2.
"""
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BASELINE = os.path.join(HERE, "icount-baseline.txt")
TOLERANCE = 1.03
WORKLOADS = [
    "lines-whole",
    "lines-4096",
    "lines-1-byte",
    "frame-reader-whole",
    "smtp-whole",
    "smtp-4096",
    "echo-whole",
    "echo-4096",
    "outbox-chunk",
    "outbox-vectored",
]


def rustc_version():
    return subprocess.run(["rustc", "--version"], capture_output=True, text=True, check=True).stdout.strip()


def measure(binary, workload):
    """(bytes, instructions) of one run of the workload."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
             "--toggle-collect=*measure*", binary, workload],
            capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"{workload}: icount failed:\n{run.stdout}{run.stderr}")
        with open(out) as f:
            summary = re.search(r"^summary: (\d+)", f.read(), re.M)
        return int(run.stdout.strip()), int(summary.group(1))


def read_baseline():
    baseline, made_with = {}, None
    if os.path.exists(BASELINE):
        for line in open(BASELINE):
            if line.startswith("# rustc:"):
                made_with = line.split(":", 1)[1].strip()
            elif line.strip() and not line.startswith("#"):
                name, nbytes, instructions = line.split()
                baseline[name] = int(instructions) / int(nbytes)
    return baseline, made_with


def main():
    update = "--update" in sys.argv[1:]
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "icount"], cwd=HERE, check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(HERE, "target"))
    binary = os.path.join(target, "release", "icount")
    baseline, made_with = read_baseline()
    rustc = rustc_version()
    results, worse = [], []
    print("| workload | instructions | per byte | baseline per byte | change |")
    print("|---|---|---|---|---|")
    for workload in WORKLOADS:
        nbytes, instructions = measure(binary, workload)
        results.append((workload, nbytes, instructions))
        per_byte = instructions / nbytes
        old = baseline.get(workload)
        if old is None:
            change = "new"
        else:
            change = f"{(per_byte / old - 1) * 100:+.2f} %"
            if per_byte > old * TOLERANCE:
                worse.append(workload)
        old_text = f"{old:.4f}" if old is not None else "-"
        print(f"| {workload} | {instructions:,} | {per_byte:.4f} | {old_text} | {change} |")
    if made_with and made_with != rustc:
        print(f"\nnote: the baseline was made with {made_with}; this is {rustc}")
    if update:
        with open(BASELINE, "w") as f:
            f.write("# Instruction counts per workload, from `python3 icount.py --update`.\n")
            f.write("# Update only in a commit that says why the counts changed.\n")
            f.write(f"# rustc: {rustc}\n")
            f.write("# workload bytes instructions\n")
            for workload, nbytes, instructions in results:
                f.write(f"{workload} {nbytes} {instructions}\n")
        print(f"\nbaseline written to {os.path.relpath(BASELINE)}")
        return
    missing = [w for w in WORKLOADS if w not in baseline]
    if missing:
        sys.exit(f"no baseline for {', '.join(missing)}: run `python3 icount.py --update`")
    if worse:
        sys.exit(f"more than {(TOLERANCE - 1) * 100:.0f} % more instructions per byte than the baseline: {', '.join(worse)}")
    print(f"\nall within {(TOLERANCE - 1) * 100:.0f} % of the baseline")


if __name__ == "__main__":
    main()
