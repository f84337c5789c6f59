//! The Outbox against a model (the bytes pushed, appended to a list), under any
//! sequence of pushes, producer outputs and partial writes. Shared by `tests/` and
//! the fuzz target (which includes this file by path).

use std::cell::Cell;
use std::collections::VecDeque;

use asynchat::{Next, Outbox, Produced, Producer, PushError, Storage};

/// One step of a producer's script.
#[derive(Clone, Debug)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum Step {
    Chunk(Vec<u8>),
    NotYet,
}

std::thread_local! {
    /// Polls of every `Scripted` producer on this thread: the outbox holds the
    /// producers, so the count cannot live in them.
    static POLLS: Cell<usize> = const { Cell::new(0) };
}

fn polls() -> usize {
    POLLS.with(Cell::get)
}

/// A producer that follows a script and records when it is polled.
#[derive(Debug)]
pub struct Scripted {
    pub id: usize,
    steps: VecDeque<Step>,
    written: usize,
    pub polls: usize,
}

impl Scripted {
    pub fn new(id: usize, steps: Vec<Step>) -> Self {
        Scripted {
            id,
            steps: steps.into(),
            written: 0,
            polls: 0,
        }
    }

    /// Every byte the script will produce, in order.
    pub fn bytes(steps: &[Step]) -> Vec<u8> {
        steps
            .iter()
            .flat_map(|step| match step {
                Step::Chunk(bytes) => bytes.clone(),
                Step::NotYet => vec![],
            })
            .collect()
    }
}

impl Producer for Scripted {
    fn chunk(&mut self) -> Produced<'_> {
        self.polls += 1;
        POLLS.with(|polls| polls.set(polls.get() + 1));
        loop {
            match self.steps.front() {
                None => return Produced::Done,
                Some(Step::NotYet) => {
                    self.steps.pop_front();
                    return Produced::NotYet;
                }
                Some(Step::Chunk(bytes)) if self.written >= bytes.len() => {
                    self.written = 0;
                    self.steps.pop_front();
                }
                Some(Step::Chunk(_)) => break,
            }
        }
        match self.steps.front() {
            Some(Step::Chunk(bytes)) => Produced::Chunk(&bytes[self.written..]),
            _ => unreachable!(),
        }
    }

    fn advance(&mut self, written: usize) {
        self.written += written;
    }
}

/// An operation on the outbox.
#[derive(Clone, Debug)]
#[cfg_attr(fuzzing, derive(arbitrary::Arbitrary))]
pub enum Op {
    PushBorrowed(Vec<u8>),
    PushOwned(Vec<u8>),
    PushProducer(Vec<Step>),
    CloseWhenDone,
    /// Ask for a chunk and write at most this many bytes of it (0: would block).
    Write(u16),
    /// Fill up to `slots` slices and write at most `n` bytes of them.
    WriteVectored {
        n: u16,
        slots: u8,
    },
    /// Report more bytes written than were handed out: must be refused.
    OverAdvance,
    Clear,
    SetMaxChunk(u16),
}

#[derive(Debug)]
enum Pending {
    Bytes(VecDeque<u8>),
    Producer(usize),
}

/// Runs `ops` against an outbox with storage `S` and the model; panics on any
/// difference. Returns the bytes written.
pub fn check<S: Storage>(ops: &[Op], capacity: Option<usize>) -> Vec<u8> {
    // Borrowed buffers and producers must outlive the outbox.
    let borrowed: Vec<Vec<u8>> = ops
        .iter()
        .filter_map(|op| match op {
            Op::PushBorrowed(bytes) => Some(bytes.clone()),
            _ => None,
        })
        .collect();
    let scripts: Vec<Vec<Step>> = ops
        .iter()
        .filter_map(|op| match op {
            Op::PushProducer(steps) => Some(steps.clone()),
            _ => None,
        })
        .collect();
    let mut producers: Vec<Scripted> = scripts
        .iter()
        .enumerate()
        .map(|(id, steps)| Scripted::new(id, steps.clone()))
        .collect();
    let mut producer_refs = producers.iter_mut();
    let mut borrowed = borrowed.iter();
    let mut next_producer = 0;

    let mut outbox: Outbox<'_, S> = Outbox::new();
    let mut max_chunk = asynchat::DEFAULT_MAX_CHUNK_LEN;
    let mut model: VecDeque<Pending> = VecDeque::new();
    let mut closing = false;
    let mut written = Vec::new();
    let mut expected = Vec::new();

    // Appends the model's next `n` bytes to `expected`.
    fn take(
        model: &mut VecDeque<Pending>,
        scripts: &[Vec<Step>],
        progress: &mut [usize],
        mut n: usize,
        expected: &mut Vec<u8>,
    ) {
        while n > 0 {
            match model.front_mut().expect("wrote more than was queued") {
                Pending::Bytes(bytes) => {
                    let k = n.min(bytes.len());
                    expected.extend(bytes.drain(..k));
                    n -= k;
                    if bytes.is_empty() {
                        model.pop_front();
                    }
                }
                Pending::Producer(id) if progress[*id] == Scripted::bytes(&scripts[*id]).len() => {
                    // Finished: the outbox dropped it before offering what follows.
                    model.pop_front();
                }
                Pending::Producer(id) => {
                    let all = Scripted::bytes(&scripts[*id]);
                    let k = n.min(all.len() - progress[*id]);
                    expected.extend_from_slice(&all[progress[*id]..progress[*id] + k]);
                    progress[*id] += k;
                    n -= k;
                    assert_eq!(n, 0, "a producer's chunk is the last thing offered");
                }
            }
        }
    }
    let mut progress = vec![0; scripts.len()];

    // Drops the producers the outbox found finished (at the head, so consecutive at
    // the model's head), checking they had produced everything.
    fn settle(
        model: &mut VecDeque<Pending>,
        scripts: &[Vec<Step>],
        progress: &[usize],
        outbox_producers: usize,
    ) {
        let mut producers = model
            .iter()
            .filter(|p| matches!(p, Pending::Producer(_)))
            .count();
        while producers > outbox_producers {
            match model.pop_front() {
                Some(Pending::Producer(id)) => {
                    assert_eq!(
                        progress[id],
                        Scripted::bytes(&scripts[id]).len(),
                        "producer dropped early"
                    );
                    producers -= 1;
                }
                other => {
                    panic!("the outbox dropped a producer that was not at the head: {other:?}")
                }
            }
        }
    }

    for op in ops {
        let full = capacity.is_some_and(|c| model.len() >= c);
        let polls_before = polls();
        let producers_before = outbox.queued_producers();
        match op {
            Op::PushBorrowed(_) | Op::PushOwned(_) => {
                let bytes = match op {
                    Op::PushBorrowed(_) => borrowed.next().unwrap().as_slice(),
                    Op::PushOwned(bytes) => bytes.as_slice(),
                    _ => unreachable!(),
                };
                let result = match op {
                    Op::PushBorrowed(_) => outbox.push(bytes),
                    #[cfg(feature = "alloc")]
                    _ => outbox.push(bytes.to_vec()),
                    #[cfg(not(feature = "alloc"))]
                    _ => outbox.push(bytes),
                };
                match result {
                    Ok(()) => {
                        assert!(!closing, "push accepted after close_when_done");
                        if !bytes.is_empty() {
                            assert!(!full, "push accepted beyond capacity");
                            model.push_back(Pending::Bytes(bytes.iter().copied().collect()));
                        }
                    }
                    Err(PushError::Closed(buf)) => {
                        assert!(closing);
                        assert_eq!(buf.as_bytes(), bytes, "refused push gives the item back");
                    }
                    Err(PushError::Full(buf)) => {
                        assert!(full && !closing, "refused as full, but model has room");
                        assert_eq!(buf.as_bytes(), bytes);
                    }
                }
            }
            Op::PushProducer(_) => {
                let id = next_producer;
                next_producer += 1;
                let producer = producer_refs.next().unwrap();
                match outbox.push_producer_ref(producer) {
                    Ok(()) => {
                        assert!(!closing && !full);
                        model.push_back(Pending::Producer(id));
                    }
                    Err(PushError::Closed(_)) => assert!(closing),
                    Err(PushError::Full(_)) => assert!(full && !closing),
                }
            }
            Op::CloseWhenDone => {
                outbox.close_when_done();
                closing = true;
            }
            Op::Write(n) => match outbox.chunk() {
                Next::Write(chunk) => {
                    assert!(
                        !chunk.is_empty() && chunk.len() <= max_chunk,
                        "chunk of {} bytes",
                        chunk.len()
                    );
                    let w = (*n as usize).min(chunk.len());
                    written.extend_from_slice(&chunk[..w]);
                    take(&mut model, &scripts, &mut progress, w, &mut expected);
                    outbox.advance(w).unwrap();
                }
                Next::Idle => {
                    settle(&mut model, &scripts, &progress, outbox.queued_producers());
                    assert!(
                        model.is_empty() || matches!(model.front(), Some(Pending::Producer(_))),
                        "wait with a buffer at the head"
                    );
                    assert!(!closing || !model.is_empty(), "wait instead of close");
                }
                Next::Close => {
                    settle(&mut model, &scripts, &progress, outbox.queued_producers());
                    assert!(closing && model.is_empty(), "close came early");
                }
            },
            #[cfg(not(feature = "std"))]
            Op::WriteVectored { n, .. } => {
                if let Next::Write(chunk) = outbox.chunk() {
                    let w = (*n as usize).min(chunk.len());
                    written.extend_from_slice(&chunk[..w]);
                    take(&mut model, &scripts, &mut progress, w, &mut expected);
                    outbox.advance(w).unwrap();
                }
            }
            #[cfg(feature = "std")]
            Op::WriteVectored { n, slots } => {
                let mut slices = vec![std::io::IoSlice::new(&[]); *slots as usize];
                let next = outbox.chunks_vectored(&mut slices);
                let filled = match next {
                    Next::Write(filled) => filled,
                    Next::Idle | Next::Close => 0,
                };
                let joined: Vec<u8> = slices[..filled]
                    .iter()
                    .flat_map(|s| s.iter().copied())
                    .collect();
                assert!(joined.len() <= max_chunk);
                assert!(
                    slices[..filled].iter().all(|s| !s.is_empty()),
                    "empty slice filled"
                );
                if *slots > 0 && joined.is_empty() {
                    settle(&mut model, &scripts, &progress, outbox.queued_producers());
                    assert!(
                        model.is_empty() || matches!(model.front(), Some(Pending::Producer(_)))
                    );
                    assert_eq!(
                        next == Next::Close,
                        closing && model.is_empty(),
                        "close said early, or not said when due"
                    );
                }
                let w = (*n as usize).min(joined.len());
                written.extend_from_slice(&joined[..w]);
                take(&mut model, &scripts, &mut progress, w, &mut expected);
                outbox.advance(w).unwrap();
            }
            Op::OverAdvance => {
                let offered = match outbox.chunk() {
                    Next::Write(chunk) => chunk.len(),
                    _ => 0,
                };
                let error = outbox.advance(offered + 1).unwrap_err();
                assert_eq!((error.written, error.offered), (offered + 1, offered));
            }
            Op::Clear => {
                assert_eq!(outbox.clear(), closing);
                closing = false;
                model.clear();
            }
            Op::SetMaxChunk(n) => {
                outbox.set_max_chunk_len(*n as usize);
                max_chunk = (*n as usize).max(1);
            }
        }
        settle(&mut model, &scripts, &progress, outbox.queued_producers());
        // A producer is asked once per chunk: an operation polls each producer it
        // finds finished once, and at most one more.
        let finished = producers_before.saturating_sub(outbox.queued_producers());
        assert!(
            polls() - polls_before <= finished + 1,
            "{op:?} polled producers {} times and finished {finished}",
            polls() - polls_before
        );
        assert_eq!(written, expected, "bytes out differ from bytes in");
        let queued: usize = model
            .iter()
            .map(|p| match p {
                Pending::Bytes(b) => b.len(),
                Pending::Producer(_) => 0,
            })
            .sum();
        assert_eq!(outbox.queued_bytes(), queued);
    }
    written
}
