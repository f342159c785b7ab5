//! JS error classes for thrown errors.
//!
//! The classes live in JS (`pkg-template/errors.js`, one file, shared by every entry). Each entry
//! hands them to the module at load time through [`register_error_classes`]; Rust code then builds
//! errors by class name with [`make_error`]. Contract with errors.js: a class is constructed as
//! `new Class(message, props)`, and its base class copies the fields the class lists, once. When a
//! class is not registered (a test calling the exports directly, or an entry that forgot), the
//! error is a plain `Error` whose `name` is the class name, with the same props.

#[allow(unused_imports)]
use crate::prelude::*;

use core::cell::RefCell;

use wasm_bindgen::prelude::*;

use super::js;

/// The registered classes. A plain `static` rather than `thread_local!` (which the `no_std`
/// core module does not have).
static CLASSES: Classes = Classes(RefCell::new(None));

struct Classes(RefCell<Option<JsValue>>);

// SAFETY: the wasm modules are built without the `atomics` target feature, so they have one
// thread and `CLASSES` is never reached from two at once (the same premise as the allocator's
// cfg in lib.rs). Fails to build where that premise does not hold.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for Classes {}

/// Stores the error classes (an object mapping class names to constructors). Called by the package
/// entries right after the module is instantiated; not part of the public API.
#[wasm_bindgen(js_name = __registerErrorClasses, skip_typescript)]
pub fn register_error_classes(classes: JsValue) {
    let classes = (classes.is_object() || classes.is_function()).then_some(classes);
    if let Ok(mut slot) = CLASSES.0.try_borrow_mut() {
        *slot = classes;
    }
}

fn registered(class: &str) -> Option<JsValue> {
    let classes = CLASSES.0.try_borrow().ok().and_then(|s| s.clone())?;
    js::get(&classes, &JsValue::from_str(class))
        .ok()
        .filter(JsValue::is_function)
}

/// Builds an instance of the registered error class `class` (falling back to a plain `Error` with
/// `name` set) with `message` and the given own properties. Never throws and never panics.
pub fn make_error(class: &str, message: &str, props: &[(&str, JsValue)]) -> JsValue {
    let bag = js::object(props);
    let built = registered(class).and_then(|ctor| {
        let args = js_sys::Array::of2(&JsValue::from_str(message), &bag);
        js::construct(&ctor, &args).ok()
    });
    match built {
        // The class copied the fields it lists (errors.js), once.
        Some(e) if e.is_object() => e,
        _ => {
            let e = js_sys::Error::new(message);
            e.set_name(class);
            let e: JsValue = e.into();
            for (k, v) in props {
                let _ = js::set(&e, &JsValue::from_str(k), v);
            }
            e
        }
    }
}
