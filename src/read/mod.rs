//! The read side: the [`Framer`](framer::Framer) that cuts a byte stream into
//! frames, what ends a frame, and the readers that hand out whole frames. It knows
//! nothing of writing, sockets or time.

pub(crate) mod delimiters;
pub(crate) mod error;
pub(crate) mod frame;
pub(crate) mod frame_kind;
pub(crate) mod framer;
pub(crate) mod frames;
#[cfg(any(
    test,
    feature = "tokio",
    feature = "embedded-io",
    feature = "embedded-io-async"
))]
pub(crate) mod in_place;
pub(crate) mod length_prefix;
#[cfg(any(feature = "embedded-io", feature = "embedded-io-async"))]
pub(crate) mod read_buffer;
pub(crate) mod search;
pub(crate) mod terminator;
