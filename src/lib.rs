//! daily-dialin: validate, build, send and emulate Daily `/v1/domain-dialin-config` requests,
//! and verify the pinless dial-in webhook.
//!
//! The pure core (everything except `wasm`) has no I/O and is tested natively with `cargo test`.
//!
//! The `daily-dialin/core` module (feature `core` alone) is built `no_std` for wasm32: with std,
//! every module carries std's panic machinery, which formats panic messages (Debug impls, source
//! paths, Unicode tables) even though the release profile aborts on panic. Without it a panic is
//! a plain trap, as it is in the std modules after the message is formatted. Natively, and in
//! every other module, the crate has std.
#![cfg_attr(all(target_arch = "wasm32", not(feature = "std")), no_std)]

extern crate alloc;

/// What std's prelude gives and a `no_std` build must import: `use crate::prelude::*;`. Not
/// `format!`, on purpose: code that the no_std core module compiles writes messages with
/// `text::cat!` (no core::fmt), and a `format!` there does not compile.
#[allow(unused_imports)]
mod prelude {
    pub use alloc::borrow::ToOwned;
    pub use alloc::boxed::Box;
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
}

/// A panic in the `no_std` module: trap, as the std modules do once they have formatted the message.
#[cfg(all(target_arch = "wasm32", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

// The allocator of the wasm modules (single-threaded: no atomics): talc instead of Rust's default
// dlmalloc, 2.7 KB gzip smaller per module (measured on daily-dialin/core).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub mod api_error;
pub mod b64;
pub mod issue;
pub mod model;
pub mod phone;
pub mod redact;
pub mod request;
#[cfg(any(feature = "std", not(target_arch = "wasm32")))]
pub mod retry;
pub mod text;
pub mod ts;
pub mod urls;
pub mod validate;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(any(feature = "std", not(target_arch = "wasm32")))]
pub mod webhook;
