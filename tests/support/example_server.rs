//! An example server (`examples/*.rs`) as a child process, for tests that talk to it
//! over TCP as real clients do. The example is built with the test's own profile.

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The example server as a child process, killed on drop.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Builds (if needed) the example, a server on the library's `mio` loop, with
    /// this test's profile, starts it with port 0 and these arguments, and waits for
    /// its `listening on` line.
    pub fn start(example: &str, args: &[&str]) -> Server {
        Server::start_with(example, args, &["mio"], None)
    }

    /// As [`start`](Self::start), with at most `fd_limit` open files in the server
    /// (`ulimit -n`, through `sh`).
    pub fn start_with_fd_limit(example: &str, args: &[&str], fd_limit: u32) -> Server {
        Server::start_with(example, args, &["mio"], Some(fd_limit))
    }

    /// As [`start`](Self::start), run by `wrapper` (a command and its arguments,
    /// given the example's path and arguments after them).
    pub fn start_wrapped(example: &str, args: &[&str], wrapper: &[&str]) -> Server {
        Server::launch(example, args, &["mio"], None, wrapper)
    }

    /// As [`start`](Self::start), building with these cargo features and, if given,
    /// with at most `fd_limit` open files in the server (`ulimit -n`, through `sh`).
    pub fn start_with(
        example: &str,
        args: &[&str],
        features: &[&str],
        fd_limit: Option<u32>,
    ) -> Server {
        Server::launch(example, args, features, fd_limit, &[])
    }

    fn launch(
        example: &str,
        args: &[&str],
        features: &[&str],
        fd_limit: Option<u32>,
        wrapper: &[&str],
    ) -> Server {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let mut build = Command::new(cargo);
        build.args(["build", "--quiet", "--example", example]);
        if !features.is_empty() {
            build.args(["--features", &features.join(",")]);
        }
        if !cfg!(debug_assertions) {
            build.arg("--release");
        }
        let status = build
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .unwrap();
        assert!(status.success(), "building the example failed");
        let mut command = match (fd_limit, wrapper) {
            (None, []) => Command::new(binary(example)),
            (None, [program, wrapper_args @ ..]) => {
                let mut wrapped = Command::new(program);
                wrapped.args(wrapper_args).arg(binary(example));
                wrapped
            }
            (Some(limit), _) => {
                let mut sh = Command::new("sh");
                sh.args(["-c", &format!("ulimit -n {limit} && exec \"$0\" \"$@\"")])
                    .arg(binary(example));
                sh
            }
        };
        let mut child = command
            .arg("0")
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .parse()
            .unwrap();
        Server { child, addr }
    }

    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        stream
    }

    /// Sends the server a signal with `kill` (`-STOP`, `-CONT`, ...).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill {signal} failed");
    }

    /// The CPU time the server has run for so far (the kernel's `schedstat`).
    pub fn cpu_time(&self) -> Duration {
        let stat = std::fs::read_to_string(format!("/proc/{}/schedstat", self.child.id())).unwrap();
        let ns: u64 = stat.split_whitespace().next().unwrap().parse().unwrap();
        Duration::from_nanos(ns)
    }

    /// The server's peak resident memory, in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status
            .lines()
            .find(|line| line.starts_with("VmHWM:"))
            .unwrap();
        let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib * 1024
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where cargo puts the example for this test's profile: next to `deps/`.
fn binary(example: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    profile_dir.join("examples").join(example)
}

/// Connects `clients` clients to an echo server (`examples/echo_server_mio.rs`'s
/// protocol) before any is served, then has each in turn echo one message and
/// `QUIT`: every reply must come back whole. A server short of files serves the
/// rest from its backlog as the first ones close.
pub fn echo_clients_in_order(server: &Server, clients: usize) {
    use std::io::{Read, Write};
    let connected: Vec<TcpStream> = (0..clients).map(|_| server.connect()).collect();
    for (i, mut client) in connected.into_iter().enumerate() {
        let message = format!("client {i}");
        let request = format!("ECHO {}\n{message}QUIT\n", message.len());
        client.write_all(request.as_bytes()).unwrap();
        let mut reply = Vec::new();
        client.read_to_end(&mut reply).unwrap();
        assert_eq!(reply, message.as_bytes(), "client {i}");
        // Dropped here: the server's close ends and frees a file.
    }
}
