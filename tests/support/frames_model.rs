//! Whole frames: the reference framer's events gathered per frame, what every
//! whole-frame adapter (`FrameReader`, the tokio codec, the embedded readers) must
//! hand out, and random cases to check them with.

use super::framer_model::{slices, Case, Change, Ev, Format, Prefix, Term, CAP, MAX_CHANGES};
use super::rng::Rng;
use asynchat::{Frame, FrameBuffer, FrameKind, FrameReader};

/// A frame after gathering: what the reader must hand out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fr {
    Whole(Vec<u8>),
    TooLong {
        max_frame_len: u64,
        position: u64,
        kind: FrameKind,
    },
    Discarded {
        frame_len: u64,
        kind: FrameKind,
    },
    End(Result<(), (u64, Option<u64>, u64)>),
    Malformed {
        position: u64,
        reason: asynchat::MalformedReason,
    },
}

impl<B: AsRef<[u8]>> From<asynchat::Frame<B>> for Fr {
    /// What a whole-frame reader handed out, recorded.
    fn from(frame: asynchat::Frame<B>) -> Self {
        use asynchat::Frame;
        match frame {
            Frame::Whole(data) => Fr::Whole(data.as_ref().to_vec()),
            Frame::TooLong(t) => Fr::TooLong {
                max_frame_len: t.max_frame_len,
                position: t.position,
                kind: t.kind,
            },
            Frame::Discarded { frame_len, kind } => Fr::Discarded { frame_len, kind },
            Frame::End(end) => Fr::End(end.map_err(|t| (t.frame_len, t.missing, t.position))),
            Frame::Malformed(m) => Fr::Malformed {
                position: m.position,
                reason: m.reason,
            },
        }
    }
}

/// The reference's events gathered into frames.
pub fn gather(events: Vec<Ev>) -> Vec<Fr> {
    let mut frames = Vec::new();
    let mut frame = Vec::new();
    for event in events {
        match event {
            Ev::Data(data) => frame.extend_from_slice(&data),
            Ev::Terminator => frames.push(Fr::Whole(std::mem::take(&mut frame))),
            Ev::TooLong {
                max_frame_len,
                position,
                kind,
            } => {
                frame.clear();
                frames.push(Fr::TooLong {
                    max_frame_len,
                    position,
                    kind,
                });
            }
            Ev::Discarded { frame_len, kind } => frames.push(Fr::Discarded { frame_len, kind }),
            Ev::End(end) => frames.push(Fr::End(end)),
            Ev::Malformed { position, reason } => {
                frame.clear();
                frames.push(Fr::Malformed { position, reason });
            }
        }
    }
    frames
}

/// The case with every limit capped at `capacity`, as the reader caps them, and
/// counts limited to `count_capacity`.
pub fn capped(case: &Case, capacity: Option<u64>, count_capacity: Option<u64>) -> Case {
    let cap = |max: Option<u64>| match (max, capacity) {
        (Some(max), Some(c)) => Some(max.min(c)),
        (max, c) => max.or(c),
    };
    Case {
        max_frame_len: cap(case.max_frame_len),
        max_count: count_capacity,
        program: case
            .program
            .iter()
            .map(|change| Change {
                term: change.term.clone(),
                max_frame_len: change.max_frame_len.map(cap),
            })
            .collect(),
        ..case.clone()
    }
}

pub fn terms() -> Vec<Term> {
    let prefix = |format, strip, trailer: &[u8]| {
        Term::Prefixed(Prefix {
            format,
            offset: 0,
            adjust: -97,
            strip,
            trailer: trailer.to_vec(),
        })
    };
    [&b"\n"[..], b"\r\n", b"aa", b"\r\n.\r\n"]
        .iter()
        .map(|t| Term::Bytes(t.to_vec()))
        .chain([
            Term::AnyOf(vec![b"\r\n".to_vec(), b"\n".to_vec()]),
            Term::AnyOf(vec![b"a.".to_vec(), b"x".to_vec(), b"\r".to_vec()]),
            Term::Count(0),
            Term::Count(3),
            Term::Count(9),
            Term::Count(20),
            // Over this alphabet, `a` declares no body and `b` one byte.
            prefix(
                Format::Fixed {
                    width: 1,
                    big_endian: true,
                },
                None,
                b"",
            ),
            prefix(
                Format::Fixed {
                    width: 1,
                    big_endian: true,
                },
                Some(0),
                b"\n",
            ),
            prefix(Format::Varint, Some(1), b""),
            // A type byte before a one-byte length; only the length reported.
            Term::Prefixed(Prefix {
                format: Format::Fixed {
                    width: 1,
                    big_endian: true,
                },
                offset: 1,
                adjust: -97,
                strip: Some(1),
                trailer: vec![],
            }),
            Term::None,
        ])
        .collect()
}

/// A random case over a small alphabet, with terminator and limit changes.
pub fn random_case(rng: &mut Rng, terms: &[Term]) -> Case {
    let input: Vec<u8> = (0..rng.below(40))
        .map(|_| b"ab\r\n.x"[rng.below(6)])
        .collect();
    let program = (0..rng.below(3))
        .map(|_| Change {
            term: (rng.below(3) > 0).then(|| terms[rng.below(terms.len())].clone()),
            max_frame_len: (rng.below(3) == 0)
                .then(|| (rng.below(2) == 0).then(|| rng.below(8) as u64)),
        })
        .collect();
    Case {
        input,
        initial: terms[rng.below(terms.len())].clone(),
        max_frame_len: (rng.below(2) == 0).then(|| rng.below(10) as u64),
        max_count: None,
        program,
    }
}

/// The change the model applies at the `ends`-th frame end (counting from 0).
pub fn change_at(case: &Case, ends: usize) -> Option<&Change> {
    (!case.program.is_empty() && ends < MAX_CHANGES)
        .then(|| &case.program[ends % case.program.len()])
}

/// The case through a `FrameReader` over `buffer`, fed in slices as `lens` says,
/// with the fast path on or off: what it hands out, recorded.
pub fn frame_reader_frames<B: FrameBuffer>(
    case: &Case,
    buffer: B,
    lens: &[usize],
    fast_path: bool,
) -> Vec<Fr> {
    let initial = case.initial.to_terminator().unwrap();
    let mut reader = FrameReader::<B, CAP>::with_terminator(initial, buffer);
    reader.set_max_frame_len(case.max_frame_len);
    reader.set_fast_path(fast_path);
    let mut frames = Vec::new();
    let mut ends = 0;
    let slices = slices(&case.input, lens);
    let last = slices.len() - 1;
    for (i, mut input) in slices.into_iter().enumerate() {
        if i == last {
            reader.end_of_stream();
        }
        while let Some(frame) = reader.next_frame(&mut input) {
            let frame_end = matches!(frame, Frame::Whole(_) | Frame::Discarded { .. });
            frames.push(Fr::from(frame));
            if frame_end {
                // As the model: the k-th frame end applies program[k].
                if let Some(change) = change_at(case, ends) {
                    if let Some(next) = change.term.as_ref().and_then(Term::to_terminator) {
                        reader.set_terminator(next);
                    }
                    if let Some(next) = change.max_frame_len {
                        reader.set_max_frame_len(next);
                    }
                }
                ends += 1;
            }
        }
        assert!(input.is_empty());
    }
    frames
}
