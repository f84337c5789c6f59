//! The write side: the [`Outbox`](outbox::Outbox) of buffers and producers that
//! hands out chunks to write, and what goes into it. It reads nothing and does no
//! I/O.

pub(crate) mod error;
pub(crate) mod inline_bytes;
pub(crate) mod length_header;
pub(crate) mod outbox;
pub(crate) mod producer;
pub(crate) mod reply;
pub(crate) mod storage;
