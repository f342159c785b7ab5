//! daily-dialin: validate, build, send and emulate Daily `/v1/domain-dialin-config` requests,
//! and verify the pinless dial-in webhook.
//!
//! The pure core (everything except `wasm`) has no I/O and is tested natively with `cargo test`.

pub mod emulator;

// The allocator of the wasm modules (single-threaded: no atomics): talc instead of Rust's default
// dlmalloc, 2.7 KB gzip smaller per module (measured on daily-dialin/core).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

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
