//! The connection form (direct mode): endpoint, access key, secret key, sign
//! method, "remember on this device". Connecting lists the containers to
//! prove the credentials; every failure is explained.
//!
//! The secret is read from the password box once, on submit, and the box is
//! cleared after a successful connection; it lives on only inside the
//! transport (and in local storage if, and only if, the user asked).

use ews_core::json::{self, Obj, Value};
use ews_core::{Credentials, SignMethod};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{Api, describe, normalize_endpoint};
use crate::components::header::forget;
use crate::components::notice::error_box;
use crate::format::escape_html;
use crate::i18n::M;
use crate::storage::{self, keys};
use crate::stores::{ConnState, Stores};

/// The last connection, without the secret.
#[derive(Clone, Default)]
struct StoredConnection {
    endpoint: String,
    access_key: String,
    method: String,
}

/// A remembered secret (never Debug, never logged).
struct StoredSecret {
    access_key: String,
    secret: String,
}

/// The string members of a stored JSON object (what storage gives back is
/// untrusted: anything else is none of them).
fn stored_fields<const N: usize>(key: &str, names: [&str; N]) -> Option<[String; N]> {
    let text = storage::get(key)?;
    let v = json::parse(text.as_bytes()).ok()?;
    if !matches!(v, Value::Obj(_)) {
        return None;
    }
    Some(names.map(|n| {
        v.get(n)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }))
}

fn stored_connection() -> StoredConnection {
    stored_fields(keys::CONNECTION, ["endpoint", "accessKey", "method"])
        .map(|[endpoint, access_key, method]| StoredConnection {
            endpoint,
            access_key,
            method,
        })
        .unwrap_or_default()
}

fn stored_secret() -> Option<StoredSecret> {
    stored_fields(keys::SECRET, ["accessKey", "secret"])
        .map(|[access_key, secret]| StoredSecret { access_key, secret })
}

/// `{"a":…,"b":…}` of string pairs.
fn fields_json(pairs: &[(&str, &str)]) -> String {
    let mut out = String::new();
    let mut o = Obj::new(&mut out);
    for (name, value) in pairs {
        o.str(name, value);
    }
    o.end();
    out
}

/// The endpoint the form starts with: the embedding page's choice, or this
/// page's origin.
fn origin(s: Stores) -> String {
    s.ui.shell()
        .endpoint()
        .unwrap_or_else(|| window().location().origin().unwrap_or_default())
}

/// Why the form cannot connect.
#[derive(Clone, Debug)]
enum FormError {
    Invalid(M),
    Api(ews_core::Error),
}

/// Connects with `creds` (proving them with a first listing), and
/// remembers the connection where the shell keeps one; the secret only
/// when `remember`.
pub(crate) async fn connect(
    s: Stores,
    base: String,
    creds: Credentials,
    remember: bool,
) -> Result<(), ews_core::Error> {
    let skew = s.conn.skew;
    let label = creds.access_key().to_string();
    let remembered = remember.then(|| StoredSecret {
        access_key: creds.access_key().into(),
        secret: creds.secret().into(),
    });
    let stored = StoredConnection {
        endpoint: base.clone(),
        access_key: label.clone(),
        method: creds.method().as_str().into(),
    };
    let api = Api::direct(base, creds, s.ui.life(), move |c| skew.set(c));
    let list = api.list().await?;
    if s.ui.shell().keeps_connection(remember) {
        let text = fields_json(&[
            ("endpoint", &stored.endpoint),
            ("accessKey", &stored.access_key),
            ("method", &stored.method),
        ]);
        storage::set(keys::CONNECTION, &text);
        match remembered {
            Some(s) => storage::set(
                keys::SECRET,
                &fields_json(&[("accessKey", &s.access_key), ("secret", &s.secret)]),
            ),
            None => storage::remove(keys::SECRET),
        }
    }
    s.connect(
        api,
        ConnState::Connected {
            edge_user: None,
            can_act: true,
            label,
        },
        list,
    );
    Ok(())
}

/// Connects with a remembered secret, if there is one (at start-up);
/// otherwise, or when that fails, shows the form.
pub fn auto_connect(s: Stores) {
    let remembered = stored_secret();
    let conn = stored_connection();
    let base = normalize_endpoint(&conn.endpoint, &origin(s));
    let (Some(secret), Ok(base)) = (remembered, base) else {
        s.conn.state.set(ConnState::Disconnected);
        return;
    };
    if secret.access_key != conn.access_key || secret.secret.is_empty() {
        s.conn.state.set(ConnState::Disconnected);
        return;
    }
    let method = SignMethod::parse(&conn.method).unwrap_or_default();
    let creds = Credentials::new(secret.access_key, secret.secret, method);
    s.ui.spawn(async move {
        if let Err(e) = connect(s, base, creds, true).await {
            crate::actions::report(s, "connect", &e);
            s.list.error.set(Some(e));
            s.conn.state.set(ConnState::Disconnected);
        }
    });
}

/// The form's fields and buttons, as markup of our own text (values
/// escaped): one string rather than a view per element; its handlers are
/// the form's own, delegated ([`ConnectPage`]).
fn form_html(
    s: Stores,
    endpoint: &str,
    access_key: &str,
    method: SignMethod,
    forget: bool,
) -> String {
    let t = |m: M| s.t(m);
    format!(
        "<label>{}<input type=\"url\" name=\"endpoint\" data-testid=\"endpoint\" autocomplete=\"url\" value=\"{}\" aria-describedby=\"endpoint-hint\">\
         <span id=\"endpoint-hint\" class=\"muted small\">{}</span></label>\
         <label>{}<input type=\"text\" name=\"accesskey\" data-testid=\"access-key\" autocomplete=\"username\" spellcheck=\"false\" value=\"{}\" required></label>\
         <label>{}<input type=\"password\" name=\"secret\" data-testid=\"secret-key\" autocomplete=\"current-password\" required></label>\
         <label>{}<select name=\"method\" data-testid=\"sign-method\">{}</select></label>\
         <label class=\"check\"><input type=\"checkbox\" name=\"remember\" data-testid=\"remember\" aria-describedby=\"remember-note\"{}>{}</label>\
         <p id=\"remember-note\" data-testid=\"remember-note\" class=\"{}\">{}</p>\
         <div class=\"line\"><button type=\"submit\" class=\"primary\" data-testid=\"connect\">{}</button>{}</div>",
        t(M::Endpoint),
        escape_html(endpoint),
        t(M::EndpointHint),
        t(M::AccessKey),
        escape_html(access_key),
        t(M::SecretKey),
        t(M::SignMethod),
        crate::format::options_html(SignMethod::ALL.map(|m| (m.as_str(), m.label(), m == method))),
        if forget { " checked" } else { "" },
        t(M::Remember),
        note_class(forget),
        t(note_text(forget)),
        t(M::Connect),
        if forget {
            format!(
                "<button type=\"button\" class=\"ghost\" data-testid=\"forget\">{}</button>",
                t(M::Forget)
            )
        } else {
            String::new()
        },
    )
}

/// A form control's `value` or `checked` (input or select alike).
fn prop(form: &web_sys::Element, name: &str, key: &str) -> JsValue {
    form.query_selector(&format!("[name={name}]"))
        .ok()
        .flatten()
        .and_then(|e| js_sys::Reflect::get(&e, &key.into()).ok())
        .unwrap_or_default()
}

/// The note under "remember": a warning when ticked.
fn remember_note(s: Stores, form: &web_sys::Element) {
    let on = prop(form, "remember", "checked").is_truthy();
    if let Ok(Some(note)) = form.query_selector("#remember-note") {
        note.set_class_name(note_class(on));
        note.set_text_content(Some(s.t(note_text(on))));
    }
}

fn note_class(remember: bool) -> &'static str {
    if remember {
        "warning small"
    } else {
        "muted small"
    }
}

fn note_text(remember: bool) -> M {
    if remember {
        M::RememberWarning
    } else {
        M::SecretMemoryOnly
    }
}

/// The connect button while connecting: disabled, and says so.
fn set_busy(s: Stores, form: &web_sys::Element, busy: bool) {
    if let Ok(Some(b)) = form.query_selector("[data-testid=connect]") {
        let _ = b.toggle_attribute_with_force("disabled", busy);
        let _ = b.toggle_attribute_with_force("aria-busy", busy);
        b.set_text_content(Some(s.t(if busy { M::Connecting } else { M::Connect })));
    }
}

/// What the form says: the API's base URL and the credentials, or what is
/// missing or wrong.
fn read_form(s: Stores, form: &web_sys::Element) -> Result<(String, Credentials), M> {
    let text = |name: &str| prop(form, name, "value").as_string().unwrap_or_default();
    let base = normalize_endpoint(&text("endpoint"), &origin(s)).map_err(|_| M::EndpointInvalid)?;
    let key = text("accesskey").trim().to_string();
    if key.is_empty() {
        return Err(M::AccessKeyMissing);
    }
    let secret = text("secret");
    if secret.is_empty() {
        return Err(M::SecretMissing);
    }
    let method = SignMethod::parse(&text("method")).unwrap_or_default();
    Ok((base, Credentials::new(key, secret, method)))
}

/// The form.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let s = Stores::get();
    let lang = s.ui.lang();
    let stored = stored_connection();
    let endpoint = if stored.endpoint.is_empty() || s.ui.shell().endpoint().is_some() {
        origin(s)
    } else {
        stored.endpoint.clone()
    };
    let html = form_html(
        s,
        &endpoint,
        &stored.access_key,
        SignMethod::parse(&stored.method).unwrap_or_default(),
        storage::get(keys::SECRET).is_some(),
    );
    // An auto-connect failure (remembered secret) shows here too.
    let error = RwSignal::new(s.list.error.get_untracked().map(FormError::Api));
    let form = NodeRef::<html::Form>::new();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(f) = form.get_untracked() else {
            return;
        };
        // Connecting already (the button is disabled meanwhile).
        if let Ok(Some(_)) = f.query_selector("[data-testid=connect][disabled]") {
            return;
        }
        let (base, creds) = match read_form(s, &f) {
            Ok(read) => read,
            Err(m) => return error.set(Some(FormError::Invalid(m))),
        };
        let remember = prop(&f, "remember", "checked").is_truthy();
        set_busy(s, &f, true);
        error.set(None);
        s.ui.spawn(async move {
            let result = connect(s, base, creds, remember).await;
            set_busy(s, &f, false);
            match result {
                // The secret leaves the DOM as soon as it has been used.
                Ok(()) => {
                    if let Ok(Some(e)) = f.query_selector("[name=secret]") {
                        let _ = js_sys::Reflect::set(&e, &"value".into(), &"".into());
                    }
                }
                Err(e) => {
                    crate::actions::report(s, "connect", &e);
                    error.set(Some(FormError::Api(e)));
                }
            }
        });
    };
    let on_change = move |_| {
        if let Some(f) = form.get_untracked() {
            remember_note(s, &f);
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let forget_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .filter(|e| e.get_attribute("data-testid").as_deref() == Some("forget"));
        if let (Some(b), Some(f)) = (forget_button, form.get_untracked()) {
            forget(s.ui);
            b.remove();
            if let Ok(Some(r)) = f.query_selector("[name=remember]") {
                let _ = js_sys::Reflect::set(&r, &"checked".into(), &false.into());
            }
            remember_note(s, &f);
        }
    };

    let error_view = move || {
        error.get().map(|e| {
            let (msg, detail) = match e {
                FormError::Invalid(m) => (s.t(m).to_string(), None),
                FormError::Api(e) => describe(&e, lang),
            };
            error_box("connect-error", None, msg, detail)
        })
    };

    view! {
        <section class="card narrow" aria-labelledby="connect-title">
            <h1 id="connect-title">{s.t(M::ConnectTitle)}</h1>
            <form data-testid="connect-form" node_ref=form novalidate inner_html=html
                on:submit=on_submit on:change=on_change on:click=on_click></form>
            {error_view}
        </section>
    }
}
