//! The seed's echo protocol, framed: `ECHO 166\n` and a 166-byte message, fed to
//! the Framer in 64-byte reads, with each event printed.

use asynchat::{Event, Framer, Terminator};

const MESSAGE: &[u8] = b"Lorem ipsum dolor sit amet, consectetuer adipiscing elit. Donec
egestas, enim et consectetuer ullamcorper, lectus ligula rutrum leo, a
elementum elit tortor eu quam.
";

fn main() {
    let mut stream = format!("ECHO {}\n", MESSAGE.len()).into_bytes();
    stream.extend_from_slice(MESSAGE);

    let mut framer = Framer::new(Terminator::literal(b"\n"));
    let mut message = Vec::new();
    let mut copy = None;
    for received in stream.chunks(64) {
        let mut input = received;
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                Event::Data(bytes) => {
                    println!(
                        "Data ({} bytes) {:?}",
                        bytes.len(),
                        String::from_utf8_lossy(bytes)
                    );
                    message.extend_from_slice(bytes);
                }
                Event::Terminator => {
                    println!("Terminator");
                    let command = std::mem::take(&mut message);
                    match command.strip_prefix(b"ECHO ") {
                        Some(len) => {
                            let len = std::str::from_utf8(len).unwrap().parse().unwrap();
                            framer.set_terminator(Terminator::Count(len));
                        }
                        None => copy = Some(command),
                    }
                }
            }
        }
    }
    if copy.as_deref() == Some(MESSAGE) {
        println!("RECEIVED COPY OF MESSAGE");
    } else {
        eprintln!("the message did not come through");
        std::process::exit(1);
    }
}
