//! The lifetime of one console: every timer it sets and every request it
//! sends, so that ending it leaves nothing behind.
//!
//! A page owns its console until the tab closes, but an embedded console
//! ([`crate::embed`]) can be unmounted while the page lives on. [`Life::end`]
//! then clears every pending timer, aborts every request in flight, and
//! parks every task that was waiting on one: such a task is never polled
//! again (nothing holds its waker), so no code of an ended console runs
//! after it, and none touches its disposed reactive state.
//!
//! Every await of the console on the outside world goes through here or
//! through [`crate::api`], which registers its requests here: [`Life::sleep`],
//! [`Life::timeout`], [`Life::spawn`], [`Life::track`].

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// What one console has running; shared by everything it starts.
#[derive(Default)]
pub struct Life {
    ended: Cell<bool>,
    next: Cell<u32>,
    /// Pending `setTimeout` ids.
    timers: RefCell<Vec<i32>>,
    /// Requests in flight, by registration number.
    requests: RefCell<Vec<(u32, web_sys::AbortController)>>,
}

impl std::fmt::Debug for Life {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Life")
            .field("ended", &self.ended.get())
            .field("timers", &self.timers.borrow().len())
            .field("requests", &self.requests.borrow().len())
            .finish()
    }
}

impl Life {
    /// A new, running lifetime.
    pub fn new() -> Rc<Life> {
        Rc::new(Life::default())
    }

    /// Whether [`Life::end`] has been called.
    pub fn ended(&self) -> bool {
        self.ended.get()
    }

    /// How many timers and requests are pending (tests read it).
    pub fn pending(&self) -> (usize, usize) {
        (self.timers.borrow().len(), self.requests.borrow().len())
    }

    /// Ends the lifetime: clears every timer, aborts every request. Tasks
    /// waiting on them never resume. Idempotent.
    pub fn end(&self) {
        self.ended.set(true);
        let timers = std::mem::take(&mut *self.timers.borrow_mut());
        let requests = std::mem::take(&mut *self.requests.borrow_mut());
        if let Some(w) = web_sys::window() {
            for id in timers {
                w.clear_timeout_with_handle(id);
            }
        }
        for (_, controller) in requests {
            controller.abort();
        }
    }

    /// Never returns once the lifetime has ended: call after every await on
    /// the outside world, before touching any state.
    pub async fn alive(&self) {
        if self.ended.get() {
            std::future::pending::<()>().await;
        }
    }

    /// Runs `f` once after `ms` milliseconds, unless the lifetime ends (or
    /// [`Life::cancel`] is called with the returned id) first.
    pub fn timeout(self: &Rc<Self>, ms: u64, f: impl FnOnce() + 'static) -> Option<i32> {
        if self.ended.get() {
            return None;
        }
        let w = web_sys::window()?;
        let ms = i32::try_from(ms).unwrap_or(i32::MAX);
        let id = Rc::new(Cell::new(None::<i32>));
        let life = Rc::downgrade(self);
        let own = Rc::clone(&id);
        let cb = Closure::once_into_js(move || {
            let Some(life) = life.upgrade() else { return };
            if let Some(id) = own.get() {
                life.timers.borrow_mut().retain(|t| *t != id);
            }
            if !life.ended.get() {
                f();
            }
        });
        if let Ok(handle) =
            w.set_timeout_with_callback_and_timeout_and_arguments_0(cb.unchecked_ref(), ms)
        {
            id.set(Some(handle));
            self.timers.borrow_mut().push(handle);
            return Some(handle);
        }
        None
    }

    /// Clears a timer set with [`Life::timeout`].
    pub fn cancel(&self, id: Option<i32>) {
        let Some(id) = id else { return };
        self.timers.borrow_mut().retain(|t| *t != id);
        if let Some(w) = web_sys::window() {
            w.clear_timeout_with_handle(id);
        }
    }

    /// Resolves after `ms` milliseconds; never, if the lifetime ends first.
    pub async fn sleep(self: &Rc<Self>, ms: u64) {
        let promise = js_sys::Promise::new(&mut |resolve, _reject| {
            let _ = self.timeout(ms, move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            });
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        self.alive().await;
    }

    /// Spawns `task`, which starts only if the lifetime has not ended by the
    /// time it is first polled (a mount undone at once runs none of it).
    pub fn spawn(self: &Rc<Self>, task: impl Future<Output = ()> + 'static) {
        self.spawn_boxed(Box::pin(task));
    }

    // One copy of the wrapper for every task (the wasm is smaller).
    fn spawn_boxed(self: &Rc<Self>, task: std::pin::Pin<Box<dyn Future<Output = ()>>>) {
        let life = Rc::clone(self);
        leptos::task::spawn_local(async move {
            life.alive().await;
            task.await;
        });
    }

    /// Registers a request's controller until the returned guard drops;
    /// [`Life::end`] aborts it.
    pub fn track(self: &Rc<Self>, controller: web_sys::AbortController) -> InFlight {
        let n = self.next.get().wrapping_add(1);
        self.next.set(n);
        if self.ended.get() {
            controller.abort();
        } else {
            self.requests.borrow_mut().push((n, controller));
        }
        InFlight {
            life: Rc::downgrade(self),
            n,
        }
    }
}

/// A request registered with [`Life::track`]; dropping it unregisters it.
#[derive(Debug)]
pub struct InFlight {
    life: std::rc::Weak<Life>,
    n: u32,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if let Some(life) = self.life.upgrade() {
            life.requests.borrow_mut().retain(|(n, _)| *n != self.n);
        }
    }
}
