//! Whole frames for a [`Channel`](crate::Channel): a [`FrameHandler`] gets each frame
//! as one slice, lent from the read buffer when the frame arrived in one read.

use std::vec::Vec;

use super::defaults::{DEFAULT_MAX_COUNT, DEFAULT_READ_BUFFER_LEN};
use super::handler::{Context, Handler};
use crate::read::error::{FrameTooLong, Truncated};
use crate::read::frame_kind::FrameKind;
use crate::read::length_prefix::Malformed;

/// A protocol that takes whole frames instead of pieces: run it in a channel as
/// [`Frames::new(handler)`](Frames::new).
///
/// The data of a frame that arrived in one read is lent from the channel's read
/// buffer; only a frame split across reads is gathered, into a buffer reused from
/// frame to frame and bounded by the frame limit for lines and by the count limit
/// ([`Context::set_max_count`], [`DEFAULT_MAX_COUNT`] to begin with) for counted
/// blocks, so a protocol that reads a line and then a large block needs no limit
/// call of its own.
pub trait FrameHandler {
    /// A complete frame (a byte-string terminator's bytes excluded). Set the next
    /// terminator and limit, push replies, close through `ctx`.
    fn handle_frame(&mut self, frame: &[u8], ctx: &mut Context<'_>);

    /// As [`Handler::frame_too_long`]: a line past the frame limit, or a count above
    /// the count limit refused as it was set. The default closes the connection.
    fn frame_too_long(&mut self, too_long: FrameTooLong, ctx: &mut Context<'_>) {
        let _ = too_long;
        ctx.close_when_done();
    }

    /// As [`Handler::frame_discarded`]: the end of an oversized frame. The default
    /// does nothing.
    fn frame_discarded(&mut self, frame_len: u64, kind: FrameKind, ctx: &mut Context<'_>) {
        let _ = (frame_len, kind, ctx);
    }

    /// As [`Handler::frame_malformed`]. The default closes the connection.
    fn frame_malformed(&mut self, malformed: Malformed, ctx: &mut Context<'_>) {
        let _ = malformed;
        ctx.close_when_done();
    }

    /// As [`Handler::handle_connect`].
    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        let _ = ctx;
    }

    /// As [`Handler::handle_eof`]; the data of a truncated frame is dropped.
    fn handle_eof(&mut self, end: Result<(), Truncated>, ctx: &mut Context<'_>) {
        let _ = (end, ctx);
    }
}

/// A [`Handler`] that gathers frames for a [`FrameHandler`].
#[derive(Debug, Default)]
pub struct Frames<H> {
    handler: H,
    /// The current frame's data, when it came in more than one piece.
    frame: Vec<u8>,
    /// The current frame was handed out whole from `collect_incoming_data`.
    handed_out: bool,
}

impl<H> Frames<H> {
    /// Wraps `handler`.
    pub fn new(handler: H) -> Self {
        Frames {
            handler,
            frame: Vec::new(),
            handed_out: false,
        }
    }

    /// The frame handler.
    pub fn get_ref(&self) -> &H {
        &self.handler
    }

    /// The frame handler, mutably.
    pub fn get_mut(&mut self) -> &mut H {
        &mut self.handler
    }

    /// The frame handler.
    pub fn into_inner(self) -> H {
        self.handler
    }
}

impl<H: FrameHandler> Handler for Frames<H> {
    fn collect_incoming_data(&mut self, data: &[u8], ctx: &mut Context<'_>) {
        if self.frame.is_empty() && ctx.ends_frame() {
            self.handed_out = true;
            self.handler.handle_frame(data, ctx);
        } else {
            self.frame.extend_from_slice(data);
        }
    }

    fn found_terminator(&mut self, ctx: &mut Context<'_>) {
        if core::mem::take(&mut self.handed_out) {
            return;
        }
        let mut frame = core::mem::take(&mut self.frame);
        self.handler.handle_frame(&frame, ctx);
        // Keep the allocation for the next split frame, unless a large block grew
        // it: an idle connection should not hold on to its largest message.
        if frame.capacity() <= DEFAULT_READ_BUFFER_LEN {
            frame.clear();
            self.frame = frame;
        }
    }

    fn frame_too_long(&mut self, too_long: FrameTooLong, ctx: &mut Context<'_>) {
        self.frame.clear();
        self.handler.frame_too_long(too_long, ctx);
    }

    fn frame_discarded(&mut self, frame_len: u64, kind: FrameKind, ctx: &mut Context<'_>) {
        self.handler.frame_discarded(frame_len, kind, ctx);
    }

    fn frame_malformed(&mut self, malformed: Malformed, ctx: &mut Context<'_>) {
        self.frame.clear();
        self.handler.frame_malformed(malformed, ctx);
    }

    fn handle_connect(&mut self, ctx: &mut Context<'_>) {
        ctx.set_max_count(Some(DEFAULT_MAX_COUNT));
        self.handler.handle_connect(ctx);
    }

    fn handle_eof(&mut self, end: Result<(), Truncated>, ctx: &mut Context<'_>) {
        self.frame.clear();
        self.handler.handle_eof(end, ctx);
    }
}
