//! The `#[wasm_bindgen]` exports: camelCase functions and classes with
//! TypeScript types, converting between `JsValue` and the glue modules.
//!
//! Typed values cross as JSON (`serde_json` here, `JSON.parse` there), so
//! JavaScript gets plain objects with the API's field names. Errors from
//! the protocol are thrown as `EwsError` instances: the class lives in the
//! hand-written `errors.js` next to the generated module (imported with
//! `raw_module`), so `err instanceof EwsError` holds for the class the
//! package exports. Misuse (a wrong argument type) throws a `TypeError`.
//! No message built here ever contains a secret key.

use ews_core::command::Outcome;
use ews_core::json::ToJson;
use ews_core::{Action, Command, ContainerStatus, Error, SignMethod, clock, sign};
use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use std::cell::RefCell;
use std::rc::Rc;

use ews_core::client::Exchange;
use ews_core::follow::Follower;
use ews_core::learn::Durations;

use crate::call::{Account, Answered, decode_json};
use crate::follow::{PolicyInit, command_from_json};
use crate::info::{ErrorInfo, NextInfo, OutcomeInfo, RequestInfo};
use crate::operation::{self, Id, OperationError, Shape};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** `md5` (HMAC-MD5, what the real service checks; the default) or `sha1`. */
export type SignMethodName = "md5" | "sha1" | "hmac-md5" | "hmac-sha1" | "HMAC-MD5" | "HMAC-SHA1";

/** Signed parameters: `[name, value]` pairs (names may repeat) or an object. */
export type SignParams = Array<[string, string | number]> | Record<string, string | number>;

/** The six operations: the core's short names or `EwsClient`'s method names. */
export type OperationName =
  | "list" | "get" | "start" | "stop" | "delete" | "command"
  | "listContainers" | "getContainer" | "startContainer" | "stopContainer"
  | "deleteContainer" | "getCommand";

/** What signs a request. `endpoint` (the API's base URL, without `/api/v1`) is optional here. */
export interface Credentials {
  accessKey: string;
  secretKey: string;
  signMethod?: SignMethodName;
  endpoint?: string;
}

/** The documented container states, or another one the server sent. */
export type ContainerStatus =
  | "ALLOCATING" | "ALLOCATED" | "STARTING" | "RUNNING" | "FAIL" | "RUNFAILED"
  | "STARTFAILED" | "STOPPING" | "STOPPED" | "LOGIN" | "STOPFAILED"
  | (string & {});

/** The documented command states, or another one the server sent. */
export type CommandStatus = "CREATED" | "PUBLISHED" | "PUBLISH_FAILED" | "RUNNING" | "DONE" | (string & {});

/** A container, with the API's field names. Times are the server's `YYYY-MM-DD hh:mm:ss` text, `""` when not set. */
export interface Container {
  id: number;
  nodeId: number | null;
  status: ContainerStatus;
  createTime: string;
  startTime: string;
  stopTime: string;
  /** The host; `-1` (any negative) means not placed on a host (yet). */
  hostId: number | null;
  /** CPU cores; `-1` means shared. */
  cpu: number | null;
  /** Memory, MB. */
  mem: number | null;
  /** Disk, MB. */
  disk: number | null;
  health: string;
  /**
   * Fields the server sent in a shape the documentation does not give (a
   * fraction, text where a number was documented, an object…): the field's
   * name and what was sent, as JSON text. The typed field is then `null`
   * (or, for a text field, that JSON text). Absent when there is none.
   */
  odd?: Record<string, string>;
}

/** A list item that could not be read as a container at all. */
export interface SkippedItem {
  /** Its position in the answer's `data`, from 0. */
  index: number;
  /** Its `id` as sent (JSON text), when it had one. */
  id: string | null;
  /** What was wrong, e.g. `it has no id`. */
  reason: string;
  /** The item as sent (JSON text, cut to 2,000 characters). */
  raw: string;
}

/** Every container that could be read; `skipped` accounts for each item that could not (one odd item never hides the others). */
export type ContainerList = Container[] & { skipped: SkippedItem[] };

/** A rolling operation's plan. */
export interface RolloutPlan {
  op: "start" | "stop" | "restart";
  /** The containers, in order. */
  targets: number[];
  /** Containers per batch: a count, or a share of the targets such as "25%" (default 1). */
  batch?: number | string;
  /** A pause between batches, ms (default 0). */
  pauseMs?: number;
  /** Failures allowed before the rollout halts (default 0: at the first). */
  tolerance?: number;
  /** A container not seen in its target state after this long failed, ms (default 5 min). */
  containerTimeoutMs?: number;
}

/** Where a rolling operation stands. */
export interface RolloutProgress {
  op: "start" | "stop" | "restart";
  state: "running" | "paused" | "halted" | "cancelled" | "done";
  /** The batch running or last run, from 0 (null before the first). */
  batch: number | null;
  batches: number;
  /** Time left, from the batches seen so far (null before one ended). */
  etaMs: number | null;
  containers: Array<{
    id: number;
    step: "pending" | "running" | "succeeded" | "failed" | "not_started";
    sinceMs?: number;
    tookMs?: number;
    reason?: string;
  }>;
}

/** One step of an activity. */
export interface Step {
  stepName: string;
  status: string;
  msg?: string;
}

/** One activity of a command, e.g. `PrepareParams`, `StartContainer`. */
export interface Activity {
  commandId: string;
  name: string;
  code: string;
  steps: Step[];
  createTime: string;
  endTime: string;
}

/** An asynchronous command (start, stop, delete). It succeeded when `status` is `DONE` and `result` is `"200"`. */
export interface Command {
  commandId: string;
  name: string;
  status: CommandStatus;
  result: string;
  resultMsg: string;
  createTime: string;
  endTime: string;
  /** The API's own spelling. */
  activitys: Activity[];
}

/** A request ready for `fetch(url, { method, headers })`. */
export interface SignedRequest {
  method: "GET" | "POST" | "DELETE";
  path: string;
  query: string;
  pathAndQuery: string;
  /** The value of the `Authorization` header (an HMAC, not a key). */
  authorization: string;
  headers: { Authorization: string };
  /** `endpoint + pathAndQuery`, when an endpoint was given. */
  url?: string;
  /** The signed timestamp, ms since 1970 (clock-corrected). */
  timestamp: number;
  /** The clock correction that was applied, ms. */
  correctionMs: number;
}

/** How a followed command ended. `message` is the text to show users. */
export interface Outcome {
  kind: "succeeded" | "failed" | "publish_failed" | "timed_out" | "lost";
  succeeded: boolean;
  failed: boolean;
  message: string;
  result?: string | null;
  resultMsg?: string | null;
  lastStatus?: CommandStatus | null;
  afterMs?: number | null;
  reason?: string | null;
  /** The command's id (set by `EwsClient.followCommand`). */
  commandId?: string;
  /** The last command seen (set by `EwsClient.followCommand`). */
  command?: Command | null;
}

/** A polling decision of the follow policy. */
export type Next = { done: false; pollInMs: number } | { done: true; outcome: Outcome };

/** The follow policy's knobs (all ms unless named otherwise). */
export interface FollowPolicy {
  firstDelayMs: number;
  minDelayMs: number;
  elapsedPercent: number;
  maxDelayMs: number;
  timeoutMs: number;
  maxConsecutiveErrors: number;
}

/** A state-changing action. */
export type Action = "start" | "stop" | "delete";

/** What `Call.answer` returns: the end of the call (its value, or the error), or the request to send once more (the core's one retry after a sign error that the corrected clock may fix). */
export type Answered<T = unknown> =
  | { done: true; ok: true; value: T }
  | { done: true; ok: false; error: import("./errors.js").EwsError }
  | { done: false; request: SignedRequest };
"#;

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    /// The `EwsError` class of `errors.js`.
    #[wasm_bindgen(js_name = EwsError)]
    type JsEwsError;

    #[wasm_bindgen(constructor, js_class = "EwsError")]
    fn new(info: &JsValue) -> JsEwsError;
}

// ---------------------------------------------------------------- helpers

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A value as a plain JavaScript object (written as JSON by the core's
/// writer, read by `JSON.parse`).
fn to_js<T: ToJson + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&value.to_json())
}

/// An `EwsError` instance from its plain form.
fn ews_error(info: &ErrorInfo) -> JsValue {
    match to_js(info) {
        Ok(plain) => JsEwsError::new(&plain).into(),
        Err(e) => e,
    }
}

fn core_error(e: &Error) -> JsValue {
    ews_error(&ErrorInfo::from_error(e))
}

fn operation_error(e: &OperationError) -> JsValue {
    match e {
        OperationError::Id(e) => core_error(e),
        OperationError::UnknownName(_) => type_error(&e.to_string()),
    }
}

/// A JSON text as a JavaScript value.
fn parse_json(json: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(json)
}

/// A decoded value as JavaScript gets it: a list is the array of its
/// containers, with the items that could not be read as its `skipped`.
fn value_to_js(shape: Shape, json: &str) -> Result<JsValue, JsValue> {
    let value = parse_json(json)?;
    if shape != Shape::ContainerList {
        return Ok(value);
    }
    let containers = Reflect::get(&value, &JsValue::from_str("containers"))?;
    let skipped = Reflect::get(&value, &JsValue::from_str("skipped"))?;
    Reflect::set(&containers, &JsValue::from_str("skipped"), &skipped)?;
    Ok(containers)
}

/// A JavaScript value as JSON text (`None` for `undefined`).
fn stringify(value: &JsValue) -> Result<Option<String>, JsValue> {
    if value.is_undefined() {
        return Ok(None);
    }
    Ok(js_sys::JSON::stringify(value)?.as_string())
}

fn id_arg(id: &JsValue) -> Result<Id, JsValue> {
    if id.is_undefined() || id.is_null() {
        Ok(Id::None)
    } else if let Some(n) = id.as_f64() {
        // Possible ids stay numbers; any other is refused with the text
        // JavaScript prints for it (the float printer stays out of the wasm).
        if n.fract() == 0.0 && (0.0..=9_007_199_254_740_991.0).contains(&n) {
            Ok(Id::Number(n))
        } else {
            Ok(Id::Text(text_arg(id)?))
        }
    } else if let Some(s) = id.as_string() {
        Ok(Id::Text(s))
    } else {
        Err(type_error("an id must be a number or a string"))
    }
}

fn ms_arg(name: &str, value: f64) -> Result<u64, JsValue> {
    if value.is_finite() && value >= 0.0 {
        Ok(value as u64)
    } else {
        Err(type_error(&format!(
            "{name} must be a non-negative number of ms"
        )))
    }
}

fn now_or(value: Option<f64>) -> Result<u64, JsValue> {
    ms_arg("nowMs", value.unwrap_or_else(js_sys::Date::now))
}

fn status_arg(status: f64) -> Result<u16, JsValue> {
    if status.fract() == 0.0 && (0.0..=999.0).contains(&status) {
        Ok(status as u16)
    } else {
        Err(type_error("status must be an HTTP status code"))
    }
}

fn method_arg(method: &JsValue) -> Result<SignMethod, JsValue> {
    if method.is_undefined() || method.is_null() {
        return Ok(SignMethod::default());
    }
    method
        .as_string()
        .and_then(|m| SignMethod::parse(&m))
        .ok_or_else(|| {
            type_error("unknown sign method: use \"md5\" (HMAC-MD5) or \"sha1\" (HMAC-SHA1)")
        })
}

/// A parameter value: strings as they are, numbers as JavaScript writes them.
fn text_arg(value: &JsValue) -> Result<String, JsValue> {
    if let Some(s) = value.as_string() {
        return Ok(s);
    }
    if value.as_f64().is_some()
        && let Some(s) = value
            .unchecked_ref::<js_sys::Number>()
            .to_string_with_radix(10)
            .ok()
            .and_then(|s| s.as_string())
    {
        return Ok(s);
    }
    Err(type_error(
        "a parameter name or value must be a string or a number",
    ))
}

fn params_arg(params: &JsValue) -> Result<Vec<(String, String)>, JsValue> {
    if params.is_undefined() || params.is_null() {
        return Ok(Vec::new());
    }
    let entries = if Array::is_array(params) {
        Array::from(params)
    } else if params.is_object() {
        Object::entries(params.unchecked_ref())
    } else {
        return Err(type_error(
            "params must be an array of [name, value] pairs or an object",
        ));
    };
    entries
        .iter()
        .map(|pair| {
            if !Array::is_array(&pair) || Array::from(&pair).length() != 2 {
                return Err(type_error("each parameter must be a [name, value] pair"));
            }
            let pair = Array::from(&pair);
            Ok((text_arg(&pair.get(0))?, text_arg(&pair.get(1))?))
        })
        .collect()
}

fn pairs(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// A response body: a string (UTF-8), a `Uint8Array` (or any view) or an `ArrayBuffer`.
fn body_arg(body: &JsValue) -> Result<Vec<u8>, JsValue> {
    if body.is_undefined() || body.is_null() {
        return Ok(Vec::new());
    }
    if let Some(s) = body.as_string() {
        return Ok(s.into_bytes());
    }
    if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
        return Ok(bytes.to_vec());
    }
    if let Some(buffer) = body.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    if ArrayBuffer::is_view(body) {
        let get = |key: &str| Reflect::get(body, &JsValue::from_str(key));
        let buffer: ArrayBuffer = get("buffer")?.unchecked_into();
        let offset = get("byteOffset")?.as_f64().unwrap_or(0.0) as u32;
        let len = get("byteLength")?.as_f64().unwrap_or(0.0) as u32;
        return Ok(Uint8Array::new_with_byte_offset_and_length(&buffer, offset, len).to_vec());
    }
    Err(type_error(
        "body must be a string, a Uint8Array or an ArrayBuffer",
    ))
}

/// Reads an optional string property.
fn string_prop(obj: &JsValue, key: &str) -> Result<Option<String>, JsValue> {
    let v = Reflect::get(obj, &JsValue::from_str(key))?;
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| type_error(&format!("{key} must be a string")))
}

/// An account from `{accessKey, secretKey, signMethod?, endpoint?}`.
fn account_arg(credentials: &JsValue) -> Result<Account, JsValue> {
    if !credentials.is_object() {
        return Err(type_error(
            "credentials must be an object {accessKey, secretKey, signMethod?, endpoint?}",
        ));
    }
    let access_key = string_prop(credentials, "accessKey")?
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| type_error("accessKey is required"))?;
    let secret_key = string_prop(credentials, "secretKey")?
        .ok_or_else(|| type_error("secretKey is required (a string)"))?;
    let method = method_arg(&Reflect::get(
        credentials,
        &JsValue::from_str("signMethod"),
    )?)?;
    let account = Account::new(&access_key, &secret_key, method);
    match string_prop(credentials, "endpoint")? {
        Some(e) if !e.trim().is_empty() => account.with_endpoint(&e).map_err(type_error),
        _ => Ok(account),
    }
}

fn decode_to_js(
    shape: Shape,
    status: f64,
    body: &JsValue,
    date_header: Option<String>,
    now_ms: Option<f64>,
) -> Result<JsValue, JsValue> {
    let status = status_arg(status)?;
    let bytes = body_arg(body)?;
    let now = now_or(now_ms)?;
    let result = ews_core::decode::with_date(
        decode_json(shape, status, &bytes),
        date_header.as_deref(),
        now,
    );
    match result {
        Ok(json) => value_to_js(shape, &json),
        Err(e) => Err(core_error(&e)),
    }
}

/// A partial follow policy: `undefined`/`null`, or an object of numbers.
fn policy_arg(policy: &JsValue) -> Result<ews_core::FollowPolicy, JsValue> {
    if policy.is_undefined() || policy.is_null() {
        return Ok(ews_core::FollowPolicy::default());
    }
    if !policy.is_object() {
        return Err(type_error("invalid follow policy: it must be an object"));
    }
    // As JSON would have it: a field set to `undefined` is no field.
    let entries = Object::entries(policy.unchecked_ref());
    let fields = entries.iter().filter_map(|pair| {
        let pair = Array::from(&pair);
        let value = pair.get(1);
        (!value.is_undefined())
            .then(|| (pair.get(0).as_string().unwrap_or_default(), value.as_f64()))
    });
    PolicyInit::from_fields(fields).map_err(|e| type_error(&e))
}

fn command_arg(command: &JsValue) -> Result<Command, JsValue> {
    let json = stringify(command)?.unwrap_or_default();
    command_from_json(&json).map_err(|e| type_error(&e))
}

// -------------------------------------------------------------- functions

/// The signature of `params` under `secret`: upper-case hex HMAC (MD5 by
/// default) of `secret + name1 + value1 + … + secret`, parameters sorted by
/// name. Never include path parameters or the secret in `params`.
#[wasm_bindgen(js_name = signature)]
pub fn signature(
    #[wasm_bindgen(unchecked_param_type = "SignMethodName | null | undefined")] method: JsValue,
    secret: &str,
    #[wasm_bindgen(unchecked_param_type = "SignParams")] params: JsValue,
) -> Result<String, JsValue> {
    let method = method_arg(&method)?;
    let params = params_arg(&params)?;
    Ok(sign::signature(method, secret, &pairs(&params)))
}

/// The exact string that is HMAC'd, for debugging a signature. It contains
/// the secret: never log it.
#[wasm_bindgen(js_name = stringToSign)]
pub fn string_to_sign(
    secret: &str,
    #[wasm_bindgen(unchecked_param_type = "SignParams")] params: JsValue,
) -> Result<String, JsValue> {
    let params = params_arg(&params)?;
    Ok(sign::string_to_sign(secret, &pairs(&params)))
}

/// A signed request for one of the six operations, at `nowMs` (ms since
/// 1970; pass a clock-corrected time, see `clockCorrectionMs`). `id` is the
/// container id (number or numeric string) or the command id; `null` for
/// `list`. Throws an `EwsError` of kind `invalid_id` for a bad id.
#[wasm_bindgen(js_name = buildRequest, unchecked_return_type = "SignedRequest")]
pub fn build_request(
    #[wasm_bindgen(unchecked_param_type = "OperationName")] operation: &str,
    #[wasm_bindgen(unchecked_param_type = "number | string | null | undefined")] id: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Credentials")] credentials: JsValue,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> Result<JsValue, JsValue> {
    let account = account_arg(&credentials)?;
    let op = operation::parse(operation, id_arg(&id)?).map_err(|e| operation_error(&e))?;
    to_js(&account.begin(op, ms_arg("nowMs", now_ms)?).1)
}

/// Decodes the answer to `GET /api/v1/container` (any HTTP status: the
/// envelope decides). `dateHeader` and `nowMs` (default: now) let a sign
/// error say how far off the local clock is. Throws an `EwsError`.
#[wasm_bindgen(js_name = decodeContainerList, unchecked_return_type = "ContainerList")]
pub fn decode_container_list(
    status: f64,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] body: JsValue,
    #[wasm_bindgen(js_name = dateHeader)] date_header: Option<String>,
    #[wasm_bindgen(js_name = nowMs)] now_ms: Option<f64>,
) -> Result<JsValue, JsValue> {
    decode_to_js(Shape::ContainerList, status, &body, date_header, now_ms)
}

/// Decodes the answer to `GET /api/v1/container/{id}`. Throws an `EwsError`.
#[wasm_bindgen(js_name = decodeContainer, unchecked_return_type = "Container")]
pub fn decode_container(
    status: f64,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] body: JsValue,
    #[wasm_bindgen(js_name = dateHeader)] date_header: Option<String>,
    #[wasm_bindgen(js_name = nowMs)] now_ms: Option<f64>,
) -> Result<JsValue, JsValue> {
    decode_to_js(Shape::Container, status, &body, date_header, now_ms)
}

/// Decodes the answer to start, stop, delete or `GET /api/v1/command/{id}`.
/// Throws an `EwsError`.
#[wasm_bindgen(js_name = decodeCommand, unchecked_return_type = "Command")]
pub fn decode_command(
    status: f64,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] body: JsValue,
    #[wasm_bindgen(js_name = dateHeader)] date_header: Option<String>,
    #[wasm_bindgen(js_name = nowMs)] now_ms: Option<f64>,
) -> Result<JsValue, JsValue> {
    decode_to_js(Shape::Command, status, &body, date_header, now_ms)
}

/// Decodes the answer to `operation`: a `ContainerList` for list, `Container`
/// for get, `Command` for the others. Throws an `EwsError`.
#[wasm_bindgen(js_name = decodeResponse, unchecked_return_type = "ContainerList | Container | Command")]
pub fn decode_response(
    #[wasm_bindgen(unchecked_param_type = "OperationName")] operation: &str,
    status: f64,
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] body: JsValue,
    #[wasm_bindgen(js_name = dateHeader)] date_header: Option<String>,
    #[wasm_bindgen(js_name = nowMs)] now_ms: Option<f64>,
) -> Result<JsValue, JsValue> {
    let shape = operation::shape_of_name(operation).map_err(|e| operation_error(&e))?;
    decode_to_js(shape, status, &body, date_header, now_ms)
}

/// Server clock minus local clock, ms, from a response's `Date` header
/// received at local time `nowMs`; 0 when within the noise (2 s); `undefined`
/// when the header is not an HTTP date. Add it to `Date.now()` when signing.
#[wasm_bindgen(js_name = clockCorrectionMs)]
pub fn clock_correction_ms(
    #[wasm_bindgen(js_name = dateHeader)] date_header: &str,
    #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
) -> Result<Option<f64>, JsValue> {
    let now = ms_arg("nowMs", now_ms)?;
    Ok(clock::correction_ms(date_header, now).map(|c| c as f64))
}

/// Whether `action` is a usual one for a container in `status` (`stuck`:
/// it has been in that passing state for 5 minutes or more, which makes a
/// stop usual): advice the UI shows prominently, never a lock (the service
/// decides, and refuses with `1007 StatusError`).
#[wasm_bindgen(js_name = actionUsual)]
pub fn action_usual(
    #[wasm_bindgen(unchecked_param_type = "Action")] action: &str,
    #[wasm_bindgen(unchecked_param_type = "ContainerStatus")] status: &str,
    stuck: Option<bool>,
) -> Result<bool, JsValue> {
    let action = Action::parse(action)
        .ok_or_else(|| type_error("unknown action: use start, stop or delete"))?;
    Ok(action.usual_when(&ContainerStatus::parse(status), stuck.unwrap_or(false)))
}

/// The usual actions for a container in `status` (and `stuck` there or
/// not), in the order start, stop, delete (empty for passing and unknown
/// states: the usual thing is to wait, but any action may still be sent).
#[wasm_bindgen(js_name = usualActions, unchecked_return_type = "Action[]")]
pub fn usual_actions(
    #[wasm_bindgen(unchecked_param_type = "ContainerStatus")] status: &str,
    stuck: Option<bool>,
) -> JsValue {
    let status = ContainerStatus::parse(status);
    let stuck = stuck.unwrap_or(false);
    Action::ALL
        .into_iter()
        .filter(|a| a.usual_when(&status, stuck))
        .map(|a| JsValue::from_str(a.as_str()))
        .collect::<Array>()
        .into()
}

/// What a container state means, from the API documentation, in English
/// (`lang` "en", the default) or Chinese ("zh"); a state the documentation
/// does not list gets a sentence saying so.
#[wasm_bindgen(js_name = stateMeaning)]
pub fn state_meaning(
    #[wasm_bindgen(unchecked_param_type = "ContainerStatus")] status: &str,
    #[wasm_bindgen(unchecked_param_type = "\"en\" | \"zh\" | undefined")] lang: Option<String>,
) -> String {
    let status = ContainerStatus::parse(status);
    match lang.as_deref() {
        Some("zh") => status.meaning_zh(),
        _ => status.meaning_en(),
    }
    .into()
}

/// The outcome a command reports, or `undefined` while it runs.
#[wasm_bindgen(js_name = outcomeOf, unchecked_return_type = "Outcome | undefined")]
pub fn outcome_of(
    #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
) -> Result<JsValue, JsValue> {
    match Outcome::of(&command_arg(&command)?) {
        Some(o) => to_js(&OutcomeInfo::from_outcome(&o)),
        None => Ok(JsValue::UNDEFINED),
    }
}

/// The core's default follow policy.
#[wasm_bindgen(js_name = defaultFollowPolicy, unchecked_return_type = "FollowPolicy")]
pub fn default_follow_policy() -> Result<JsValue, JsValue> {
    to_js(&PolicyInit::of(&Default::default()))
}

// ---------------------------------------------------------------- classes

/// Follows one command with the core's follower: ask `start()` (or
/// `afterStatus(0, command)` with the answer to start/stop/delete), wait
/// `pollInMs`, poll `GET /api/v1/command/{id}`, then ask `afterStatus` or
/// `afterError`, until the answer is `{done: true, outcome}`. Times are ms
/// since the command was issued. `EwsClient.followCommand` does all of this.
#[wasm_bindgen]
pub struct CommandFollower {
    inner: Follower,
    /// The client's learned durations, when made by `ClientCore.follower`.
    learned: Option<Rc<RefCell<Durations>>>,
    action: Option<Action>,
}

#[wasm_bindgen]
impl CommandFollower {
    /// A follower with the default policy, or with some of its knobs changed.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "Partial<FollowPolicy> | null")]
        policy: JsValue,
    ) -> Result<CommandFollower, JsValue> {
        let policy = policy_arg(&policy)?;
        Ok(CommandFollower {
            inner: Follower::new(policy, 0),
            learned: None,
            action: None,
        })
    }

    /// The policy in use.
    #[wasm_bindgen(getter, unchecked_return_type = "FollowPolicy")]
    pub fn policy(&self) -> Result<JsValue, JsValue> {
        to_js(&PolicyInit::of(self.inner.policy()))
    }

    /// The first decision, before any status was seen: the first poll's
    /// delay. (With the command start/stop/delete returned, ask
    /// `afterStatus(0, command)` instead.)
    #[wasm_bindgen(unchecked_return_type = "Next")]
    pub fn start(&mut self) -> Result<JsValue, JsValue> {
        to_js(&NextInfo::from_next(&self.inner.start(0, None)))
    }

    /// The decision after seeing `command` at `elapsedMs` (the answer to
    /// start/stop/delete counts, at 0).
    #[wasm_bindgen(js_name = afterStatus, unchecked_return_type = "Next")]
    pub fn after_status(
        &mut self,
        #[wasm_bindgen(js_name = elapsedMs)] elapsed_ms: f64,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
    ) -> Result<JsValue, JsValue> {
        let elapsed = ms_arg("elapsedMs", elapsed_ms)?;
        let command = command_arg(&command)?;
        self.learn_action(&command);
        let next = self.inner.on_command(elapsed, &command);
        if let (ews_core::Next::Done(o), Some(took), Some(learned), Some(action)) =
            (&next, self.inner.took_ms(), &self.learned, self.action)
            && o.is_success()
        {
            learned.borrow_mut().record(action, took);
        }
        to_js(&NextInfo::from_next(&next))
    }

    /// The decision after a poll failed at `elapsedMs`. An `EwsError` counts
    /// as transient or not by its `transient` flag; anything else stops
    /// following (it is not a failure of the API).
    #[wasm_bindgen(js_name = afterError, unchecked_return_type = "Next")]
    pub fn after_error(
        &mut self,
        #[wasm_bindgen(js_name = elapsedMs)] elapsed_ms: f64,
        #[wasm_bindgen(unchecked_param_type = "unknown")] error: JsValue,
    ) -> Result<JsValue, JsValue> {
        let elapsed = ms_arg("elapsedMs", elapsed_ms)?;
        let (transient, reason) = failure_of(&error);
        to_js(&NextInfo::from_next(
            &self.inner.on_failure(elapsed, transient, reason),
        ))
    }
}

impl CommandFollower {
    /// Once the command's action is known (from its name), polls near the
    /// end the client's earlier commands of that action say.
    fn learn_action(&mut self, command: &Command) {
        if self.action.is_some() {
            return;
        }
        self.action = Action::of_command_name(&command.name);
        if let (Some(learned), Some(action)) = (&self.learned, self.action)
            && !self.inner.has_expectation()
        {
            self.inner.set_expectation(learned.borrow().expect(action));
        }
    }
}

/// `(transient, message)` of a thrown value.
fn failure_of(error: &JsValue) -> (bool, String) {
    let prop = |key: &str| Reflect::get(error, &JsValue::from_str(key)).ok();
    let transient = prop("transient").and_then(|v| v.as_bool());
    let message = prop("message").and_then(|v| v.as_string());
    match (transient, message) {
        (Some(t), Some(m)) => (t, m),
        (None, Some(m)) => (false, m),
        _ => (
            false,
            error
                .as_string()
                .unwrap_or_else(|| String::from("unknown error")),
        ),
    }
}

/// The state of one `EwsClient`: the core's client brain for its
/// credentials (kept in wasm memory, never handed back), its endpoint and
/// its clock correction. `begin` starts a [`Call`].
#[wasm_bindgen]
pub struct ClientCore {
    account: Rc<RefCell<Account>>,
    /// How long this client's commands took, per action (the core's
    /// learned schedule for the next ones).
    learned: Rc<RefCell<Durations>>,
}

#[wasm_bindgen]
impl ClientCore {
    /// From `{endpoint, accessKey, secretKey, signMethod?}`; throws a
    /// `TypeError` naming what is missing (never the secret).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Credentials & { endpoint: string }")]
        options: JsValue,
    ) -> Result<ClientCore, JsValue> {
        let account = account_arg(&options)?;
        if account.endpoint().is_none() {
            return Err(type_error(
                "endpoint is required: the API's base URL, e.g. https://open-ews.cloud.tmall.com",
            ));
        }
        Ok(ClientCore {
            account: Rc::new(RefCell::new(account)),
            learned: Rc::new(RefCell::new(Durations::new())),
        })
    }

    /// The API's base URL, without a trailing slash.
    #[wasm_bindgen(getter)]
    pub fn endpoint(&self) -> String {
        self.account
            .borrow()
            .endpoint()
            .unwrap_or_default()
            .to_owned()
    }

    /// The access key (an identifier, not a secret).
    #[wasm_bindgen(getter, js_name = accessKey)]
    pub fn access_key(&self) -> String {
        self.account.borrow().access_key().to_owned()
    }

    /// `md5` or `sha1`.
    #[wasm_bindgen(getter, js_name = signMethod, unchecked_return_type = "\"md5\" | \"sha1\"")]
    pub fn sign_method(&self) -> String {
        self.account.borrow().sign_method().as_str().to_owned()
    }

    /// Server clock minus local clock, ms, as the core has learned it.
    #[wasm_bindgen(getter, js_name = correctionMs)]
    pub fn correction_ms(&self) -> f64 {
        self.account.borrow().correction_ms() as f64
    }

    /// A follower for one of this client's commands: polls on the policy
    /// until the client has seen three commands of the same action end,
    /// then near the end they say (and learns from this one).
    pub fn follower(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "Partial<FollowPolicy> | null")]
        policy: JsValue,
    ) -> Result<CommandFollower, JsValue> {
        let policy = policy_arg(&policy)?;
        Ok(CommandFollower {
            inner: Follower::new(policy, 0),
            learned: Some(Rc::clone(&self.learned)),
            action: None,
        })
    }

    /// What this client has learned of how long commands take:
    /// `{start: ms[], stop: ms[], delete: ms[]}`.
    #[wasm_bindgen(
        getter,
        unchecked_return_type = "{ start: number[]; stop: number[]; delete: number[] }"
    )]
    pub fn durations(&self) -> Result<JsValue, JsValue> {
        let mut text = String::new();
        self.learned.borrow().write_json(&mut text);
        js_sys::JSON::parse(&text)
    }

    /// Begins `operation` on `id` at local time `nowMs`: the call, whose
    /// `request` is signed with the corrected clock. Throws an `EwsError` of
    /// kind `invalid_id` for a bad id.
    pub fn begin(
        &self,
        #[wasm_bindgen(unchecked_param_type = "OperationName")] operation: &str,
        #[wasm_bindgen(unchecked_param_type = "number | string | null | undefined")] id: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<Call, JsValue> {
        let op = operation::parse(operation, id_arg(&id)?).map_err(|e| operation_error(&e))?;
        let (exchange, request) = self.account.borrow().begin(op, ms_arg("nowMs", now_ms)?);
        Ok(Call {
            account: Rc::clone(&self.account),
            exchange,
            request,
        })
    }
}

/// One operation in flight on a `ClientCore`: send `request`, hand the
/// answer to `answer` (or say there was none with `noAnswer`), and do what
/// it says.
#[wasm_bindgen]
pub struct Call {
    account: Rc<RefCell<Account>>,
    exchange: Exchange,
    request: RequestInfo,
}

#[wasm_bindgen]
impl Call {
    /// The request to send now.
    #[wasm_bindgen(getter, unchecked_return_type = "SignedRequest")]
    pub fn request(&self) -> Result<JsValue, JsValue> {
        to_js(&self.request)
    }

    /// Handles the answer, received at local time `nowMs`: `{done: true,
    /// ok: true, value}`, `{done: true, ok: false, error}`, or `{done:
    /// false, request}` — send that request, then answer again.
    #[wasm_bindgen(unchecked_return_type = "Answered<ContainerList | Container | Command>")]
    pub fn answer(
        &mut self,
        status: f64,
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | string")] body: JsValue,
        #[wasm_bindgen(js_name = dateHeader)] date_header: Option<String>,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let status = status_arg(status)?;
        let bytes = body_arg(&body)?;
        let now = ms_arg("nowMs", now_ms)?;
        let shape = operation::shape(self.exchange.operation());
        let got = self.account.borrow_mut().answer(
            &mut self.exchange,
            status,
            &bytes,
            date_header.as_deref(),
            now,
        );
        let out = Object::new();
        let set = |key: &str, value: &JsValue| Reflect::set(&out, &JsValue::from_str(key), value);
        match got {
            Answered::Value(json) => {
                set("done", &JsValue::TRUE)?;
                set("ok", &JsValue::TRUE)?;
                set("value", &value_to_js(shape, &json)?)?;
            }
            Answered::Error(error) => {
                set("done", &JsValue::TRUE)?;
                set("ok", &JsValue::FALSE)?;
                set("error", &core_error(&error))?;
            }
            Answered::Resend(request) => {
                set("done", &JsValue::FALSE)?;
                let js = to_js(&request)?;
                set("request", &js)?;
                self.request = request;
            }
        }
        Ok(out.into())
    }

    /// The `EwsError` (kind `network`, transient) for the request that got
    /// no answer; `cause` is the runtime's text, `timedOut` whether the
    /// request timeout ended it.
    #[wasm_bindgen(js_name = noAnswer, unchecked_return_type = "import(\"./errors.js\").EwsError")]
    pub fn no_answer(
        &self,
        cause: &str,
        #[wasm_bindgen(js_name = timedOut)] timed_out: bool,
    ) -> JsValue {
        core_error(
            &self
                .account
                .borrow()
                .no_answer(&self.exchange, timed_out, cause),
        )
    }
}

// ---------------------------------------------------------------- fleets

/// Many commands followed through the container list (the core's `Watch`):
/// read the list every `tickMs`, hand it to `onList`, read once each command
/// it returns, hand that to `onCommand`.
#[wasm_bindgen]
pub struct CommandWatch {
    inner: ews_core::watch::Watch,
}

#[wasm_bindgen]
impl CommandWatch {
    /// An empty watch.
    #[wasm_bindgen(constructor)]
    pub fn new() -> CommandWatch {
        CommandWatch {
            inner: crate::fleet::new_watch(),
        }
    }

    /// The list is read this often while commands are watched, ms.
    #[wasm_bindgen(getter, js_name = tickMs)]
    pub fn tick_ms(&self) -> f64 {
        ews_core::watch::TICK_MS as f64
    }

    /// Watches `{containerId, commandId, action, from}` (`from`: the
    /// container's state before the action), issued at `nowMs`.
    pub fn add(
        &mut self,
        #[wasm_bindgen(
            unchecked_param_type = "{ containerId: number; commandId: string; action: Action; from?: ContainerStatus }"
        )]
        item: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<(), JsValue> {
        let json = stringify(&item)?.unwrap_or_default();
        crate::fleet::watch_add(&mut self.inner, &json, ms_arg("nowMs", now_ms)?)
            .map_err(|e| type_error(&e))
    }

    /// Whether any watched command has not ended.
    #[wasm_bindgen(getter)]
    pub fn active(&self) -> bool {
        self.inner.is_active()
    }

    /// A list read at `nowMs`: the command ids to read once now.
    #[wasm_bindgen(js_name = onList, unchecked_return_type = "string[]")]
    pub fn on_list(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Container[]")] containers: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let json = stringify(&containers)?.unwrap_or_default();
        js_sys::JSON::parse(&crate::fleet::watch_list(
            &mut self.inner,
            &json,
            ms_arg("nowMs", now_ms)?,
        ))
    }

    /// The confirming read of a command: `{containerId, outcome}` when it
    /// ended, else `undefined` (it is watched again).
    #[wasm_bindgen(js_name = onCommand, unchecked_return_type = "{ containerId: number; outcome: Outcome } | undefined")]
    pub fn on_command(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Command")] command: JsValue,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let command = command_arg(&command)?;
        match self.inner.on_command(ms_arg("nowMs", now_ms)?, &command) {
            Some((id, outcome)) => ended_json(id, &outcome),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// The confirming read of `commandId` failed with `error` (an
    /// `EwsError`'s `transient` decides whether it is tried again).
    #[wasm_bindgen(js_name = onFailure, unchecked_return_type = "{ containerId: number; outcome: Outcome } | undefined")]
    pub fn on_failure(
        &mut self,
        #[wasm_bindgen(js_name = commandId)] command_id: &str,
        #[wasm_bindgen(unchecked_param_type = "unknown")] error: JsValue,
    ) -> Result<JsValue, JsValue> {
        let (transient, reason) = failure_of(&error);
        let Ok(id) = ews_core::CommandId::new(command_id) else {
            return Ok(JsValue::UNDEFINED);
        };
        match self.inner.on_command_failure(&id, transient, reason) {
            Some((c, outcome)) => ended_json(c, &outcome),
            None => Ok(JsValue::UNDEFINED),
        }
    }

    /// Reads so far: `{lists, commands}`.
    #[wasm_bindgen(getter, unchecked_return_type = "{ lists: number; commands: number }")]
    pub fn reads(&self) -> Result<JsValue, JsValue> {
        let (lists, commands) = self.inner.reads();
        js_sys::JSON::parse(&format!(r#"{{"lists":{lists},"commands":{commands}}}"#))
    }
}

impl Default for CommandWatch {
    fn default() -> Self {
        CommandWatch::new()
    }
}

fn ended_json(id: ews_core::ContainerId, outcome: &Outcome) -> Result<JsValue, JsValue> {
    let mut text = String::new();
    let mut o = ews_core::json::Obj::new(&mut text);
    o.uint("containerId", id.0);
    OutcomeInfo::from_outcome(outcome).write_json(o.key("outcome"));
    o.end();
    js_sys::JSON::parse(&text)
}

/// A rolling operation (the core's `Rollout`): ask `next(nowMs)` what to do,
/// report each container's end with `onResult`.
#[wasm_bindgen]
pub struct RolloutRun {
    inner: ews_core::rollout::Rollout,
}

#[wasm_bindgen]
impl RolloutRun {
    /// From `{op, targets, batch?, pauseMs?, tolerance?, containerTimeoutMs?}`;
    /// `batch` is a count or a share such as `"25%"`. Throws a `TypeError`
    /// saying what is wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RolloutPlan")] plan: JsValue,
    ) -> Result<RolloutRun, JsValue> {
        let json = stringify(&plan)?.unwrap_or_default();
        crate::fleet::rollout(&json)
            .map(|inner| RolloutRun { inner })
            .map_err(|e| type_error(&e))
    }

    /// What to do at `nowMs`: `{act: ids}`, `{waitMs}` or `{idle: true}`.
    #[wasm_bindgen(unchecked_return_type = "{ act?: number[]; waitMs?: number; idle?: boolean }")]
    pub fn next(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        let step = self.inner.next(ms_arg("nowMs", now_ms)?);
        js_sys::JSON::parse(&crate::fleet::step_json(&step))
    }

    /// Container `id` reached its target state (`reason` undefined) or did
    /// not (`reason` says why), at `nowMs`.
    #[wasm_bindgen(js_name = onResult)]
    pub fn on_result(
        &mut self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
        id: f64,
        reason: Option<String>,
    ) -> Result<(), JsValue> {
        let id = ews_core::ContainerId(ms_arg("id", id)?);
        self.inner
            .on_result(ms_arg("nowMs", now_ms)?, id, reason.map_or(Ok(()), Err));
        Ok(())
    }

    /// Pauses (the running batch finishes; no new one starts).
    pub fn pause(&mut self) {
        self.inner.pause();
    }

    /// Resumes.
    pub fn resume(&mut self) {
        self.inner.resume();
    }

    /// Cancels: no other container starts.
    pub fn cancel(&mut self) {
        self.inner.cancel();
    }

    /// Where it stands at `nowMs`: `{op, state, batch, batches, etaMs, containers}`.
    #[wasm_bindgen(unchecked_return_type = "RolloutProgress")]
    pub fn progress(
        &self,
        #[wasm_bindgen(js_name = nowMs)] now_ms: f64,
    ) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&crate::fleet::progress_json(
            &self.inner,
            ms_arg("nowMs", now_ms)?,
        ))
    }
}

/// The success or failure of an `Outcome` object as the core's `Outcome`
/// (only whether it succeeded matters to a restart).
fn stop_outcome(stop: &JsValue) -> Outcome {
    let ok = Reflect::get(stop, &JsValue::from_str("succeeded"))
        .ok()
        .and_then(|k| k.as_bool())
        .unwrap_or(false);
    if ok {
        Outcome::Succeeded {
            message: String::new(),
        }
    } else {
        Outcome::Failed {
            result: String::new(),
            message: String::new(),
        }
    }
}

/// A restart's rule: `undefined` when its start may be sent (the stop's
/// outcome succeeded and the container is seen STOPPED), else why not.
#[wasm_bindgen(js_name = restartMayStart)]
pub fn restart_may_start(
    #[wasm_bindgen(unchecked_param_type = "Outcome")] stop: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ContainerStatus")] status: &str,
) -> Option<String> {
    ews_core::rollout::restart_may_start(&stop_outcome(&stop), &ContainerStatus::parse(status))
        .err()
}

/// One restart's steps after its stop, as the core's `Restart` decides
/// them: `next()` and `onStatus()` answer `{look: ms}` (read the container
/// after `ms` and report its state), `{start: true}` or `{leaveAlone: why}`.
#[wasm_bindgen]
pub struct RestartSteps {
    inner: ews_core::rollout::Restart,
    next: ews_core::rollout::RestartNext,
}

fn restart_next_js(next: &ews_core::rollout::RestartNext) -> JsValue {
    use ews_core::rollout::RestartNext;
    let o = Object::new();
    let (key, value) = match next {
        RestartNext::Look { in_ms } => ("look", JsValue::from_f64(*in_ms as f64)),
        RestartNext::Start => ("start", JsValue::TRUE),
        RestartNext::LeaveAlone(why) => ("leaveAlone", JsValue::from_str(&why.to_string())),
    };
    let _ = Reflect::set(&o, &JsValue::from_str(key), &value);
    o.into()
}

#[wasm_bindgen]
impl RestartSteps {
    /// After the stop ended as `stop` (an `Outcome`).
    #[wasm_bindgen(constructor)]
    pub fn new(#[wasm_bindgen(unchecked_param_type = "Outcome")] stop: JsValue) -> RestartSteps {
        let (inner, next) = ews_core::rollout::Restart::after_stop(stop_outcome(&stop));
        RestartSteps { inner, next }
    }

    /// The step to take now.
    pub fn next(&self) -> JsValue {
        restart_next_js(&self.next)
    }

    /// The container was seen in `status` (`null`: it could not be read);
    /// returns the next step.
    #[wasm_bindgen(js_name = onStatus)]
    pub fn on_status(&mut self, status: Option<String>) -> JsValue {
        let status = status.as_deref().map(ContainerStatus::parse);
        self.next = self.inner.on_status(status.as_ref());
        restart_next_js(&self.next)
    }
}
