//! Real peers the tests talk to (Python's asynchat and smtplib, redis-py,
//! redis-cli): a test whose peer is missing is skipped with a loud note, unless
//! `ASYNCHAT_REQUIRE_PEERS` is set (as `.ci/run` does), where it fails instead.

use std::process::{Command, Stdio};

/// Whether `program args...` runs and succeeds: the peer is there.
fn runs(program: &str, args: &[&str]) -> bool {
    Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// Whether the test may go on: true if the peer is there; false (skip) if it is not
/// and peers are optional; a panic if it is not and peers are required.
pub fn available(peer: &str, program: &str, args: &[&str]) -> bool {
    if runs(program, args) {
        return true;
    }
    let message = format!(
        "{peer} is not available (`{program} {}` failed)",
        args.join(" ")
    );
    if std::env::var_os("ASYNCHAT_REQUIRE_PEERS").is_some() {
        panic!("{message}, and ASYNCHAT_REQUIRE_PEERS is set");
    }
    eprintln!("SKIPPED: {message}; set ASYNCHAT_REQUIRE_PEERS=1 to make this a failure");
    false
}

/// Python 3 with a module importable.
pub fn python_module(module: &str) -> bool {
    available(
        &format!("python3 with {module}"),
        "python3",
        &["-W", "ignore", "-c", &format!("import {module}")],
    )
}
