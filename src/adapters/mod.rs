//! The read and write sides over other crates' I/O traits and input types: tokio,
//! embedded-io, and `arbitrary` for fuzzing.

#[cfg(feature = "arbitrary")]
mod arbitrary;
#[cfg(any(feature = "embedded-io", feature = "embedded-io-async"))]
mod embedded_error;
#[cfg(feature = "embedded-io")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-io")))]
pub mod embedded_io;
#[cfg(feature = "embedded-io-async")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-io-async")))]
pub mod embedded_io_async;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod tokio;
