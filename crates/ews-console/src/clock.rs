//! The only place the console reads the clock. (Its timers belong to a
//! [`crate::life::Life`]; [`sleep`] here is for tests.)
//!
//! [`now_ms`] is the local clock; the server-corrected time is
//! `ews_core::clock::corrected(now_ms(), correction)`, with the correction
//! kept by [`crate::api::Api`] from the server's `Date` header.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Milliseconds since the Unix epoch, from the local clock.
pub fn now_ms() -> u64 {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

/// The browser's offset from UTC now, minutes (UTC+8: 480).
pub fn local_offset_min() -> i32 {
    -(js_sys::Date::new_0().get_timezone_offset() as i32)
}

/// A monotonic time in milliseconds (for measuring durations).
pub fn monotonic_ms() -> f64 {
    web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"performance".into()).ok())
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: u64) {
    let ms = i32::try_from(ms).unwrap_or(i32::MAX);
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let cb = Closure::once_into_js(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        });
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
