//! Lazy sources of outgoing bytes (asynchat's producers).

/// What a [`Producer`] has to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Produced<'a> {
    /// These bytes are next. An empty chunk is taken as [`Produced::NotYet`].
    Chunk(&'a [u8]),
    /// Nothing yet; ask again later (asynchat cannot say this: an empty `more()`
    /// ends its producer).
    NotYet,
    /// The producer is finished; the next item in the outbox follows.
    Done,
}

/// A lazy source of bytes, polled by the [`Outbox`](crate::Outbox) only when it is
/// at the head of the queue (asynchat's `more()`).
///
/// The contract mirrors `bytes::Buf` (`chunk` / `advance`): the outbox asks for
/// the current chunk, writes what it can, and reports how much was written. Nothing is
/// copied and nothing allocated per chunk.
pub trait Producer {
    /// The bytes to write next. Until [`advance`](Self::advance) is called, calling it
    /// again must return the same bytes (or more of them).
    fn chunk(&mut self) -> Produced<'_>;

    /// `written` bytes of the last [`Produced::Chunk`] were written; the outbox never
    /// passes more than that chunk's length, and may pass 0.
    fn advance(&mut self, written: usize);
}

impl<P: Producer + ?Sized> Producer for &mut P {
    fn chunk(&mut self) -> Produced<'_> {
        (**self).chunk()
    }

    fn advance(&mut self, written: usize) {
        (**self).advance(written);
    }
}

/// Hands out one buffer in pieces of at most `piece_len` bytes (asynchat's
/// `simple_producer`, whose default piece is 512 bytes).
///
/// # Example
///
/// ```
/// use asynchat::{Produced, Producer, SimpleProducer};
///
/// let mut producer = SimpleProducer::new(&b"hello"[..], 2);
/// assert_eq!(producer.chunk(), Produced::Chunk(b"he"));
/// producer.advance(1); // a short write
/// assert_eq!(producer.chunk(), Produced::Chunk(b"el"));
/// producer.advance(2);
/// producer.advance(0);
/// assert_eq!(producer.chunk(), Produced::Chunk(b"lo"));
/// producer.advance(2);
/// assert_eq!(producer.chunk(), Produced::Done);
/// ```
#[derive(Clone, Debug)]
pub struct SimpleProducer<B> {
    data: B,
    written: usize,
    piece_len: usize,
}

impl<B: AsRef<[u8]>> SimpleProducer<B> {
    /// A producer of `data`, in pieces of `piece_len` bytes (at least 1 is used).
    pub fn new(data: B, piece_len: usize) -> Self {
        SimpleProducer {
            data,
            written: 0,
            piece_len: piece_len.max(1),
        }
    }

    /// Bytes not yet written.
    pub fn remaining(&self) -> &[u8] {
        &self.data.as_ref()[self.written..]
    }
}

impl<B: AsRef<[u8]>> Producer for SimpleProducer<B> {
    fn chunk(&mut self) -> Produced<'_> {
        let piece_len = self.piece_len;
        match self.remaining() {
            [] => Produced::Done,
            rest => Produced::Chunk(&rest[..rest.len().min(piece_len)]),
        }
    }

    fn advance(&mut self, written: usize) {
        self.written = (self.written + written).min(self.data.as_ref().len());
    }
}

/// A producer over an iterator of chunks, each written whole before the next is
/// pulled. Empty chunks are skipped.
///
/// # Example
///
/// ```
/// use asynchat::{IterProducer, Produced, Producer};
///
/// let mut producer = IterProducer::new(["ab", "", "c"].into_iter());
/// assert_eq!(producer.chunk(), Produced::Chunk(b"ab"));
/// producer.advance(2);
/// assert_eq!(producer.chunk(), Produced::Chunk(b"c"));
/// producer.advance(1);
/// assert_eq!(producer.chunk(), Produced::Done);
/// ```
#[derive(Clone, Debug)]
pub struct IterProducer<I: Iterator> {
    chunks: I,
    current: Option<I::Item>,
    written: usize,
}

impl<I: Iterator> IterProducer<I>
where
    I::Item: AsRef<[u8]>,
{
    /// A producer of the iterator's chunks, in order.
    pub fn new(chunks: I) -> Self {
        IterProducer {
            chunks,
            current: None,
            written: 0,
        }
    }
}

impl<I: Iterator> Producer for IterProducer<I>
where
    I::Item: AsRef<[u8]>,
{
    fn chunk(&mut self) -> Produced<'_> {
        while self
            .current
            .as_ref()
            .is_none_or(|chunk| self.written >= chunk.as_ref().len())
        {
            self.written = 0;
            self.current = self.chunks.next();
            if self.current.is_none() {
                return Produced::Done;
            }
        }
        match &self.current {
            Some(chunk) => Produced::Chunk(&chunk.as_ref()[self.written..]),
            None => Produced::Done,
        }
    }

    fn advance(&mut self, written: usize) {
        self.written += written;
    }
}
