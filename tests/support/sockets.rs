//! Real sockets for the channel tests.

use std::net::{TcpListener, TcpStream};

/// A connected pair of loopback sockets: (server side, client side).
pub fn socket_pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    (server, client)
}
