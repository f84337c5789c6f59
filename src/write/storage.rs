//! Where an [`Outbox`](crate::Outbox) keeps its queue: a fixed array, or a
//! growable `VecDeque`.

/// How an [`Outbox`](crate::Outbox) stores its queue. Implemented by [`Fixed`] and,
/// with `alloc`, `Growable`; sealed.
pub trait Storage: sealed::Sealed {
    /// The queue type, for items of type `T`.
    #[doc(hidden)]
    type Queue<T>: sealed::Queue<T>;
}

/// A queue of at most `C` items in the outbox itself (`heapless::Deque`): no
/// allocation, and a full queue refuses a push by giving the item back.
#[derive(Clone, Copy, Debug)]
pub struct Fixed<const C: usize>;

impl<const C: usize> sealed::Sealed for Fixed<C> {}

impl<const C: usize> Storage for Fixed<C> {
    type Queue<T> = heapless::Deque<T, C>;
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
    type Queue<T> = alloc::collections::VecDeque<T>;
}

pub(crate) mod sealed {
    pub trait Sealed {}

    /// The few deque operations the outbox needs.
    pub trait Queue<T> {
        fn empty() -> Self;
        fn push(&mut self, item: T) -> Result<(), T>;
        fn is_full(&self) -> bool;
        /// How many more items fit.
        fn room(&self) -> usize;
        fn front_mut(&mut self) -> Option<&mut T>;
        fn pop(&mut self) -> Option<T>;
        fn len(&self) -> usize;
        fn clear(&mut self);
        fn items_mut<'s>(&'s mut self) -> impl Iterator<Item = &'s mut T>
        where
            T: 's;
    }

    impl<T, const C: usize> Queue<T> for heapless::Deque<T, C> {
        fn empty() -> Self {
            heapless::Deque::new()
        }
        fn push(&mut self, item: T) -> Result<(), T> {
            self.push_back(item)
        }
        fn is_full(&self) -> bool {
            heapless::Deque::is_full(self)
        }
        fn room(&self) -> usize {
            C - heapless::Deque::len(self)
        }
        fn front_mut(&mut self) -> Option<&mut T> {
            heapless::Deque::front_mut(self)
        }
        fn pop(&mut self) -> Option<T> {
            self.pop_front()
        }
        fn len(&self) -> usize {
            heapless::Deque::len(self)
        }
        fn clear(&mut self) {
            heapless::Deque::clear(self);
        }
        fn items_mut<'s>(&'s mut self) -> impl Iterator<Item = &'s mut T>
        where
            T: 's,
        {
            self.iter_mut()
        }
    }

    #[cfg(feature = "alloc")]
    impl<T> Queue<T> for alloc::collections::VecDeque<T> {
        fn empty() -> Self {
            alloc::collections::VecDeque::new()
        }
        fn push(&mut self, item: T) -> Result<(), T> {
            self.push_back(item);
            Ok(())
        }
        fn is_full(&self) -> bool {
            false
        }
        fn room(&self) -> usize {
            usize::MAX
        }
        fn front_mut(&mut self) -> Option<&mut T> {
            alloc::collections::VecDeque::front_mut(self)
        }
        fn pop(&mut self) -> Option<T> {
            self.pop_front()
        }
        fn len(&self) -> usize {
            alloc::collections::VecDeque::len(self)
        }
        fn clear(&mut self) {
            alloc::collections::VecDeque::clear(self);
        }
        fn items_mut<'s>(&'s mut self) -> impl Iterator<Item = &'s mut T>
        where
            T: 's,
        {
            self.iter_mut()
        }
    }
}
