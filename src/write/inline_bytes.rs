//! A few bytes stored inline: what a length header needs, without a borrow or an
//! allocation.

use core::fmt;
use core::ops::Deref;

/// The most bytes an [`InlineBytes`] holds: enough for any header
/// [`LengthPrefix::encode_header`](crate::LengthPrefix::encode_header) writes, and
/// any trailer.
pub const INLINE_CAPACITY: usize = 22;

/// Up to [`INLINE_CAPACITY`] bytes, stored inline: a length header from
/// [`LengthPrefix::encode_header`](crate::LengthPrefix::encode_header), which
/// [`Outbox::push_length_prefixed`](crate::Outbox::push_length_prefixed) queues
/// without an allocation. It dereferences to its bytes.
#[derive(Clone, Copy)]
pub struct InlineBytes {
    bytes: [u8; INLINE_CAPACITY],
    len: u8,
}

impl InlineBytes {
    /// A copy of `bytes`, or `None` if they are more than [`INLINE_CAPACITY`].
    pub fn new(bytes: &[u8]) -> Option<Self> {
        let mut inline = InlineBytes {
            bytes: [0; INLINE_CAPACITY],
            len: 0,
        };
        inline.bytes.get_mut(..bytes.len())?.copy_from_slice(bytes);
        inline.len = bytes.len() as u8;
        Some(inline)
    }
}

impl Deref for InlineBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

impl PartialEq for InlineBytes {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for InlineBytes {}

impl fmt::Debug for InlineBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "b\"{}\"", self.escape_ascii())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_up_to_its_capacity() {
        assert_eq!(&*InlineBytes::new(b"12:").unwrap(), b"12:");
        assert_eq!(
            InlineBytes::new(&[7; INLINE_CAPACITY]).unwrap().len(),
            INLINE_CAPACITY
        );
        assert!(InlineBytes::new(&[7; INLINE_CAPACITY + 1]).is_none());
        assert_eq!(
            std::format!("{:?}", InlineBytes::new(b"a\n").unwrap()),
            r#"b"a\n""#
        );
        assert_eq!(InlineBytes::new(b"ab"), InlineBytes::new(b"ab"));
        assert_ne!(InlineBytes::new(b"ab"), InlineBytes::new(b"a"));
    }
}
