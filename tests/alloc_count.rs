//! The Framer never allocates; the Outbox allocates nothing per push once its queue
//! has grown. Counted by a global allocator, on this test's thread only.
#![cfg(feature = "alloc")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use asynchat::{Event, Framer, Next, Terminator, VecOutbox};

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.with(Cell::get) {
            ALLOCATIONS.with(|n| n.set(n.get() + 1));
        }
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl FnOnce()) -> usize {
    ALLOCATIONS.with(|n| n.set(0));
    COUNTING.with(|c| c.set(true));
    f();
    COUNTING.with(|c| c.set(false));
    ALLOCATIONS.with(Cell::get)
}

#[test]
fn framer_and_outbox_allocations() {
    let mut stream = Vec::new();
    for i in 0..1000 {
        stream.extend_from_slice(format!("ECHO {i}\n").as_bytes());
        stream.extend(std::iter::repeat_n(b'x', i));
        stream.extend_from_slice(b"aaab\r\n.\r\n");
    }
    let framed = allocations(|| {
        let mut framer = Framer::new(Terminator::literal(b"\n"));
        let mut frames = 0;
        for slice in [1, 7, 4096] {
            for chunk in stream.chunks(slice) {
                let mut input = chunk;
                while let Some(event) = framer.next_event(&mut input) {
                    if let Event::Terminator = event {
                        frames += 1;
                        framer.set_terminator(if frames % 3 == 0 {
                            Terminator::Count(5)
                        } else {
                            Terminator::literal(b"\r\n.\r\n")
                        });
                    }
                }
            }
            framer.end_of_stream();
            while framer.next_event(&mut &[][..]).is_some() {}
        }
        assert!(frames > 1000);
    });
    assert_eq!(framed, 0, "the framer allocated");

    let buffers: Vec<Vec<u8>> = (0..10_000).map(|i| vec![b'y'; 1 + i % 256]).collect();
    let mut outbox = VecOutbox::new();
    let mut out = Vec::with_capacity(buffers.iter().map(Vec::len).sum());
    fn round<'a>(outbox: &mut VecOutbox<'a>, buffers: &'a [Vec<u8>], out: &mut Vec<u8>) {
        out.clear();
        for buffer in buffers {
            outbox.push(buffer.as_slice()).unwrap();
        }
        while let Next::Write(chunk) = outbox.chunk() {
            out.extend_from_slice(chunk);
            let n = chunk.len();
            outbox.advance(n).unwrap();
        }
        assert_eq!(out.len(), out.capacity());
    }
    let growing = allocations(|| round(&mut outbox, &buffers, &mut out));
    assert!(
        growing > 0 && growing < 40,
        "the queue grows geometrically: {growing}"
    );
    let steady = allocations(|| round(&mut outbox, &buffers, &mut out));
    assert_eq!(steady, 0, "pushes allocated once the queue had grown");
}

/// A channel's `Frames` keeps the buffer of a frame split across reads for the
/// next one: once it has grown, split frames cost no allocation.
#[cfg(feature = "std")]
#[test]
fn split_frames_reuse_the_frame_handlers_buffer() {
    use asynchat::channel::{Context, FrameHandler, Frames, Transport};
    use asynchat::Channel;
    use std::io;

    struct Reads {
        chunks: &'static [&'static [u8]],
        at: usize,
    }
    impl io::Read for Reads {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(chunk) = self.chunks.get(self.at) else {
                return Err(io::ErrorKind::WouldBlock.into());
            };
            self.at += 1;
            buf[..chunk.len()].copy_from_slice(chunk);
            Ok(chunk.len())
        }
    }
    impl io::Write for Reads {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    impl Transport for Reads {
        fn shutdown_write(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    struct Count(usize);
    impl FrameHandler for Count {
        fn handle_frame(&mut self, frame: &[u8], _ctx: &mut Context<'_>) {
            assert_eq!(frame, b"abcdefgh");
            self.0 += 1;
        }
    }

    const SPLIT: &[&[u8]] = &[b"abcdef", b"gh\nabc", b"defgh\na", b"bcdefgh\n"];
    let stream = Reads {
        chunks: SPLIT,
        at: 0,
    };
    let mut channel = Channel::new(stream, Frames::new(Count(0)), Terminator::literal(b"\n"));
    channel.set_reads_per_call(usize::MAX);
    channel.handle_ready().unwrap();
    assert_eq!(channel.handler().get_ref().0, 3);
    let allocated = allocations(|| {
        for _ in 0..100 {
            channel.stream_mut().at = 0;
            channel.handle_ready().unwrap();
        }
    });
    assert_eq!(channel.handler().get_ref().0, 303);
    assert_eq!(allocated, 0, "split frames allocated");
}
