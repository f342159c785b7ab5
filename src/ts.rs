//! What tsify's `#[derive(Tsify)]` (the `tsify-macros` crate) refers to as `tsify::...`: the
//! `Tsify` trait and its `SerializationConfig`, as tsify 0.5.8 declares them, and tsify 0.5.8's
//! `Ts<T>` wrapper for export signatures. Modules with derives import this module as `tsify`.
//!
//! The derive writes each type's TypeScript declaration into the module's `.d.ts` and declares a
//! JS type of the same name (`Tsify::JsType`). `Ts<T>` is that JS type in a `#[wasm_bindgen]`
//! signature: the export's `.d.ts` then names `T`'s TypeScript type, checked by the compiler,
//! rather than a type name written as a string.
//!
//! Why not the `tsify` crate itself: it needs std, which the `no_std` core module cannot link
//! (`tsify-0.5.8/src/ts.rs` opens with `use std::fmt`), and what it adds beyond this file is
//! `Ts::to_rust`/`into_ts`, conversions over serde-wasm-bindgen that nothing here calls: the
//! adapters in `wasm` read JS values with `wasm::convert` (every problem as an issue with a path,
//! size and depth limits) and build JS values by hand. `Ts<T>` below has tsify 0.5.8's layout
//! (`repr(transparent)` over `T::JsType`) and its ABI impls for owned values, so a signature
//! written with it means what it means with tsify's. The names must stay as tsify-macros 0.5.8
//! writes them (Cargo.toml pins `=0.5.8`).
//!
//! Where `Ts<T>` is not used: optional arguments (`Option<Ts<T>>` is written `x?: T` only when
//! every later argument is an `Option` too, so `client.list(query?, opts?)` would lose its `?`),
//! the JS options types (they have no Rust twin), and promises. Those keep `unchecked_*_type`
//! strings.

use core::marker::PhantomData;

pub use tsify_macros::Tsify;
use wasm_bindgen::convert::{FromWasmAbi, IntoWasmAbi};
use wasm_bindgen::describe::WasmDescribe;
use wasm_bindgen::{JsCast, JsValue};

/// How tsify would (de)serialize a type; the derive fills it in, nothing reads it.
pub struct SerializationConfig {
    pub missing_as_null: bool,
    pub hashmap_as_object: bool,
    pub large_number_types_as_bigints: bool,
}

/// A type with a TypeScript declaration (`DECL`) and a JS type of that name (`JsType`).
pub trait Tsify {
    /// The `#[wasm_bindgen] extern "C"` type named after the TypeScript type.
    type JsType: JsCast;
    /// The TypeScript declaration, as written into the `.d.ts`.
    const DECL: &'static str;
    const SERIALIZATION_CONFIG: SerializationConfig = SerializationConfig {
        missing_as_null: false,
        hashmap_as_object: false,
        large_number_types_as_bigints: false,
    };
}

/// A JS value typed as `T` in the `.d.ts`, for `#[wasm_bindgen]` parameters and results (tsify
/// 0.5.8's `Ts<T>`). It is only a JS handle: nothing is checked or converted when it crosses.
#[repr(transparent)]
pub struct Ts<T: Tsify>(T::JsType, PhantomData<T>);

impl<T: Tsify> Ts<T> {
    /// Takes a JS value as a `T` without checks (tsify's `Ts::new_unchecked`): the adapters use
    /// it for values they built in the shape of `T`.
    pub fn new_unchecked(js: JsValue) -> Self {
        Ts(js.unchecked_into(), PhantomData)
    }

    /// The JS value, without a clone.
    pub fn into_js_value(self) -> JsValue {
        self.0.unchecked_into()
    }
}

impl<T: Tsify> From<Ts<T>> for JsValue {
    fn from(value: Ts<T>) -> Self {
        value.into_js_value()
    }
}

impl<T: Tsify> WasmDescribe for Ts<T>
where
    T::JsType: WasmDescribe,
{
    fn describe() {
        T::JsType::describe()
    }
}

impl<T: Tsify> IntoWasmAbi for Ts<T>
where
    T::JsType: IntoWasmAbi,
{
    type Abi = <T::JsType as IntoWasmAbi>::Abi;
    fn into_abi(self) -> Self::Abi {
        self.0.into_abi()
    }
}

impl<T: Tsify> FromWasmAbi for Ts<T>
where
    T::JsType: FromWasmAbi,
{
    type Abi = <T::JsType as FromWasmAbi>::Abi;
    unsafe fn from_abi(js: Self::Abi) -> Self {
        Ts(T::JsType::from_abi(js), PhantomData)
    }
}
