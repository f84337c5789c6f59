//! Length-prefixed streams written and read by code we did not write: tokio-util's
//! `LengthDelimitedCodec` (every option its builder offers) and protobuf's
//! length-delimited messages as `prost` writes them. Each stream is read back frame
//! for frame, whole, at every two-piece split and one byte at a time.

use asynchat::{
    ByteOrder, Event, Frame, FrameReader, Framer, LengthPrefix, Next, Terminator, VecOutbox,
};
use bytes::BytesMut;
use tokio_util::codec::{Decoder, Encoder, LengthDelimitedCodec};

mod support;
use support::rng::Rng;

/// The frames a `Framer` reads from `stream` cut into `slices`; a frame that is not
/// whole fails the test.
fn framer_frames(prefix: LengthPrefix, slices: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut framer = Framer::new(Terminator::LengthPrefixed(prefix));
    let (mut frames, mut frame) = (Vec::new(), Vec::new());
    for (i, slice) in slices.iter().enumerate() {
        if i + 1 == slices.len() {
            framer.end_of_stream();
        }
        let mut input = *slice;
        while let Some(event) = framer.next_event(&mut input) {
            match event {
                Event::Data(data) => frame.extend_from_slice(data),
                Event::Terminator => frames.push(std::mem::take(&mut frame)),
                Event::End(end) => assert_eq!(end, Ok(())),
                other => panic!("{other:?}"),
            }
        }
    }
    frames
}

/// The same through a `FrameReader`, which lends frames that lie whole in a slice.
fn reader_frames(prefix: LengthPrefix, slices: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut reader = FrameReader::new(Terminator::LengthPrefixed(prefix), Vec::new());
    let mut frames = Vec::new();
    for (i, slice) in slices.iter().enumerate() {
        if i + 1 == slices.len() {
            reader.end_of_stream();
        }
        let mut input = *slice;
        while let Some(frame) = reader.next_frame(&mut input) {
            match frame {
                Frame::Whole(data) => frames.push(data.to_vec()),
                Frame::End(end) => assert_eq!(end, Ok(())),
                other => panic!("{other:?}"),
            }
        }
    }
    frames
}

/// Whole, one byte at a time, and at every two-piece split: `prefix` must read
/// `expected` from `stream`.
fn assert_reads(prefix: LengthPrefix, stream: &[u8], expected: &[Vec<u8>], what: &str) {
    let mut splits: Vec<Vec<&[u8]>> = vec![
        vec![stream, b""],
        stream.chunks(1).chain([&b""[..]]).collect(),
    ];
    splits.extend((0..=stream.len()).map(|at| vec![&stream[..at], &stream[at..], b""]));
    for slices in &splits {
        assert_eq!(framer_frames(prefix, slices), expected, "Framer, {what}");
        assert_eq!(
            reader_frames(prefix, slices),
            expected,
            "FrameReader, {what}"
        );
    }
}

fn bodies(rng: &mut Rng, max_len: usize) -> Vec<Vec<u8>> {
    (0..4)
        .map(|_| {
            (0..rng.below(max_len + 1))
                .map(|_| rng.below(256) as u8)
                .collect()
        })
        .collect()
}

/// What tokio-util's encoder writes, for every width, byte order and adjustment,
/// is read back as the same frames.
#[test]
fn streams_written_by_length_delimited_codec() {
    let mut rng = Rng::new(0x7c0d);
    for width in 1..=8u8 {
        for big_endian in [true, false] {
            for adjustment in [-3isize, 0, 2] {
                let mut builder = LengthDelimitedCodec::builder();
                builder
                    .length_field_length(usize::from(width))
                    .length_adjustment(adjustment);
                if big_endian {
                    builder.big_endian();
                } else {
                    builder.little_endian();
                }
                let mut codec = builder.new_codec();
                // A body must be at least the adjustment for the length to fit.
                let frames: Vec<Vec<u8>> = bodies(&mut rng, 40)
                    .into_iter()
                    .filter(|b| b.len() as isize >= adjustment)
                    .collect();
                let mut stream = BytesMut::new();
                for frame in &frames {
                    codec.encode(&frame[..], &mut stream).unwrap();
                }
                let order = if big_endian {
                    ByteOrder::BigEndian
                } else {
                    ByteOrder::LittleEndian
                };
                let prefix = LengthPrefix::fixed(width, order).adjust(adjustment as i64);
                let what = format!("width {width}, big endian {big_endian}, adjust {adjustment}");
                assert_reads(prefix, &stream, &frames, &what);
            }
        }
    }
}

/// tokio-util's `length_adjustment` counts from the end of the bytes it skips;
/// ours, as Netty's, from the end of the header.
fn our_prefix(
    width: u8,
    big_endian: bool,
    offset: u8,
    adjustment: i64,
    skip: Option<u16>,
) -> LengthPrefix {
    let header = i64::from(offset) + i64::from(width);
    let order = if big_endian {
        ByteOrder::BigEndian
    } else {
        ByteOrder::LittleEndian
    };
    let skip_len = skip.map_or(header, i64::from);
    let prefix = LengthPrefix::fixed(width, order)
        .offset(offset)
        .adjust(adjustment + skip_len - header);
    match skip {
        Some(skip) => prefix.strip(skip),
        None => prefix,
    }
}

/// Streams with an offset before the length field, read by tokio-util's decoder
/// and by ours with every builder option (width, byte order, offset, adjustment,
/// bytes skipped: none, part of the header, all of it), frame for frame.
#[test]
fn the_same_frames_as_length_delimited_codec_decodes() {
    let mut rng = Rng::new(0xdec0);
    let mut checked = 0;
    for width in 1..=8u8 {
        for big_endian in [true, false] {
            for offset in 0..=2u8 {
                let header = usize::from(offset) + usize::from(width);
                for adjustment in [-(header as i64), 0, 3] {
                    for skip in [None, Some(0), Some(offset as u16), Some(header as u16)] {
                        // The decoder's frame after its skip is `value + adjustment`
                        // bytes; write values that make each such frame whole.
                        let skip_len = skip.map_or(header, usize::from);
                        let mut stream = Vec::new();
                        for body in bodies(&mut rng, 30) {
                            let frame_len = header - skip_len + body.len();
                            let value = frame_len as i64 - adjustment;
                            if value < 0 || (width < 8 && value >> (8 * width) != 0) {
                                continue;
                            }
                            stream.extend((0..offset).map(|_| rng.below(256) as u8));
                            let be = (value as u64).to_be_bytes();
                            let mut field = be[8 - usize::from(width)..].to_vec();
                            if !big_endian {
                                field.reverse();
                            }
                            stream.extend(field);
                            stream.extend(body);
                        }
                        let mut builder = LengthDelimitedCodec::builder();
                        builder
                            .length_field_length(usize::from(width))
                            .length_field_offset(usize::from(offset))
                            .length_adjustment(adjustment as isize)
                            .max_frame_length(usize::MAX);
                        if let Some(skip) = skip {
                            builder.num_skip(usize::from(skip));
                        }
                        if big_endian {
                            builder.big_endian();
                        } else {
                            builder.little_endian();
                        }
                        let mut codec = builder.new_codec();
                        let mut buf = BytesMut::from(&stream[..]);
                        let mut expected = Vec::new();
                        while let Some(frame) = codec.decode_eof(&mut buf).unwrap() {
                            expected.push(frame.to_vec());
                        }
                        assert!(!expected.is_empty() || stream.is_empty());
                        checked += expected.len();
                        let prefix = our_prefix(width, big_endian, offset, adjustment, skip);
                        let what = format!(
                            "width {width}, big endian {big_endian}, offset {offset}, \
                             adjust {adjustment}, skip {skip:?}"
                        );
                        assert_reads(prefix, &stream, &expected, &what);
                    }
                }
            }
        }
    }
    // Most bodies fit every field: the comparison is not empty.
    assert!(checked > 1500, "{checked} frames compared");
}

/// What our outbox writes, tokio-util's decoder reads.
#[test]
fn length_delimited_codec_reads_what_the_outbox_writes() {
    let mut rng = Rng::new(0x0b0c);
    for width in [1u8, 2, 3, 4, 8] {
        let frames = bodies(&mut rng, 200);
        let prefix =
            LengthPrefix::fixed(width, ByteOrder::LittleEndian).adjust(-(i64::from(width)));
        let mut outbox = VecOutbox::new();
        for frame in &frames {
            outbox.push_length_prefixed(&prefix, frame.clone()).unwrap();
        }
        let mut wire = BytesMut::new();
        while let Next::Write(chunk) = outbox.chunk() {
            let n = chunk.len();
            wire.extend_from_slice(chunk);
            outbox.advance(n).unwrap();
        }
        let mut codec = LengthDelimitedCodec::builder()
            .length_field_length(usize::from(width))
            .little_endian()
            .length_adjustment(-(isize::from(width as i8)))
            .new_codec();
        let mut got = Vec::new();
        while let Some(frame) = codec.decode_eof(&mut wire).unwrap() {
            got.push(frame.to_vec());
        }
        assert_eq!(got, frames, "width {width}");
    }
}

/// protobuf's length-delimited stream: a varint length before each message.
#[test]
fn prost_length_delimited_messages() {
    use prost::Message;
    let mut rng = Rng::new(0x9b);
    let messages: Vec<String> = (0..20)
        .map(|i| "x".repeat([0, 1, 127, 128, 300, 16_384][i % 6] + rng.below(3)))
        .collect();
    let mut stream = Vec::new();
    for message in &messages {
        message.encode_length_delimited(&mut stream).unwrap();
    }
    let prefix = LengthPrefix::varint();
    let whole = framer_frames(prefix, &[&stream, b""]);
    let decoded: Vec<String> = whole
        .iter()
        .map(|body| String::decode(&body[..]).unwrap())
        .collect();
    assert_eq!(decoded, messages);
    for slices in [
        stream.chunks(1).chain([&b""[..]]).collect::<Vec<_>>(),
        stream.chunks(4096).chain([&b""[..]]).collect(),
        stream.chunks(3).chain([&b""[..]]).collect(),
    ] {
        assert_eq!(framer_frames(prefix, &slices), whole);
        assert_eq!(reader_frames(prefix, &slices), whole);
    }
    // And the other way: what the outbox writes, prost reads.
    let mut outbox = VecOutbox::new();
    for message in &messages {
        outbox
            .push_length_prefixed(&prefix, message.encode_to_vec())
            .unwrap();
    }
    let mut wire = Vec::new();
    while let Next::Write(chunk) = outbox.chunk() {
        let n = chunk.len();
        wire.extend_from_slice(chunk);
        outbox.advance(n).unwrap();
    }
    assert_eq!(wire, stream);
    let mut rest = &wire[..];
    for message in &messages {
        assert_eq!(
            &String::decode_length_delimited(&mut rest).unwrap(),
            message
        );
    }
}
