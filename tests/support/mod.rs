#![allow(dead_code)]
#[cfg(feature = "std")]
pub mod example_server;
pub mod framer_model;
pub mod frames_model;
#[cfg(feature = "std")]
pub mod glue_model;
pub mod outbox_model;
#[cfg(feature = "std")]
pub mod peers;
pub mod rng;
#[cfg(feature = "std")]
pub mod sockets;
