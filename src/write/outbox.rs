//! The write side: a FIFO of buffers and producers that hands out chunks to write.

#[cfg(feature = "alloc")]
use alloc::{boxed::Box, string::String, vec::Vec};

use crate::read::length_prefix::LengthPrefix;
use crate::write::error::{AdvanceError, PushError, PushFrameError};
use crate::write::inline_bytes::InlineBytes;
use crate::write::producer::{Produced, Producer};
use crate::write::storage::sealed::Queue;
use crate::write::storage::{Fixed, Storage};

/// asynchat's `ac_out_buffer_size`: the default largest chunk handed out at once.
pub const DEFAULT_MAX_CHUNK_LEN: usize = 65536;

/// How many queued buffers one vectored write takes at most, to begin with: the
/// `IOV_MAX` of Linux and macOS.
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub const DEFAULT_MAX_WRITE_SLICES: usize = 1024;

/// Bytes pushed to an [`Outbox`]: borrowed, or (with `alloc`) owned. Never copied.
///
/// `From` conversions exist for everything that becomes one for free, so
/// [`Outbox::push`] takes `&[u8]`, `&str`, `&[u8; N]` and, with `alloc`,
/// `Vec<u8>`, `Box<[u8]>` and `String` directly.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outgoing<'a> {
    /// Bytes the caller keeps alive for the outbox's lifetime `'a`.
    Borrowed(&'a [u8]),
    /// An owned vector.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    Vec(Vec<u8>),
    /// An owned boxed slice.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    Boxed(Box<[u8]>),
    /// Shared bytes, such as a frame split off a tokio read buffer: pushed without a
    /// copy.
    #[cfg(feature = "bytes")]
    #[cfg_attr(docsrs, doc(cfg(feature = "bytes")))]
    Bytes(bytes::Bytes),
}

impl Outgoing<'_> {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Outgoing::Borrowed(bytes) => bytes,
            #[cfg(feature = "alloc")]
            Outgoing::Vec(bytes) => bytes,
            #[cfg(feature = "alloc")]
            Outgoing::Boxed(bytes) => bytes,
            #[cfg(feature = "bytes")]
            Outgoing::Bytes(bytes) => bytes,
        }
    }
}

impl<'a> From<&'a [u8]> for Outgoing<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        Outgoing::Borrowed(bytes)
    }
}

impl<'a, const N: usize> From<&'a [u8; N]> for Outgoing<'a> {
    fn from(bytes: &'a [u8; N]) -> Self {
        Outgoing::Borrowed(bytes)
    }
}

impl<'a> From<&'a str> for Outgoing<'a> {
    fn from(text: &'a str) -> Self {
        Outgoing::Borrowed(text.as_bytes())
    }
}

#[cfg(feature = "alloc")]
impl From<Vec<u8>> for Outgoing<'_> {
    fn from(bytes: Vec<u8>) -> Self {
        Outgoing::Vec(bytes)
    }
}

#[cfg(feature = "alloc")]
impl From<Box<[u8]>> for Outgoing<'_> {
    fn from(bytes: Box<[u8]>) -> Self {
        Outgoing::Boxed(bytes)
    }
}

#[cfg(feature = "bytes")]
impl From<bytes::Bytes> for Outgoing<'_> {
    fn from(bytes: bytes::Bytes) -> Self {
        Outgoing::Bytes(bytes)
    }
}

/// Frozen, without a copy.
#[cfg(feature = "bytes")]
impl From<bytes::BytesMut> for Outgoing<'_> {
    fn from(bytes: bytes::BytesMut) -> Self {
        Outgoing::Bytes(bytes.freeze())
    }
}

#[cfg(feature = "alloc")]
impl From<String> for Outgoing<'_> {
    fn from(text: String) -> Self {
        Outgoing::Vec(text.into_bytes())
    }
}

/// One queued item and how much of it was written.
struct Entry<'a> {
    item: Item<'a>,
    written: usize,
}

enum Item<'a> {
    Bytes(Outgoing<'a>),
    /// A length header or trailer the outbox wrote itself.
    Inline(InlineBytes),
    Producer(QueuedProducer<'a>),
}

/// A producer in the queue: the caller's, or boxed. One variant of [`Item`], so
/// that telling bytes from producers stays one test.
enum QueuedProducer<'a> {
    Borrowed(&'a mut (dyn Producer + Send)),
    #[cfg(feature = "alloc")]
    Boxed(Box<dyn Producer + Send + 'a>),
}

impl<'a> QueuedProducer<'a> {
    fn get(&mut self) -> &mut (dyn Producer + Send + 'a) {
        match self {
            QueuedProducer::Borrowed(producer) => *producer,
            #[cfg(feature = "alloc")]
            QueuedProducer::Boxed(producer) => producer.as_mut(),
        }
    }
}

/// What the [`Outbox`] wants done next.
///
/// `T` is what there is to write: the bytes, from [`Outbox::chunk`], or how many
/// slices were filled, from `Outbox::chunks_vectored` (`std`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use = "a chunk must be written and passed to `advance`"]
pub enum Next<T> {
    /// Write these bytes (never empty, at most the maximum chunk length; from
    /// `chunks_vectored`, the number of slices it filled with them), then call
    /// [`Outbox::advance`] with how many bytes were written.
    Write(T),
    /// Nothing to write now: the queue is empty, or the producer at its head has
    /// nothing yet. Push more, or ask again when the producer is ready.
    Idle,
    /// Everything queued before [`Outbox::close_when_done`] is written: close the
    /// connection.
    Close,
}

/// Where a drain of an outbox into a writer stopped: the `write_outbox` of every
/// I/O world (`io`, `tokio`, `embedded_io`, `embedded_io_async`) returns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Drained {
    /// Nothing to write now ([`Next::Idle`]): push more, or wait for a producer.
    Idle,
    /// The writer would block: wait for writability. Only a non-blocking
    /// `std::io::Write` says so; the async and `embedded-io` drains wait instead.
    WouldBlock,
    /// Everything before [`Outbox::close_when_done`] is written: close the
    /// connection ([`Next::Close`]).
    Close,
}

/// A FIFO of outgoing buffers and producers (asynchat's `push`,
/// `push_with_producer` and `close_when_done`), without the socket.
///
/// `S` is where the queue lives: [`Fixed<C>`] for at most `C` items and no
/// allocation, or `Growable` with `alloc`. See the aliases
/// [`FixedOutbox`] and `VecOutbox`.
///
/// # Run loop
///
/// 1. [`push`](Self::push) buffers and
///    [`push_producer_ref`](Self::push_producer_ref) producers (with `alloc`, also
///    `push_producer` for owned ones); call [`close_when_done`](Self::close_when_done) after the last one if the
///    connection should close.
/// 2. When the socket is writable, call [`chunk`](Self::chunk) (or, with `std`,
///    `chunks_vectored`), write what you can, and report it
///    with [`advance`](Self::advance) (0 for "would block" is fine).
/// 3. Repeat until [`Next::Idle`] (nothing to write now) or [`Next::Close`].
///
/// # Example
///
/// ```
/// use asynchat::{FixedOutbox, Next, SimpleProducer};
///
/// let mut message = SimpleProducer::new(&b"hello, world"[..], 5);
/// let mut outbox = FixedOutbox::<4>::new();
/// outbox.push(b"ECHO 12\n").unwrap();
/// outbox.push_producer_ref(&mut message).unwrap();
/// outbox.close_when_done();
/// assert!(outbox.push(b"late").is_err()); // refused, and handed back
///
/// let mut wire = Vec::new();
/// loop {
///     match outbox.chunk() {
///         Next::Write(chunk) => {
///             // A socket that takes at most 3 bytes per write.
///             let written = chunk.len().min(3);
///             wire.extend_from_slice(&chunk[..written]);
///             outbox.advance(written).unwrap();
///         }
///         Next::Idle => unreachable!("everything is queued already"),
///         Next::Close => break,
///     }
/// }
/// assert_eq!(wire, b"ECHO 12\nhello, world");
/// ```
pub struct Outbox<'a, S: Storage> {
    queue: S::Queue<Entry<'a>>,
    queued_bytes: usize,
    producers: usize,
    max_chunk_len: usize,
    low_watermark: usize,
    high_watermark: usize,
    reading_paused: bool,
    closing: bool,
    /// Bytes handed out by the last `chunk`/`chunks_vectored` and not yet advanced.
    offered: usize,
    /// Finished producers at the head of the queue, not yet popped.
    retired: usize,
    /// The most slices one vectored write takes.
    #[cfg(feature = "std")]
    max_write_slices: usize,
}

/// An [`Outbox`] with room for `C` items and no allocation.
pub type FixedOutbox<'a, const C: usize> = Outbox<'a, Fixed<C>>;

/// An [`Outbox`] whose queue grows as needed.
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
pub type VecOutbox<'a> = Outbox<'a, crate::write::storage::Growable>;

/// The watermarks an outbox starts with, low and high: reading pauses above 64 KiB
/// of replies queued and resumes at 16 KiB.
pub(crate) const DEFAULT_WATERMARKS: (usize, usize) = (16 * 1024, 64 * 1024);

impl<'a, S: Storage> Outbox<'a, S> {
    /// An empty outbox: chunks of up to [`DEFAULT_MAX_CHUNK_LEN`] bytes, watermarks
    /// at 16 KiB (low) and 64 KiB (high).
    pub fn new() -> Self {
        Outbox {
            queue: S::Queue::empty(),
            queued_bytes: 0,
            producers: 0,
            max_chunk_len: DEFAULT_MAX_CHUNK_LEN,
            low_watermark: DEFAULT_WATERMARKS.0,
            high_watermark: DEFAULT_WATERMARKS.1,
            reading_paused: false,
            closing: false,
            offered: 0,
            retired: 0,
            #[cfg(feature = "std")]
            max_write_slices: DEFAULT_MAX_WRITE_SLICES,
        }
    }

    /// Sets how many queued buffers one vectored write may take (the drains of the
    /// `io`, `channel` and `tokio` modules); at least 1, [`DEFAULT_MAX_WRITE_SLICES`]
    /// to begin with. A system takes a limited number per call (1024 on Linux and
    /// macOS); more are written by the next call.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn set_max_write_slices(&mut self, slices: usize) {
        self.max_write_slices = slices.max(1);
    }

    /// The slice count set with [`set_max_write_slices`](Self::set_max_write_slices).
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn max_write_slices(&self) -> usize {
        self.max_write_slices
    }

    /// Sets the largest chunk handed out at once (asynchat's `ac_out_buffer_size`);
    /// 0 counts as 1. Buffers are never split up front: a large one is handed out in
    /// pieces as it is written.
    pub fn set_max_chunk_len(&mut self, max_chunk_len: usize) {
        self.max_chunk_len = max_chunk_len.max(1);
    }

    /// Sets the watermarks of [`should_pause_reading`](Self::should_pause_reading).
    /// A `low` above `high` is lowered to `high`.
    pub fn set_watermarks(&mut self, low: usize, high: usize) {
        self.high_watermark = high;
        self.low_watermark = low.min(high);
        self.update_backpressure();
    }

    /// Queues bytes, without copying them (asynchat's `push`). Empty buffers are
    /// accepted and dropped.
    ///
    /// # Errors
    ///
    /// [`PushError::Closed`] after [`close_when_done`](Self::close_when_done), and
    /// [`PushError::Full`] when a [`Fixed`] queue is full; both give the buffer back.
    #[inline]
    pub fn push(&mut self, buf: impl Into<Outgoing<'a>>) -> Result<(), PushError<Outgoing<'a>>> {
        let buf = buf.into();
        if let Err(error) = self.admit() {
            return Err(error.with(buf));
        }
        let len = buf.as_bytes().len();
        if len > 0 {
            self.enqueue(Item::Bytes(buf));
            self.queued_bytes += len;
            self.update_backpressure();
        }
        Ok(())
    }

    /// Queues a length-prefixed frame: the header `prefix` writes for the body's
    /// length, the body (not copied), and the prefix's trailer, if any (a netstring's
    /// `,`). What a [`Framer`](crate::Framer) with
    /// [`Terminator::LengthPrefixed(prefix)`](crate::Terminator::LengthPrefixed) reads
    /// back as one frame.
    ///
    /// ```
    /// use asynchat::{ByteOrder, FixedOutbox, LengthPrefix, Next};
    ///
    /// // A netstring takes three items: its header, its body and its comma.
    /// let mut outbox = FixedOutbox::<5>::new();
    /// outbox.push_length_prefixed(&LengthPrefix::fixed(2, ByteOrder::BigEndian), b"hi").unwrap();
    /// outbox.push_length_prefixed(&LengthPrefix::netstring(), b"hi").unwrap();
    /// let mut written = Vec::new();
    /// while let Next::Write(chunk) = outbox.chunk() {
    ///     written.extend_from_slice(chunk);
    ///     let len = chunk.len();
    ///     outbox.advance(len).unwrap();
    /// }
    /// assert_eq!(written, b"\x00\x02hi2:hi,");
    /// ```
    ///
    /// # Errors
    ///
    /// [`PushFrameError::Length`] if the header cannot say the body's length
    /// ([`EncodeError`](crate::EncodeError)); otherwise as [`push`](Self::push), when the queue has no
    /// room for all of the frame's items. Nothing is queued then, and the body is
    /// given back.
    pub fn push_length_prefixed(
        &mut self,
        prefix: &LengthPrefix,
        body: impl Into<Outgoing<'a>>,
    ) -> Result<(), PushFrameError<Outgoing<'a>>> {
        let body = body.into();
        let header = match prefix.encode_header(body.as_bytes().len() as u64) {
            Ok(header) => header,
            Err(error) => return Err(PushFrameError::Length(error, body)),
        };
        let trailer = prefix.trailer_bytes();
        let items = 2 + usize::from(!trailer.is_empty());
        if let Err(error) = self.admit() {
            return Err(PushFrameError::Push(error.with(body)));
        }
        if self.queue.room() < items {
            return Err(PushFrameError::Push(PushError::Full(body)));
        }
        let trailer = InlineBytes::new(trailer).expect("a trailer fits inline bytes");
        let body_len = body.as_bytes().len();
        for (item, len) in [
            (Item::Inline(header), header.len()),
            (Item::Bytes(body), body_len),
            (Item::Inline(trailer), trailer.len()),
        ] {
            if len > 0 {
                self.enqueue(item);
                self.queued_bytes += len;
            }
        }
        self.update_backpressure();
        Ok(())
    }

    /// Queues a producer that the caller owns and keeps alive (asynchat's
    /// `push_with_producer`). It is polled only once it reaches the head of the queue.
    ///
    /// # Errors
    ///
    /// As [`push`](Self::push), giving the producer back.
    pub fn push_producer_ref(
        &mut self,
        producer: &'a mut (dyn Producer + Send),
    ) -> Result<(), PushError<&'a mut (dyn Producer + Send)>> {
        if let Err(error) = self.admit() {
            return Err(error.with(producer));
        }
        self.enqueue(Item::Producer(QueuedProducer::Borrowed(producer)));
        self.producers += 1;
        Ok(())
    }

    /// Queues a producer, boxed (one allocation per producer, none per chunk).
    ///
    /// # Errors
    ///
    /// As [`push`](Self::push), giving the producer back.
    #[cfg(feature = "alloc")]
    #[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
    pub fn push_producer<P: Producer + Send + 'a>(
        &mut self,
        producer: P,
    ) -> Result<(), PushError<P>> {
        if let Err(error) = self.admit() {
            return Err(error.with(producer));
        }
        self.enqueue(Item::Producer(QueuedProducer::Boxed(Box::new(producer))));
        self.producers += 1;
        Ok(())
    }

    /// Whether a push may go in now. Finished producers still in a full queue make
    /// room first.
    #[inline]
    fn admit(&mut self) -> Result<(), PushError<()>> {
        if self.closing {
            return Err(PushError::Closed(()));
        }
        if self.queue.is_full() {
            self.pop_retired();
            if self.queue.is_full() {
                return Err(PushError::Full(()));
            }
        }
        Ok(())
    }

    /// Queues an item that [`admit`](Self::admit) made room for.
    #[inline]
    fn enqueue(&mut self, item: Item<'a>) {
        let pushed = self.queue.push(Entry { item, written: 0 });
        debug_assert!(pushed.is_ok(), "admit checked for room");
    }

    /// After everything queued so far is written, [`chunk`](Self::chunk) says
    /// [`Next::Close`]; from now on, pushes are refused (asynchat drops them).
    pub fn close_when_done(&mut self) {
        self.closing = true;
    }

    /// Drops everything queued (asynchat's `discard_buffers`, write half) and
    /// cancels a pending close, returning whether one was pending.
    pub fn clear(&mut self) -> bool {
        self.queue.clear();
        self.retired = 0;
        self.queued_bytes = 0;
        self.producers = 0;
        self.offered = 0;
        self.update_backpressure();
        core::mem::replace(&mut self.closing, false)
    }

    /// Pops the producers found finished by the last `chunk` or `chunks_vectored`:
    /// those calls cannot pop them while they lend out the next item's bytes.
    #[inline]
    fn pop_retired(&mut self) {
        if self.retired > 0 {
            self.pop_retired_now();
        }
    }

    fn pop_retired_now(&mut self) {
        for _ in 0..core::mem::take(&mut self.retired) {
            self.queue.pop();
            self.producers -= 1;
        }
    }

    /// What to say when no item has bytes to write now: the one place that decides
    /// to close, once everything before [`close_when_done`](Self::close_when_done)
    /// is written.
    ///
    /// Takes the fields, not `self`, as the walk that calls it still lends out the
    /// queue; `queued_items` is the queue's length from before the walk.
    fn nothing_to_write<T>(closing: bool, queued_items: usize, retired: usize) -> Next<T> {
        if closing && queued_items == retired {
            Next::Close
        } else {
            Next::Idle
        }
    }

    /// The next thing to do: write a chunk, wait, or close.
    ///
    /// Polls the producer at the head of the queue once (and, if it is done, the one
    /// after it, and so on). Calling it again before [`advance`](Self::advance)
    /// returns the same bytes.
    pub fn chunk(&mut self) -> Next<&[u8]> {
        self.pop_retired();
        self.offered = 0;
        let max = self.max_chunk_len;
        // The common case, a buffer at the head, without the walk. (Asked first and
        // then taken: a conditional return of the borrow would hold the queue for
        // the rest of the function.)
        let head_is_bytes = self
            .queue
            .front_mut()
            .is_some_and(|entry| matches!(entry.item, Item::Bytes(_)));
        if head_is_bytes {
            return match self.queue.front_mut() {
                Some(Entry {
                    item: Item::Bytes(bytes),
                    written,
                }) => {
                    let bytes = &bytes.as_bytes()[*written..];
                    let bytes = &bytes[..bytes.len().min(max)];
                    self.offered = bytes.len();
                    Next::Write(bytes)
                }
                // Just seen to be bytes.
                _ => Next::Idle,
            };
        }
        let queued_items = self.queue.len();
        for entry in self.queue.items_mut() {
            let bytes = match entry.bytes() {
                Pending::Bytes(bytes) => bytes,
                Pending::NotYet => break,
                Pending::Done => {
                    self.retired += 1;
                    continue;
                }
            };
            let bytes = &bytes[..bytes.len().min(max)];
            self.offered = bytes.len();
            return Next::Write(bytes);
        }
        Self::nothing_to_write(self.closing, queued_items, self.retired)
    }

    /// Fills `slices` with as many queued chunks as fit, for `write_vectored`, so
    /// many small pushes go out in one system call, and says how many it filled.
    /// Their total is at most the maximum chunk length. A producer contributes only
    /// when it is at the head, and nothing after it is included. Otherwise as
    /// [`chunk`](Self::chunk): [`Next::Idle`] or [`Next::Close`] when there is
    /// nothing to write now.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn chunks_vectored<'s>(&'s mut self, slices: &mut [std::io::IoSlice<'s>]) -> Next<usize> {
        self.pop_retired();
        self.offered = 0;
        let max = self.max_chunk_len;
        let queued_items = self.queue.len();
        let (mut filled, mut total) = (0, 0);
        for entry in self.queue.items_mut() {
            if filled == slices.len() || total == max {
                break;
            }
            let is_producer = matches!(entry.item, Item::Producer(_));
            if is_producer && filled > 0 {
                break;
            }
            let bytes = match entry.bytes() {
                Pending::Bytes(bytes) => bytes,
                Pending::NotYet => break,
                Pending::Done => {
                    self.retired += 1;
                    continue;
                }
            };
            let bytes = &bytes[..bytes.len().min(max - total)];
            slices[filled] = std::io::IoSlice::new(bytes);
            filled += 1;
            total += bytes.len();
            if is_producer {
                break;
            }
        }
        self.offered = total;
        if filled > 0 {
            Next::Write(filled)
        } else {
            Self::nothing_to_write(self.closing, queued_items, self.retired)
        }
    }

    /// Reports that `written` bytes of what [`chunk`](Self::chunk) or
    /// `chunks_vectored` handed out were written; 0 (a write
    /// that would block) is fine. Several calls may split one chunk.
    ///
    /// # Errors
    ///
    /// [`AdvanceError`] if `written` is more than was handed out and not yet
    /// advanced; nothing changes then.
    pub fn advance(&mut self, written: usize) -> Result<(), AdvanceError> {
        if written > self.offered {
            return Err(AdvanceError {
                written,
                offered: self.offered,
            });
        }
        self.offered -= written;
        self.pop_retired();
        let mut left = written;
        while left > 0 {
            let Some(entry) = self.queue.front_mut() else {
                break;
            };
            let len = match &mut entry.item {
                Item::Bytes(buf) => buf.as_bytes().len(),
                Item::Inline(bytes) => bytes.len(),
                // A producer's chunk is always the last thing offered.
                Item::Producer(producer) => {
                    producer.get().advance(left);
                    break;
                }
            };
            let take = left.min(len - entry.written);
            entry.written += take;
            left -= take;
            self.queued_bytes -= take;
            if entry.written == len {
                self.queue.pop();
            }
        }
        self.update_backpressure();
        Ok(())
    }

    fn update_backpressure(&mut self) {
        if self.queued_bytes > self.high_watermark {
            self.reading_paused = true;
        } else if self.queued_bytes <= self.low_watermark {
            self.reading_paused = false;
        }
    }

    /// Backpressure with hysteresis: `true` from when the queued bytes go above the
    /// high watermark until they drop to the low one. While it is `true`, stop reading
    /// from the peer, so a peer that does not read its replies cannot make the queue
    /// grow without bound.
    pub fn should_pause_reading(&self) -> bool {
        self.reading_paused
    }

    /// Bytes queued in buffers and not yet written. Producers are not counted: what
    /// they will produce is unknown (see [`queued_producers`](Self::queued_producers)).
    pub fn queued_bytes(&self) -> usize {
        self.queued_bytes
    }

    /// Producers queued and not yet finished.
    pub fn queued_producers(&self) -> usize {
        self.producers - self.retired
    }

    /// Items queued and not yet finished (buffers and producers).
    pub fn queued_items(&self) -> usize {
        self.queue.len() - self.retired
    }

    /// Whether everything pushed has been written (the outbox has drained).
    pub fn is_empty(&self) -> bool {
        self.queued_items() == 0
    }

    /// Whether there is something to do when the socket is writable: data queued, or
    /// a close pending (asynchat's `writable`).
    pub fn wants_write(&self) -> bool {
        !self.is_empty() || self.closing
    }

    /// Whether [`close_when_done`](Self::close_when_done) was called (and not
    /// cancelled by [`clear`](Self::clear)).
    pub fn is_closing(&self) -> bool {
        self.closing
    }
}

/// What an entry has to write now.
enum Pending<'e> {
    /// These bytes, never empty.
    Bytes(&'e [u8]),
    /// A producer with nothing yet.
    NotYet,
    /// A finished producer.
    Done,
}

impl Entry<'_> {
    /// The entry's unwritten bytes; polls a producer once.
    #[inline(always)]
    fn bytes(&mut self) -> Pending<'_> {
        let produced = match &mut self.item {
            Item::Bytes(bytes) => return Pending::Bytes(&bytes.as_bytes()[self.written..]),
            Item::Inline(bytes) => return Pending::Bytes(&bytes[self.written..]),
            Item::Producer(producer) => producer.get().chunk(),
        };
        match produced {
            Produced::Chunk([]) | Produced::NotYet => Pending::NotYet,
            Produced::Chunk(bytes) => Pending::Bytes(bytes),
            Produced::Done => Pending::Done,
        }
    }
}

impl<S: Storage> Default for Outbox<'_, S> {
    fn default() -> Self {
        Self::new()
    }
}

impl<S: Storage> core::fmt::Debug for Outbox<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Outbox")
            .field("queued_items", &self.queued_items())
            .field("queued_bytes", &self.queued_bytes)
            .field("queued_producers", &self.queued_producers())
            .field("closing", &self.closing)
            .finish_non_exhaustive()
    }
}
