//! What tsify's `#[derive(Tsify)]` (the `tsify-macros` crate) refers to as `tsify::...`: the
//! `Tsify` trait and its `SerializationConfig`, as tsify 0.5.8 declares them. Modules with derives
//! import this module as `tsify`.
//!
//! The derive writes each type's TypeScript declaration into the module's `.d.ts`; that is all
//! this crate takes from tsify. The `tsify` crate itself adds `into_js`/`from_js` conversions over
//! serde-wasm-bindgen, which nothing here calls (the adapters in `wasm` build JS values by
//! hand), and it needs std, which the `no_std` core module cannot link. The names below must stay
//! as tsify-macros 0.5.8 writes them (Cargo.toml pins `=0.5.8`).

pub use tsify_macros::Tsify;

/// How tsify would (de)serialize a type; the derive fills it in, nothing reads it.
pub struct SerializationConfig {
    pub missing_as_null: bool,
    pub hashmap_as_object: bool,
    pub large_number_types_as_bigints: bool,
}

/// A type with a TypeScript declaration (`DECL`) and a JS type of that name (`JsType`).
pub trait Tsify {
    /// The `#[wasm_bindgen] extern "C"` type named after the TypeScript type.
    type JsType: wasm_bindgen::JsCast;
    /// The TypeScript declaration, as written into the `.d.ts`.
    const DECL: &'static str;
    const SERIALIZATION_CONFIG: SerializationConfig = SerializationConfig {
        missing_as_null: false,
        hashmap_as_object: false,
        large_number_types_as_bigints: false,
    };
}
