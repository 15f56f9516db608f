//! The connection form (direct mode): endpoint, access key, secret key, sign
//! method, "remember on this device". Connecting lists the containers to
//! prove the credentials; every failure is explained.
//!
//! The secret is read from the password box once, on submit, and the box is
//! cleared after a successful connection; it lives on only inside the
//! transport (and in local storage if, and only if, the user asked).

use ews_core::{Credentials, SignMethod};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use crate::accounts::{self, Account};
use crate::api::{Api, describe, normalize_endpoint};
use crate::format::escape_html;
use crate::i18n::M;
use crate::stores::{ConnState, Stores};

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

/// Connects with `creds` (proving them with a first listing). On the page
/// (or embedded, when `remember`), the account is kept on this device
/// under `name` — in place of the account the form was for, so a new name
/// renames it — and its secret remembered only when `remember`; `None`
/// keeps nothing (an embedding's own credentials).
pub(crate) async fn connect(
    s: Stores,
    name: Option<String>,
    base: String,
    creds: Credentials,
    remember: bool,
) -> Result<(), ews_core::Error> {
    let skew = s.conn.skew;
    let label = creds.access_key().to_string();
    let account = name.map(|name| Account {
        name,
        endpoint: base.clone(),
        access_key: label.clone(),
        method: creds.method(),
        can_act: true,
    });
    let secret = remember.then(|| creds.secret().to_string());
    // The account the form was for, and the console's generation: a switch
    // while the list is on its way leaves this answer unused.
    let (was, generation) = (s.conn.shown_name().unwrap_or_default(), s.conn.current());
    let api = Api::direct(base, creds, s.ui.life(), move |c| skew.set(c));
    let list = api.list().await?;
    if s.conn.current() != generation {
        return Ok(());
    }
    if let Some(a) = &account {
        if s.ui.shell().keeps_connection(remember) {
            keep(s, &was, a, secret.as_deref());
        }
        crate::connection::select(s, Some(&a.name), false);
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

/// [`connect`], and on failure the form with what went wrong.
pub(crate) async fn connect_or_form(
    s: Stores,
    name: Option<String>,
    base: String,
    creds: Credentials,
    remember: bool,
) {
    let generation = s.conn.current();
    if let Err(e) = connect(s, name, base, creds, remember).await {
        // Another account or the fleet meanwhile: not this form's business.
        if s.conn.current() != generation {
            return;
        }
        crate::actions::report(s, "connect", &e);
        s.list.error.set(Some(e));
        s.conn.state.set(ConnState::Disconnected);
    }
}

/// Keeps `a` on this device in place of the account the form was for (or
/// as a new one), its secret remembered when given, else forgotten.
fn keep(s: Stores, was: &str, a: &Account, secret: Option<&str>) {
    let mut list = s.conn.accounts.with_value(|a| a.list.clone());
    let at = list
        .iter()
        .position(|x| x.name == was || x.name == a.name)
        .unwrap_or(list.len());
    if was != a.name {
        accounts::remember(was, None);
        s.conn.keep_api(was, None);
    }
    list.retain(|x| x.name != a.name && x.name != was);
    list.insert(at.min(list.len()), a.clone());
    accounts::keep(&list);
    s.conn.accounts.update_value(|x| x.list = list);
    accounts::remember(&a.name, secret.map(|sec| (a.access_key.as_str(), sec)));
}

/// At start-up: the accounts kept on this device, the one the URL names
/// opened when its secret is remembered; otherwise the form.
pub fn auto_connect(s: Stores) {
    crate::connection::begin_direct(s);
}

/// The form's fields and buttons, as markup of our own text (values
/// escaped): one string rather than a view per element; its handlers are
/// the form's own, delegated ([`ConnectPage`]).
fn form_html(s: Stores, a: &Account, named: bool, forget: bool, kept: bool) -> String {
    let t = |m: M| s.t(m);
    let button = |id: &str, m: M| {
        format!(
            "<button type=\"button\" class=\"ghost\" data-testid=\"{id}\">{}</button>",
            t(m)
        )
    };
    let (endpoint, access_key, method) = (&a.endpoint, &a.access_key, a.method);
    format!(
        "{}<label>{}<input type=\"url\" name=\"endpoint\" data-testid=\"endpoint\" autocomplete=\"url\" value=\"{}\" aria-describedby=\"endpoint-hint\">\
         <span id=\"endpoint-hint\" class=\"muted small\">{}</span></label>\
         <label>{}<input type=\"text\" name=\"accesskey\" data-testid=\"access-key\" autocomplete=\"username\" spellcheck=\"false\" value=\"{}\" required></label>\
         <label>{}<input type=\"password\" name=\"secret\" data-testid=\"secret-key\" autocomplete=\"current-password\" required></label>\
         <label>{}<select name=\"method\" data-testid=\"sign-method\">{}</select></label>\
         <label class=\"check\"><input type=\"checkbox\" name=\"remember\" data-testid=\"remember\" aria-describedby=\"remember-note\"{}>{}</label>\
         <p id=\"remember-note\" data-testid=\"remember-note\" class=\"{}\">{}</p>\
         <div class=\"line\"><button type=\"submit\" class=\"primary\" data-testid=\"connect\">{}</button>{}{}</div>",
        if named {
            format!(
                "<label>{}<input type=\"text\" name=\"account\" data-testid=\"account-name\" maxlength=\"{}\" spellcheck=\"false\" value=\"{}\" placeholder=\"{}\"></label>",
                t(M::AccountName),
                accounts::MAX_NAME,
                escape_html(&a.name),
                t(M::AccountNameHint),
            )
        } else {
            String::new()
        },
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
            button("forget", M::Forget)
        } else {
            String::new()
        },
        if kept {
            button("remove-account", M::RemoveAccount)
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

/// What the form says: the account's name (on the page), the API's base
/// URL and the credentials, or what is missing or wrong.
fn read_form(s: Stores, form: &web_sys::Element) -> Result<(String, String, Credentials), M> {
    let text = |name: &str| prop(form, name, "value").as_string().unwrap_or_default();
    let base = normalize_endpoint(&text("endpoint"), &origin(s)).map_err(|_| M::EndpointInvalid)?;
    let was = s.conn.shown_name().unwrap_or_default();
    let others: Vec<Account> = s
        .conn
        .accounts
        .with_value(|a| a.list.iter().filter(|a| a.name != was).cloned().collect());
    let name = text("account").trim().to_string();
    let name = if name.is_empty() {
        accounts::suggest_name(&base, &others)
    } else {
        name
    };
    if !accounts::valid_name(&name) {
        return Err(M::AccountNameInvalid);
    }
    if others.iter().any(|a| a.name == name) {
        return Err(M::AccountNameTaken);
    }
    let key = text("accesskey").trim().to_string();
    if key.is_empty() {
        return Err(M::AccessKeyMissing);
    }
    let secret = text("secret");
    if secret.is_empty() {
        return Err(M::SecretMissing);
    }
    let method = SignMethod::parse(&text("method")).unwrap_or_default();
    Ok((name, base, Credentials::new(key, secret, method)))
}

/// Shows `error` (or none) after the form, as the page's error box.
fn show_error(s: Stores, form: &web_sys::Element, error: Option<&FormError>) {
    if let Some(old) = form.next_element_sibling() {
        old.remove();
    }
    if let Some(e) = error {
        let _ = form.insert_adjacent_html("afterend", &error_html(s, e));
    }
}

fn error_html(s: Stores, e: &FormError) -> String {
    let (msg, detail) = match e {
        FormError::Invalid(m) => (s.t(*m).to_string(), None),
        FormError::Api(e) => describe(e, s.ui.lang()),
    };
    crate::components::notice::error_html("connect-error", &msg, detail.as_deref())
}

/// The page: its markup, and one delegated handler per event.
#[component]
pub fn ConnectPage() -> impl IntoView {
    let s = Stores::get();
    // The account shown (its secret to type), or a new one.
    let shown = s.conn.account(None);
    let kept = shown.is_some();
    let mut a = shown.unwrap_or_else(|| Account::new(String::new(), String::new()));
    if a.endpoint.is_empty() || s.ui.shell().endpoint().is_some() {
        a.endpoint = origin(s);
    }
    let html = format!(
        "<h1 id=\"connect-title\">{}</h1><form data-testid=\"connect-form\" novalidate>{}</form>{}",
        s.t(M::ConnectTitle),
        form_html(
            s,
            &a,
            s.ui.shell().adds_accounts(),
            kept && accounts::is_remembered(&a.name),
            kept,
        ),
        // An auto-connect failure (remembered secret) shows here too.
        s.list
            .error
            .get_untracked()
            .map_or_else(String::new, |e| error_html(s, &FormError::Api(e))),
    );
    let form_of = |ev: &web_sys::Event| {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("form").ok().flatten())
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(f) = form_of(&ev) else {
            return;
        };
        // Connecting already (the button is disabled meanwhile).
        if let Ok(Some(_)) = f.query_selector("[data-testid=connect][disabled]") {
            return;
        }
        let (name, base, creds) = match read_form(s, &f) {
            Ok(read) => read,
            Err(m) => return show_error(s, &f, Some(&FormError::Invalid(m))),
        };
        let remember = prop(&f, "remember", "checked").is_truthy();
        set_busy(s, &f, true);
        show_error(s, &f, None);
        s.ui.spawn(async move {
            let result = connect(s, Some(name), base, creds, remember).await;
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
                    show_error(s, &f, Some(&FormError::Api(e)));
                }
            }
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(f) = form_of(&ev) {
            remember_note(s, &f);
        }
    };
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| Some((e.get_attribute("data-testid")?, e)));
        let name = s.conn.shown_name().unwrap_or_default();
        match button {
            Some((id, _)) if id == "remove-account" => crate::connection::remove(s, &name),
            Some((id, b)) if id == "forget" => {
                if let Some(f) = form_of(&ev) {
                    crate::connection::forget_secret(s, Some(&name));
                    b.remove();
                    if let Ok(Some(r)) = f.query_selector("[name=remember]") {
                        let _ = js_sys::Reflect::set(&r, &"checked".into(), &false.into());
                    }
                    remember_note(s, &f);
                }
            }
            _ => {}
        }
    };

    view! {
        <section class="card narrow" aria-labelledby="connect-title" inner_html=html
            on:submit=on_submit on:change=on_change on:click=on_click></section>
    }
}
