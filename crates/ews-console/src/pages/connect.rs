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

use crate::api::{Api, describe, normalize_endpoint};
use crate::components::header::forget;
use crate::components::notice::error_box;
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

/// The form.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let s = Stores::get();
    let lang = s.ui.lang();
    let stored = stored_connection();
    let has_stored_secret = RwSignal::new(storage::get(keys::SECRET).is_some());
    let endpoint = NodeRef::<html::Input>::new();
    let access_key = NodeRef::<html::Input>::new();
    let secret = NodeRef::<html::Input>::new();
    let method = NodeRef::<html::Select>::new();
    let remember = RwSignal::new(has_stored_secret.get_untracked());
    let busy = RwSignal::new(false);
    // An auto-connect failure (remembered secret) shows here too.
    let error = RwSignal::new(s.list.error.get_untracked().map(FormError::Api));
    let stored_method = SignMethod::parse(&stored.method).unwrap_or_default();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (Some(e), Some(a), Some(secret_box), Some(m)) =
            (endpoint.get(), access_key.get(), secret.get(), method.get())
        else {
            return;
        };
        let base = match normalize_endpoint(&e.value(), &origin(s)) {
            Ok(b) => b,
            Err(_) => return error.set(Some(FormError::Invalid(M::EndpointInvalid))),
        };
        let key = a.value().trim().to_string();
        if key.is_empty() {
            return error.set(Some(FormError::Invalid(M::AccessKeyMissing)));
        }
        let secret_text = secret_box.value();
        if secret_text.is_empty() {
            return error.set(Some(FormError::Invalid(M::SecretMissing)));
        }
        let creds = Credentials::new(
            key,
            secret_text,
            SignMethod::parse(&m.value()).unwrap_or_default(),
        );
        let remember = remember.get_untracked();
        busy.set(true);
        error.set(None);
        s.ui.spawn(async move {
            let result = connect(s, base, creds, remember).await;
            busy.set(false);
            match result {
                // The secret leaves the DOM as soon as it has been used.
                Ok(()) => secret_box.set_value(""),
                Err(e) => {
                    crate::actions::report(s, "connect", &e);
                    error.set(Some(FormError::Api(e)));
                }
            }
        });
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
            <form data-testid="connect-form" on:submit=on_submit novalidate>
                <label>
                    {s.t(M::Endpoint)}
                    <input type="url" name="endpoint" data-testid="endpoint" node_ref=endpoint autocomplete="url"
                        value=if stored.endpoint.is_empty() || s.ui.shell().endpoint().is_some() { origin(s) } else { stored.endpoint.clone() }
                        aria-describedby="endpoint-hint"/>
                    <span id="endpoint-hint" class="muted small">{s.t(M::EndpointHint)}</span>
                </label>
                <label>
                    {s.t(M::AccessKey)}
                    <input type="text" name="accesskey" data-testid="access-key" node_ref=access_key
                        autocomplete="username" spellcheck="false" value=stored.access_key.clone() required/>
                </label>
                <label>
                    {s.t(M::SecretKey)}
                    <input type="password" name="secret" data-testid="secret-key" node_ref=secret
                        autocomplete="current-password" required/>
                </label>
                <label>
                    {s.t(M::SignMethod)}
                    <select data-testid="sign-method" node_ref=method
                        inner_html=crate::format::options_html(SignMethod::ALL.map(|m| (m.as_str(), m.label(), m == stored_method)))></select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="remember" prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))
                        aria-describedby="remember-note"/>
                    {s.t(M::Remember)}
                </label>
                <p id="remember-note" class=move || if remember.get() { "warning small" } else { "muted small" } data-testid="remember-note">
                    {move || if remember.get() { s.t(M::RememberWarning) } else { s.t(M::SecretMemoryOnly) }}
                </p>
                {error_view}
                <div class="line">
                    <button type="submit" class="primary" data-testid="connect" disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")>
                        {move || if busy.get() { s.t(M::Connecting) } else { s.t(M::Connect) }}
                    </button>
                    {move || has_stored_secret.get().then(|| view! {
                        <button type="button" class="ghost" data-testid="forget"
                            on:click=move |_| { forget(s.ui); has_stored_secret.set(false); remember.set(false); }>{s.t(M::Forget)}</button>
                    })}
                </div>
            </form>
        </section>
    }
}
