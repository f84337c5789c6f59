//! The library's server loop, run in this process with a line handler: it serves,
//! stops when asked, closes idle peers and peers that leave a frame unfinished, and
//! at its connection cap lets a newcomer in by closing the slowest peer part-way
//! through a frame, never an idle one.
#![cfg(all(feature = "mio", target_os = "linux"))]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use asynchat::channel::{Context, Handler};
use asynchat::server::{Config, Server, ServerHandle, Stats};
use asynchat::Terminator;

/// Answers each line with `+` and the line; closes after `QUIT`.
#[derive(Default)]
struct Lines(Vec<u8>);

impl Handler for Lines {
    fn collect_incoming_data(&mut self, data: &[u8], _ctx: &mut Context<'_>) {
        self.0.extend_from_slice(data);
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        let mut reply = b"+".to_vec();
        reply.append(&mut self.0);
        reply.push(b'\n');
        let quit = reply == b"+QUIT\n";
        let _ = ctx.push(reply);
        if quit {
            ctx.close_when_done();
        }
    }
}

/// The name of the servers' threads, by which their CPU time is found.
const SERVER_THREAD: &str = "asynchat-srv";

/// The CPU time the threads named [`SERVER_THREAD`] have run for (the kernel's
/// `schedstat`).
fn server_cpu_time() -> Duration {
    let mut total = 0;
    for task in std::fs::read_dir("/proc/self/task").unwrap() {
        let task = task.unwrap().path();
        let comm = std::fs::read_to_string(task.join("comm")).unwrap_or_default();
        if comm.trim_end() == SERVER_THREAD {
            let stat = std::fs::read_to_string(task.join("schedstat")).unwrap_or_default();
            total += stat
                .split_whitespace()
                .next()
                .and_then(|ns| ns.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(total)
}

struct Running {
    addr: SocketAddr,
    handle: ServerHandle,
    thread: thread::JoinHandle<std::io::Result<()>>,
}

fn start(config: Config) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut server = Server::new(listener, config).unwrap();
    assert_eq!(server.local_addr().unwrap(), addr);
    let debug = format!("{server:?}");
    assert!(
        debug.starts_with("Server {") && debug.contains("config: Config {"),
        "{debug}"
    );
    let handle = server.handle();
    assert_eq!(
        format!("{handle:?}"),
        format!("ServerHandle {{ stats: {:?} }}", Stats::default())
    );
    let thread = thread::Builder::new()
        .name(SERVER_THREAD.into())
        .spawn(move || server.run(Terminator::literal(b"\n"), |_| Lines::default()))
        .unwrap();
    Running {
        addr,
        handle,
        thread,
    }
}

impl Running {
    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream
    }

    fn stop(self) -> Stats {
        self.handle.stop();
        self.thread.join().unwrap().unwrap();
        self.handle.stats()
    }
}

/// Sends `line` and reads the reply line.
fn ask(stream: &mut TcpStream, line: &str) -> String {
    stream.write_all(line.as_bytes()).unwrap();
    let mut reply = Vec::new();
    let mut byte = [0];
    while reply.last() != Some(&b'\n') {
        stream.read_exact(&mut byte).unwrap();
        reply.push(byte[0]);
    }
    String::from_utf8(reply).unwrap()
}

/// Whether the server has closed `stream` (within its read timeout).
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buffer = [0; 64];
    match stream.read(&mut buffer) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() == ErrorKind::ConnectionReset,
    }
}

fn config() -> Config {
    let mut config = Config::default();
    config.idle_timeout = Some(Duration::from_secs(30));
    config.frame_timeout = Some(Duration::from_secs(30));
    config
}

#[test]
fn serves_until_stopped() {
    let server = start(config());
    let mut clients: Vec<TcpStream> = (0..10).map(|_| server.connect()).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        assert_eq!(
            ask(client, &format!("hello {i}\n")),
            format!("+hello {i}\n")
        );
    }
    let stopping = Instant::now();
    let stats = server.stop();
    assert!(
        stopping.elapsed() < Duration::from_secs(1),
        "woken, not ticked"
    );
    assert_eq!(stats.accepted, 10);
    assert_eq!(stats.evicted, 0);
    assert!(stats.calls >= 10);
    // The connections closed with the server.
    assert!(closed_by_server(&mut clients[0]));
}

#[test]
fn an_idle_peer_is_closed_at_the_idle_timeout() {
    let mut config = config();
    config.idle_timeout = Some(Duration::from_millis(300));
    let server = start(config);
    let mut idle = server.connect();
    assert_eq!(ask(&mut idle, "hi\n"), "+hi\n");
    let start = Instant::now();
    assert!(closed_by_server(&mut idle));
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    let stats = server.stop();
    assert_eq!((stats.idle_timeouts, stats.frame_timeouts), (1, 0));
}

/// A peer that trickles a byte every 50 ms is never idle, but its line is not done
/// by the frame timeout; a peer that sent nothing at all is still allowed its idle
/// timeout.
#[test]
fn a_trickling_peer_is_closed_at_the_frame_timeout_and_an_idle_one_is_not() {
    let mut config = config();
    config.idle_timeout = Some(Duration::from_secs(5));
    config.frame_timeout = Some(Duration::from_millis(400));
    let server = start(config);
    let mut quiet = server.connect();
    let mut trickler = server.connect();
    let start = Instant::now();
    let mut cut_off = false;
    while start.elapsed() < Duration::from_secs(3) {
        if trickler.write_all(b"x").is_err() {
            cut_off = true;
            break;
        }
        thread::sleep(Duration::from_millis(50));
    }
    assert!(cut_off || closed_by_server(&mut trickler), "trickled on");
    // Well past the frame timeout, the quiet peer is still served.
    assert_eq!(ask(&mut quiet, "still here\n"), "+still here\n");
    let stats = server.stop();
    assert_eq!((stats.frame_timeouts, stats.idle_timeouts), (1, 0));
}

/// At the cap of two, with one peer part-way through a line and one idle, a
/// newcomer takes the place of the one part-way; the idle one stays.
#[test]
fn at_the_cap_a_peer_part_way_through_a_frame_gives_way_and_an_idle_one_stays() {
    let mut config = config();
    config.max_connections = 2;
    let server = start(config);
    let mut idle = server.connect();
    assert_eq!(ask(&mut idle, "first\n"), "+first\n");
    let mut partial = server.connect();
    partial.write_all(b"half a li").unwrap();
    thread::sleep(Duration::from_millis(200));
    let mut newcomer = server.connect();
    assert_eq!(ask(&mut newcomer, "let me in\n"), "+let me in\n");
    assert!(closed_by_server(&mut partial));
    assert_eq!(ask(&mut idle, "still here\n"), "+still here\n");
    let stats = server.stop();
    assert_eq!((stats.accepted, stats.evicted), (3, 1));
}

/// Of two peers part-way through a frame, the one whose frame came fewer bytes
/// per second gives way, not the one whose frame began first.
#[test]
fn the_slowest_frame_gives_way_not_the_oldest() {
    let mut config = config();
    config.max_connections = 2;
    let server = start(config);
    let mut steady = server.connect();
    steady.write_all(b"begun first").unwrap();
    thread::sleep(Duration::from_millis(100));
    let mut slow = server.connect();
    slow.write_all(b"s").unwrap();
    // The steady peer keeps sending; the slow one sends nothing more.
    for _ in 0..10 {
        steady.write_all(&[b'x'; 100]).unwrap();
        thread::sleep(Duration::from_millis(30));
    }
    let mut newcomer = TcpStream::connect(server.addr).unwrap();
    newcomer
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(ask(&mut newcomer, "in\n"), "+in\n");
    assert!(closed_by_server(&mut slow));
    steady.write_all(b"\n").unwrap();
    let mut reply = vec![0; 1 + 11 + 1000 + 1];
    steady.read_exact(&mut reply).unwrap();
    assert!(reply.starts_with(b"+begun first"));
    let stats = server.stop();
    assert_eq!(stats.evicted, 1);
}

/// At the cap with every peer idle, nobody gives way: the newcomer waits in the
/// backlog and is served once an idle peer times out.
#[test]
fn at_the_cap_with_only_idle_peers_a_newcomer_waits_for_a_timeout() {
    let mut config = config();
    config.max_connections = 1;
    config.idle_timeout = Some(Duration::from_millis(500));
    let server = start(config);
    let mut idle = server.connect();
    assert_eq!(ask(&mut idle, "first\n"), "+first\n");
    let start = Instant::now();
    let mut newcomer = server.connect();
    assert_eq!(ask(&mut newcomer, "waited\n"), "+waited\n");
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(closed_by_server(&mut idle));
    let stats = server.stop();
    assert_eq!((stats.evicted, stats.idle_timeouts), (0, 1));
}

/// After a round with events the loop polls for a moment without sleeping; once
/// its clients go quiet it sleeps, and a quiet connection costs no CPU. Other tests
/// run servers beside this one, so it looks for loops that never sleep, not for
/// small costs.
#[test]
fn an_idle_server_sleeps() {
    let server = start(config());
    let mut quiet = server.connect();
    assert_eq!(ask(&mut quiet, "hi\n"), "+hi\n");
    thread::sleep(Duration::from_millis(100));
    let before = server_cpu_time();
    thread::sleep(Duration::from_secs(1));
    let spent = server_cpu_time() - before;
    assert!(
        spent < Duration::from_millis(300),
        "idle for 1 s with one quiet connection, the servers ran for {spent:?}"
    );
    server.stop();
}

/// Reads to the end of `stream`, and how long the end took to come.
fn read_to_end_timed(stream: &mut TcpStream) -> (Vec<u8>, Duration) {
    let start = Instant::now();
    let mut all = Vec::new();
    stream.read_to_end(&mut all).unwrap();
    (all, start.elapsed())
}

/// After `QUIT` the reply comes, then at once the end of the stream: the server
/// shuts down its writing half and lingers for the peer's close, rather than
/// keeping the connection open for the linger.
#[test]
fn a_close_when_done_ends_the_stream_at_once_and_then_lingers() {
    let mut config = config();
    config.linger = Duration::from_secs(5);
    let server = start(config);
    let mut client = server.connect();
    client.write_all(b"QUIT\n").unwrap();
    let (reply, took) = read_to_end_timed(&mut client);
    assert_eq!(reply, b"+QUIT\n");
    assert!(took < Duration::from_secs(2), "the end came after {took:?}");
    server.stop();
}

/// A request and the peer's end of the stream, sent together: the reply comes and
/// the server closes, not at the idle timeout.
#[test]
fn a_request_and_the_end_together_are_answered_and_closed() {
    let server = start(config());
    for _ in 0..20 {
        let mut client = server.connect();
        client.write_all(b"last words\n").unwrap();
        client.shutdown(std::net::Shutdown::Write).unwrap();
        let (reply, took) = read_to_end_timed(&mut client);
        assert_eq!(reply, b"+last words\n");
        assert!(took < Duration::from_secs(2), "closed after {took:?}");
    }
    server.stop();
}

/// `serve`, the one-call form, runs a server for the rest of the process.
#[test]
fn serve_runs_a_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    // Never stopped: it ends with the test process.
    thread::spawn(move || {
        asynchat::server::serve(listener, config(), Terminator::literal(b"\n"), |_| {
            Lines::default()
        })
    });
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    assert_eq!(ask(&mut client, "one call\n"), "+one call\n");
}
