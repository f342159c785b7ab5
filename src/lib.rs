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

/// Declares modules that the no_std `daily-dialin/core` module compiles, with the rules of that
/// module as lints, so that `cargo clippy` finds a breach natively, before a wasm build or the size
/// budget (`scripts/size --check`) does. The code must not panic on any input: no indexing or
/// slicing that can fail, no `unwrap`, `expect`, `panic!`, `unreachable!`, `todo!` or
/// `unimplemented!` (use `get`, iterators, `split_at_checked`, `?`). And no `format!`: it brings
/// `core::fmt`; messages are written with `text::cat!` (clippy.toml lists `format!` as a
/// disallowed macro). Tests are exempt: clippy.toml allows the panicking forms in tests, and each
/// test module that slices strings or uses `format!` allows those.
macro_rules! no_std_core {
    ($($(#[$attr:meta])* $vis:vis mod $name:ident;)*) => {
        $(
            $(#[$attr])*
            #[deny(
                clippy::string_slice,
                clippy::indexing_slicing,
                clippy::unwrap_used,
                clippy::expect_used,
                clippy::panic,
                clippy::disallowed_macros,
                clippy::unreachable,
                clippy::todo,
                clippy::unimplemented
            )]
            $vis mod $name;
        )*
    };
}

no_std_core! {
    pub mod api_error;
    pub mod b64;
    // DailyDialinClient's decisions (errors, paging), over `retry`: the main module (`client`).
    #[cfg(any(feature = "client", feature = "music", not(target_arch = "wasm32")))]
    pub mod client;
    // The plan of the online hold-music check (`checkHoldMusic`), over `mp3`: the
    // `daily-dialin/hold-music` module only (feature `music`), like `mp3`.
    #[cfg(any(feature = "music", not(target_arch = "wasm32")))]
    pub mod hold_music;
    pub mod issue;
    // JSON text read in place, for the fast path of `validateCreate` / `validateUpdate`: in the
    // Node speed modules (feature `fast`) and native builds only.
    #[cfg(any(feature = "fast", not(target_arch = "wasm32")))]
    pub mod json;
    pub mod model;
    // Hold-music checks belong to their own module (`daily-dialin/hold-music`), not to
    // `daily-dialin/core`: compiled into core, the unused module still moved it by +4 B gzip.
    #[cfg(any(feature = "music", not(target_arch = "wasm32")))]
    pub mod mp3;
    pub mod phone;
    // Configs as code (plan of a desired-state file): the `daily-dialin/configs` module (feature
    // `plan`) and native builds only; neither `daily-dialin/core` nor the client's module.
    #[cfg(any(feature = "plan", not(target_arch = "wasm32")))]
    pub mod plan;
    pub mod redact;
    pub mod request;
    // The retry policy: the client's decisions (no_std in the main module), and the std modules'.
    #[cfg(any(feature = "client", feature = "std", not(target_arch = "wasm32")))]
    pub mod retry;
    pub mod text;
    pub mod ts;
    // The decisions of `upsert` and `changeType`: the `daily-dialin/configs` module (their I/O is
    // its pkg-template/upsert.js), not the main module, whose size budget they would strain.
    #[cfg(any(feature = "plan", not(target_arch = "wasm32")))]
    pub mod upsert;
    pub mod urls;
    pub mod validate;
}

// Modules that need std: never in `daily-dialin/core`.
#[cfg(any(feature = "std", not(target_arch = "wasm32")))]
pub mod webhook;

// The adapters: `wasm/mod.rs` declares the ones in `daily-dialin/core` with `no_std_core!` too.
#[cfg(target_arch = "wasm32")]
pub mod wasm;
