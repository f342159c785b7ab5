//! The race between some fetch work and its deadline (a timeout, or the caller's abort), shared by
//! the client's attempts and `checkHoldMusic`. At the deadline the work's own `AbortController` is
//! aborted (a well-behaved fetch and its body stop), and the race ends even when the work does not
//! (a custom fetch that ignores its signal, a body that never ends).

use std::cell::Cell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(super) fn set_timeout(cb: &JsValue, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(super) fn clear_timeout(id: &JsValue);
}

/// One deadline, armed by [`Deadline::new`] and disarmed when dropped.
pub struct Deadline {
    ctl: AbortController,
    end: Function,
    deadline: Option<Promise>,
    timed_out: Rc<Cell<bool>>,
    timer: JsValue,
    _on_timeout: Closure<dyn FnMut()>,
    on_abort: Closure<dyn FnMut()>,
    signal: Option<AbortSignal>,
}

impl Deadline {
    /// A deadline `timeout_ms` from now, or earlier when `signal` aborts. `Err` is the message of
    /// a runtime without `AbortController`.
    pub fn new(timeout_ms: f64, signal: Option<&AbortSignal>) -> Result<Deadline, JsValue> {
        let ctl = AbortController::new()?;
        let mut end = JsValue::UNDEFINED;
        let deadline = Promise::new(&mut |res, _| end = res.into());
        let end: Function = end.unchecked_into();
        let timed_out = Rc::new(Cell::new(false));
        let on_timeout = {
            let (flag, ctl, end) = (timed_out.clone(), ctl.clone(), end.clone());
            Closure::<dyn FnMut()>::new(move || {
                flag.set(true);
                ctl.abort();
                let _ = end.call0(&JsValue::UNDEFINED);
            })
        };
        let timer = set_timeout(on_timeout.as_ref(), timeout_ms);
        let on_abort = {
            let (ctl, end) = (ctl.clone(), end.clone());
            Closure::<dyn FnMut()>::new(move || {
                ctl.abort();
                let _ = end.call0(&JsValue::UNDEFINED);
            })
        };
        if let Some(s) = signal {
            let _ = s.add_event_listener_with_callback("abort", on_abort.as_ref().unchecked_ref());
        }
        Ok(Deadline {
            ctl,
            end,
            deadline: Some(deadline),
            timed_out,
            timer,
            _on_timeout: on_timeout,
            on_abort,
            signal: signal.cloned(),
        })
    }

    /// The signal to give the work's requests: aborted at the deadline.
    pub fn signal(&self) -> AbortSignal {
        self.ctl.signal()
    }

    /// Whether the timeout (not the caller) ended the race.
    pub fn timed_out(&self) -> bool {
        self.timed_out.get()
    }

    /// `work`'s output, or `None` when the deadline came first. Once only: a second race ends at once.
    pub async fn race<T>(&mut self, work: impl Future<Output = T>) -> Option<T> {
        let deadline = self.deadline.take()?;
        let mut work = pin!(work);
        let mut deadline = pin!(JsFuture::from(deadline));
        poll_fn(|cx| match work.as_mut().poll(cx) {
            Poll::Ready(o) => Poll::Ready(Some(o)),
            Poll::Pending => deadline.as_mut().poll(cx).map(|_| None),
        })
        .await
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        // Settle the deadline even when the work won: a JsFuture dropped on a promise that never
        // settles keeps its callbacks and their state alive (an Rc cycle that only settling
        // breaks), ~144 B of wasm memory per race, without end.
        let _ = self.end.call0(&JsValue::UNDEFINED);
        clear_timeout(&self.timer);
        if let Some(s) = &self.signal {
            let _ = s.remove_event_listener_with_callback(
                "abort",
                self.on_abort.as_ref().unchecked_ref(),
            );
        }
    }
}
