//! Where an [`Outbox`](crate::Outbox) keeps its queue: a fixed array, or a
//! growable `VecDeque`.

use crate::outbox::Entry;

/// How an [`Outbox`](crate::Outbox) stores its queue. Implemented by [`Fixed`] and,
/// with `alloc`, `Growable`; sealed.
pub trait Storage: sealed::Sealed {
    /// The queue type.
    #[doc(hidden)]
    type Queue<'a>: sealed::Queue<'a>;
}

/// A queue of at most `C` items in the outbox itself (`heapless::Deque`): no
/// allocation, and a full queue refuses a push by giving the item back.
#[derive(Clone, Copy, Debug)]
pub struct Fixed<const C: usize>;

impl<const C: usize> sealed::Sealed for Fixed<C> {}

impl<const C: usize> Storage for Fixed<C> {
    type Queue<'a> = heapless::Deque<Entry<'a>, C>;
}

/// A queue that grows as needed (`alloc::collections::VecDeque`).
#[cfg(feature = "alloc")]
#[cfg_attr(docsrs, doc(cfg(feature = "alloc")))]
#[derive(Clone, Copy, Debug)]
pub struct Growable;

#[cfg(feature = "alloc")]
impl sealed::Sealed for Growable {}

#[cfg(feature = "alloc")]
impl Storage for Growable {
    type Queue<'a> = alloc::collections::VecDeque<Entry<'a>>;
}

pub(crate) mod sealed {
    use crate::outbox::Entry;

    pub trait Sealed {}

    /// The few deque operations the outbox needs.
    pub trait Queue<'a> {
        fn empty() -> Self;
        fn push(&mut self, entry: Entry<'a>) -> Result<(), Entry<'a>>;
        fn is_full(&self) -> bool;
        fn front_mut(&mut self) -> Option<&mut Entry<'a>>;
        fn pop(&mut self) -> Option<Entry<'a>>;
        fn len(&self) -> usize;
        fn clear(&mut self);
        fn entries_mut<'s>(&'s mut self) -> impl Iterator<Item = &'s mut Entry<'a>>
        where
            'a: 's;
    }

    impl<'a, const C: usize> Queue<'a> for heapless::Deque<Entry<'a>, C> {
        fn empty() -> Self {
            heapless::Deque::new()
        }
        fn push(&mut self, entry: Entry<'a>) -> Result<(), Entry<'a>> {
            self.push_back(entry)
        }
        fn is_full(&self) -> bool {
            heapless::Deque::is_full(self)
        }
        fn front_mut(&mut self) -> Option<&mut Entry<'a>> {
            heapless::Deque::front_mut(self)
        }
        fn pop(&mut self) -> Option<Entry<'a>> {
            self.pop_front()
        }
        fn len(&self) -> usize {
            heapless::Deque::len(self)
        }
        fn clear(&mut self) {
            heapless::Deque::clear(self);
        }
        fn entries_mut<'s>(&'s mut self) -> impl Iterator<Item = &'s mut Entry<'a>>
        where
            'a: 's,
        {
            self.iter_mut()
        }
    }

    #[cfg(feature = "alloc")]
    impl<'a> Queue<'a> for alloc::collections::VecDeque<Entry<'a>> {
        fn empty() -> Self {
            alloc::collections::VecDeque::new()
        }
        fn push(&mut self, entry: Entry<'a>) -> Result<(), Entry<'a>> {
            self.push_back(entry);
            Ok(())
        }
        fn is_full(&self) -> bool {
            false
        }
        fn front_mut(&mut self) -> Option<&mut Entry<'a>> {
            alloc::collections::VecDeque::front_mut(self)
        }
        fn pop(&mut self) -> Option<Entry<'a>> {
            self.pop_front()
        }
        fn len(&self) -> usize {
            alloc::collections::VecDeque::len(self)
        }
        fn clear(&mut self) {
            alloc::collections::VecDeque::clear(self);
        }
        fn entries_mut<'s>(&'s mut self) -> impl Iterator<Item = &'s mut Entry<'a>>
        where
            'a: 's,
        {
            self.iter_mut()
        }
    }
}
