//! The few JS operations the adapter needs, imported with `catch` so that a throwing getter, proxy
//! trap or constructor becomes an `Err` instead of an exception unwinding through wasm frames
//! (which would skip destructors and leave the shadow stack pointer behind).
//!
//! No `catch` import here returns a plain JS value: when such a call throws, wasm-bindgen's glue
//! still hands the `undefined` that its error handler returns to wasm in a fresh externref table
//! slot, and its generated code returns the `Err` before taking ownership of that slot, so the
//! slot is never freed (a few bytes of wasm memory and a table entry per throw, without end).
//! An optional result (`Option<..>`) crosses as `0` for `undefined`, which holds no slot; the
//! wrappers below turn it back into the value.

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;
use wasm_bindgen::Nullable;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    pub fn is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn keys(v: &JsValue) -> Result<Option<js_sys::Array>, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    fn reflect_get(target: &JsValue, key: &JsValue) -> Result<Option<Nullable<JsValue>>, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    pub fn set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = construct, catch)]
    fn reflect_construct(
        target: &JsValue,
        args: &js_sys::Array,
    ) -> Result<Option<JsValue>, JsValue>;
    #[cfg(any(feature = "client", feature = "webhook", feature = "plan"))]
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn parse(text: &str) -> Result<Option<Nullable<JsValue>>, JsValue>;
}

/// A value that crossed as `Option<Nullable<_>>` (see above), back as the JS value it was.
pub fn value(v: Option<Nullable<JsValue>>) -> JsValue {
    match v {
        None => JsValue::UNDEFINED,
        Some(Nullable::Null) => JsValue::NULL,
        Some(Nullable::Value(v)) => v,
    }
}

/// `JSON.parse(text)`; `Err` when it throws (text that is not JSON).
#[cfg(any(feature = "client", feature = "webhook", feature = "plan"))]
pub fn json_parse(text: &str) -> Result<JsValue, JsValue> {
    parse(text).map(value)
}

/// `Object.keys(v)`.
pub fn object_keys(v: &JsValue) -> Result<js_sys::Array, JsValue> {
    keys(v)?.ok_or(JsValue::UNDEFINED)
}

/// `Reflect.get(target, key)`, `undefined` and `null` included.
pub fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue> {
    reflect_get(target, key).map(value)
}

/// `Reflect.construct(target, args)`.
pub fn construct(target: &JsValue, args: &js_sys::Array) -> Result<JsValue, JsValue> {
    reflect_construct(target, args)?.ok_or(JsValue::UNDEFINED)
}

/// A plain object with the given properties (in this order).
pub fn object(props: &[(&str, JsValue)]) -> JsValue {
    let obj: JsValue = js_sys::Object::new().into();
    for (k, v) in props {
        // Cannot fail on a fresh plain object.
        let _ = set(&obj, &JsValue::from_str(k), v);
    }
    obj
}
