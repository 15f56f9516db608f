//! The connection form (direct mode): endpoint, access key, secret key, sign
//! method, "remember on this device". Connecting lists the containers to
//! prove the credentials; every failure is explained.
//!
//! The secret is read from the password box once, on submit, and the box is
//! cleared after a successful connection; it lives on only inside the
//! transport (and in local storage if, and only if, the user asked).

use ews_core::{Credentials, SignMethod};
use leptos::html;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::{Api, describe, normalize_endpoint};
use crate::app::{Ctx, Session};
use crate::components::header::forget;
use crate::components::notice::error_box;
use crate::i18n::M;
use crate::storage::{self, keys};

/// The last connection, without the secret.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredConnection {
    #[serde(default)]
    endpoint: String,
    #[serde(default)]
    access_key: String,
    #[serde(default)]
    method: String,
}

/// A remembered secret (never Debug, never logged).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredSecret {
    access_key: String,
    secret: String,
}

fn stored_connection() -> StoredConnection {
    storage::get(keys::CONNECTION)
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default()
}

/// The endpoint the form starts with: the embedding page's choice, or this
/// page's origin.
fn origin(ctx: Ctx) -> String {
    ctx.shell()
        .endpoint()
        .unwrap_or_else(|| window().location().origin().unwrap_or_default())
}

/// Why the form cannot connect.
#[derive(Clone, Debug)]
enum FormError {
    Invalid(M),
    Api(ews_core::Error),
}

/// Connects with `creds` (proving them with a first listing), and on the
/// page remembers the connection; the secret only when `remember`.
/// Embedded, nothing is stored unless `remember`.
pub(crate) async fn connect(
    ctx: Ctx,
    base: String,
    creds: Credentials,
    remember: bool,
) -> Result<(), ews_core::Error> {
    let skew = ctx.skew;
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
    let api = Api::direct(base, creds, ctx.life(), move |c| skew.set(c));
    let list = api.list().await?;
    if remember || !ctx.shell().is_embedded() {
        if let Ok(text) = serde_json::to_string(&stored) {
            storage::set(keys::CONNECTION, &text);
        }
        match remembered.and_then(|s| serde_json::to_string(&s).ok()) {
            Some(text) => storage::set(keys::SECRET, &text),
            None => storage::remove(keys::SECRET),
        }
    }
    ctx.connect(
        api,
        Session::Connected {
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
pub fn auto_connect(ctx: Ctx) {
    let remembered =
        storage::get(keys::SECRET).and_then(|s| serde_json::from_str::<StoredSecret>(&s).ok());
    let conn = stored_connection();
    let base = normalize_endpoint(&conn.endpoint, &origin(ctx));
    let (Some(secret), Ok(base)) = (remembered, base) else {
        ctx.session.set(Session::Disconnected);
        return;
    };
    if secret.access_key != conn.access_key || secret.secret.is_empty() {
        ctx.session.set(Session::Disconnected);
        return;
    }
    let method = SignMethod::parse(&conn.method).unwrap_or_default();
    let creds = Credentials::new(secret.access_key, secret.secret, method);
    ctx.spawn(async move {
        if let Err(e) = connect(ctx, base, creds, true).await {
            crate::actions::report(ctx, "connect", &e);
            ctx.list_error.set(Some(e));
            ctx.session.set(Session::Disconnected);
        }
    });
}

/// The form.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let ctx = Ctx::get();
    let lang = ctx.lang.get_untracked();
    let stored = stored_connection();
    let has_stored_secret = RwSignal::new(storage::get(keys::SECRET).is_some());
    let endpoint = NodeRef::<html::Input>::new();
    let access_key = NodeRef::<html::Input>::new();
    let secret = NodeRef::<html::Input>::new();
    let method = NodeRef::<html::Select>::new();
    let remember = RwSignal::new(has_stored_secret.get_untracked());
    let busy = RwSignal::new(false);
    // An auto-connect failure (remembered secret) shows here too.
    let error = RwSignal::new(ctx.list_error.get_untracked().map(FormError::Api));
    let stored_method = SignMethod::parse(&stored.method).unwrap_or_default();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (Some(e), Some(a), Some(s), Some(m)) =
            (endpoint.get(), access_key.get(), secret.get(), method.get())
        else {
            return;
        };
        let base = match normalize_endpoint(&e.value(), &origin(ctx)) {
            Ok(b) => b,
            Err(_) => return error.set(Some(FormError::Invalid(M::EndpointInvalid))),
        };
        let key = a.value().trim().to_string();
        if key.is_empty() {
            return error.set(Some(FormError::Invalid(M::AccessKeyMissing)));
        }
        let secret_text = s.value();
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
        ctx.spawn(async move {
            let result = connect(ctx, base, creds, remember).await;
            busy.set(false);
            match result {
                // The secret leaves the DOM as soon as it has been used.
                Ok(()) => s.set_value(""),
                Err(e) => {
                    crate::actions::report(ctx, "connect", &e);
                    error.set(Some(FormError::Api(e)));
                }
            }
        });
    };

    let error_view = move || {
        error.get().map(|e| {
            let (msg, detail) = match e {
                FormError::Invalid(m) => (ctx.t(m).to_string(), None),
                FormError::Api(e) => describe(&e, lang),
            };
            error_box("connect-error", None, msg, detail)
        })
    };

    view! {
        <section class="card narrow" aria-labelledby="connect-title">
            <h1 id="connect-title">{ctx.t(M::ConnectTitle)}</h1>
            <form data-testid="connect-form" on:submit=on_submit novalidate>
                <label>
                    {ctx.t(M::Endpoint)}
                    <input type="url" name="endpoint" data-testid="endpoint" node_ref=endpoint autocomplete="url"
                        value=if stored.endpoint.is_empty() || ctx.shell().endpoint().is_some() { origin(ctx) } else { stored.endpoint.clone() }
                        aria-describedby="endpoint-hint"/>
                    <span id="endpoint-hint" class="muted small">{ctx.t(M::EndpointHint)}</span>
                </label>
                <label>
                    {ctx.t(M::AccessKey)}
                    <input type="text" name="accesskey" data-testid="access-key" node_ref=access_key
                        autocomplete="username" spellcheck="false" value=stored.access_key.clone() required/>
                </label>
                <label>
                    {ctx.t(M::SecretKey)}
                    <input type="password" name="secret" data-testid="secret-key" node_ref=secret
                        autocomplete="current-password" required/>
                </label>
                <label>
                    {ctx.t(M::SignMethod)}
                    <select data-testid="sign-method" node_ref=method>
                        {SignMethod::ALL.map(|m| view! { <option value=m.as_str() selected=m == stored_method>{m.label()}</option> }).into_iter().collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" data-testid="remember" prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))
                        aria-describedby="remember-note"/>
                    {ctx.t(M::Remember)}
                </label>
                <p id="remember-note" class=move || if remember.get() { "warning small" } else { "muted small" } data-testid="remember-note">
                    {move || if remember.get() { ctx.t(M::RememberWarning) } else { ctx.t(M::SecretMemoryOnly) }}
                </p>
                {error_view}
                <div class="line">
                    <button type="submit" class="primary" data-testid="connect" disabled=move || busy.get()
                        aria-busy=move || busy.get().then_some("true")>
                        {move || if busy.get() { ctx.t(M::Connecting) } else { ctx.t(M::Connect) }}
                    </button>
                    {move || has_stored_secret.get().then(|| view! {
                        <button type="button" class="ghost" data-testid="forget"
                            on:click=move |_| { forget(ctx); has_stored_secret.set(false); remember.set(false); }>{ctx.t(M::Forget)}</button>
                    })}
                </div>
            </form>
        </section>
    }
}
