#![allow(dead_code)]
pub mod framer_model;
pub mod rng;
