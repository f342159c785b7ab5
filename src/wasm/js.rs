//! The few JS operations the adapter needs, imported with `catch` so that a throwing getter, proxy
//! trap or constructor becomes an `Err` instead of an exception unwinding through wasm frames
//! (which would skip destructors and leave the shadow stack pointer behind).

#[allow(unused_imports)]
use crate::prelude::*;

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Array, js_name = isArray, catch)]
    pub fn is_array(v: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    pub fn object_keys(v: &JsValue) -> Result<js_sys::Array, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub fn get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    pub fn set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = construct, catch)]
    pub fn construct(target: &JsValue, args: &js_sys::Array) -> Result<JsValue, JsValue>;
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
