//! `validate_json(ptr, len)`: JSON text in (one create body, or an array of them when `batch` is
//! set), reports out as JSON text (`[{ok, issues}]` or `{ok, issues}`); `out_ptr`/`out_len`
//! give the answer. Memory comes from `alloc`/`dealloc`. Prototype only: no input limits.
use daily_dialin::issue::{Issue, Severity};
use daily_dialin::validate::{validate_create, Options};
use serde_json::{json, Value};

static mut OUT: Vec<u8> = Vec::new();

#[no_mangle]
pub extern "C" fn alloc(n: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(n);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// # Safety
/// `p` and `n` come from `alloc`.
#[no_mangle]
pub unsafe extern "C" fn dealloc(p: *mut u8, n: usize) {
    drop(Vec::from_raw_parts(p, 0, n));
}

fn report(body: &Value) -> Value {
    let issues: Vec<Issue> = validate_create(body, &Options::default());
    let ok = !issues.iter().any(|i| i.severity == Severity::Error);
    json!({ "ok": ok, "issues": issues })
}

/// # Safety
/// `p..p+n` is readable memory holding UTF-8.
#[no_mangle]
pub unsafe extern "C" fn validate_json(p: *const u8, n: usize, batch: bool) -> usize {
    let text = std::slice::from_raw_parts(p, n);
    let value: Value = serde_json::from_slice(text).unwrap_or(Value::Null);
    let answer = match (&value, batch) {
        (Value::Array(bodies), true) => Value::Array(bodies.iter().map(report).collect()),
        _ => report(&value),
    };
    let out = &mut *std::ptr::addr_of_mut!(OUT);
    out.clear();
    serde_json::to_writer(&mut *out, &answer).unwrap_or_default();
    out.len()
}

#[no_mangle]
pub extern "C" fn out_ptr() -> *const u8 {
    unsafe { (*std::ptr::addr_of!(OUT)).as_ptr() }
}
