//! daily-dialin: validate, build, send and emulate Daily `/v1/domain-dialin-config` requests,
//! and verify the pinless dial-in webhook.
//!
//! The pure core (everything except `wasm`) has no I/O and is tested natively with `cargo test`.

pub mod emulator;
pub mod issue;
pub mod model;
pub mod phone;
pub mod request;
pub mod retry;
pub mod urls;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod webhook;
