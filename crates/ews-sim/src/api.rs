//! The six API operations: route (ews-core's table), faults, parameters,
//! signature, state.
//!
//! Order of checks: the path (404/405/400), injected faults, parameters
//! (query string, plus a form body on POST), `accesskey`/`timestamp`
//! present (1003), access key known (1004), signature and timestamp window
//! (ews-core's `sign::verify`), then the operation.

use bytes::Bytes;
use ews_core::request::{RouteError, parse_query};
use ews_core::sign::{
    self, DEFAULT_WINDOW_MS, PARAM_ACCESS_KEY, PARAM_TIMESTAMP, VerifyError, VerifyInput,
};
use ews_core::{Action, Operation};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{AUTHORIZATION, CONTENT_TYPE};
use hyper::{Method, Request, StatusCode};

use crate::clock::{shifted, system_now_ms};
use crate::config::Config;
use crate::faults::Injected;
use crate::quirks;
use crate::response::{self, ApiError, Resp};
use crate::server::{App, Reply, body_bytes, read_body};
use crate::state::ActError;

/// The page a misbehaving proxy answers with (the `html` fault).
const PROXY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// Handles a request under `/api`.
pub(crate) async fn handle(app: &App, req: Request<Incoming>) -> Reply {
    let route = Operation::route(req.method().as_str(), req.uri().path());
    let op_name = route.as_ref().ok().map(Operation::name);
    let (latency, injected) = {
        let mut guard = app.lock();
        let shared = &mut *guard;
        shared.faults.decide(&mut shared.fault_rng, op_name)
    };
    if latency > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    match injected {
        Some(Injected::Drop) => return Reply::Drop,
        Some(Injected::Status5xx(status)) => return injected_5xx(status).into(),
        Some(Injected::Html) => {
            return response::bytes(StatusCode::BAD_GATEWAY, "text/html", PROXY_PAGE).into();
        }
        Some(Injected::ApiError(code)) => {
            let message = if code == 1009 {
                "Timeout (injected fault: the service timed out; the request was not handled)"
            } else {
                "InternalError (injected fault: the request was not handled)"
            };
            return response::envelope_error(StatusCode::OK, &code.to_string(), message).into();
        }
        Some(Injected::Truncated) | None => {}
    }
    let resp = match route {
        Ok(op) => operate(app, op, req)
            .await
            .unwrap_or_else(ApiError::into_response),
        Err(e) => route_error(e).into_response(),
    };
    if injected == Some(Injected::Truncated) {
        return truncate(resp).await.into();
    }
    resp.into()
}

fn injected_5xx(status: u16) -> Resp {
    let (code, message) = match status {
        503 => (
            "1009",
            "Timeout (injected fault: service unavailable; the request was not handled)",
        ),
        502 => (
            "1001",
            "InternalError (injected fault: bad gateway; the request was not handled)",
        ),
        _ => (
            "1001",
            "InternalError (injected fault: the request was not handled)",
        ),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response::envelope_error(status, code, message)
}

/// The real answer with its body cut in half (the `truncated` fault).
async fn truncate(resp: Resp) -> Resp {
    let (parts, body) = resp.into_parts();
    let full = body_bytes(body).await;
    let cut: Bytes = full.slice(..full.len() / 2);
    hyper::Response::from_parts(parts, Full::new(cut))
}

fn route_error(e: RouteError) -> ApiError {
    match e {
        RouteError::MethodNotAllowed { allowed } => {
            ApiError::method_not_allowed(allowed, e.to_string())
        }
        RouteError::InvalidId(ref id) => ApiError::BadParam(id.to_string()),
        _ => ApiError::NoRoute(e.to_string()),
    }
}

fn is_form(req: &Request<Incoming>) -> bool {
    req.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

fn params_of(text: &str, origin: &str) -> Result<Vec<(String, String)>, ApiError> {
    parse_query(text).ok_or_else(|| {
        ApiError::BadParam(format!(
            "the {origin} cannot be read: a %-escape is broken or the text is not UTF-8"
        ))
    })
}

/// Runs one operation for a request whose path routed.
async fn operate(app: &App, op: Operation, req: Request<Incoming>) -> Result<Resp, ApiError> {
    let mut params = params_of(req.uri().query().unwrap_or(""), "query string")?;
    let authorization = req
        .headers()
        .get(AUTHORIZATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    if req.method() == Method::POST && is_form(&req) {
        let body = read_body(req.into_body()).await?;
        let text = std::str::from_utf8(&body)
            .map_err(|_| ApiError::BadParam("the form body is not UTF-8".to_owned()))?;
        params.extend(params_of(text, "form body")?);
    }

    let now = system_now_ms();
    let mut shared = app.lock();
    authenticate(
        app.config(),
        &params,
        authorization.as_deref(),
        shifted(now, shared.faults.clock_skew_ms),
    )?;
    let hang = shared.faults.hang;
    let (seed, quirks) = (app.config().seed, app.config().quirks);
    let sim = &mut shared.sim;
    sim.advance(now);
    let resp = match op {
        Operation::ListContainers => {
            let all: Vec<_> = sim.containers().collect();
            response::ok_text(&quirks::list(&all, seed, quirks))
        }
        Operation::GetContainer(id) => response::ok_text(&quirks::one(
            sim.container(id)
                .ok_or_else(|| ApiError::NotFound(ActError::NoContainer(id).to_string()))?,
            seed,
            quirks,
        )),
        Operation::GetCommand(id) => response::ok_api(&sim.command(id.as_str()).ok_or_else(|| {
            ApiError::NotFound(format!(
                "command {} does not exist: use the commandId that start, stop or delete returned (the simulator forgets commands when it restarts)",
                id.as_str().chars().take(64).collect::<String>()
            ))
        })?),
        Operation::StartContainer(_) | Operation::StopContainer(_) | Operation::DeleteContainer(_) => {
            let (action, id) = Action::of(&op).ok_or_else(|| ApiError::Internal("not an action".to_owned()))?;
            match sim.act(action, id, now, hang) {
                Ok(cmd) => response::ok_api(&cmd),
                Err(e @ ActError::NoContainer(_)) => return Err(ApiError::NotFound(e.to_string())),
                Err(e) => return Err(ApiError::Status(e.to_string())),
            }
        }
    };
    Ok(resp)
}

/// Checks `accesskey`, `timestamp` and the signature against the server's
/// clock `now_ms`.
pub(crate) fn authenticate(
    config: &Config,
    params: &[(String, String)],
    authorization: Option<&str>,
    now_ms: u64,
) -> Result<(), ApiError> {
    let pairs: Vec<(&str, &str)> = params
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    for name in [PARAM_ACCESS_KEY, PARAM_TIMESTAMP] {
        if sign::param(&pairs, name).is_none_or(str::is_empty) {
            return Err(ApiError::ParamRequired(
                VerifyError::MissingParam(name).to_string(),
            ));
        }
    }
    let key = sign::param(&pairs, PARAM_ACCESS_KEY).unwrap_or_default();
    if key != config.access_key {
        let shown: String = key.chars().take(64).collect();
        return Err(ApiError::Sign(format!(
            "the access key `{shown}` is unknown to this server: use the access key ews-sim printed at start-up (--access-key)"
        )));
    }
    let input = VerifyInput {
        method: config.sign_method,
        secret: &config.secret_key,
        params: &pairs,
        authorization,
        now_ms,
        window_ms: DEFAULT_WINDOW_MS,
    };
    sign::verify(&input).map_err(|e| match e {
        VerifyError::MissingParam(_) => ApiError::ParamRequired(e.to_string()),
        VerifyError::BadTimestamp => ApiError::BadParam(e.to_string()),
        VerifyError::BadSignature { .. } => ApiError::Sign(format!(
            "{e} (this server checks {})",
            config.sign_method.label()
        )),
        _ => ApiError::Sign(e.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ews_core::SignMethod;

    const NOW: u64 = 1_453_960_955_000;

    fn signed(cfg: &Config, ts: u64) -> (Vec<(String, String)>, String) {
        let ts = ts.to_string();
        let params = vec![
            ("accesskey".to_owned(), cfg.access_key.clone()),
            ("timestamp".to_owned(), ts.clone()),
        ];
        let sig = sign::signature(
            cfg.sign_method,
            &cfg.secret_key,
            &[("accesskey", &cfg.access_key), ("timestamp", &ts)],
        );
        (params, sig)
    }

    #[test]
    fn accepts_a_good_signature_in_either_case() {
        let cfg = Config::default();
        let (params, sig) = signed(&cfg, NOW);
        assert_eq!(authenticate(&cfg, &params, Some(&sig), NOW), Ok(()));
        assert_eq!(
            authenticate(&cfg, &params, Some(&sig.to_lowercase()), NOW),
            Ok(())
        );
    }

    #[test]
    fn explains_each_refusal() {
        let cfg = Config::default();
        let (params, sig) = signed(&cfg, NOW);
        let err = authenticate(&cfg, &params[..1], Some(&sig), NOW).unwrap_err();
        assert_eq!(err.code().code(), "1003");
        assert!(err.message().contains("timestamp"));
        let err = authenticate(&cfg, &params[1..], Some(&sig), NOW).unwrap_err();
        assert_eq!(err.code().code(), "1003");
        assert!(err.message().contains("accesskey"));

        let mut other = params.clone();
        other[0].1 = "nobody".to_owned();
        let err = authenticate(&cfg, &other, Some(&sig), NOW).unwrap_err();
        assert_eq!(err.code().code(), "1004");
        assert!(err.message().contains("unknown"), "{}", err.message());

        let err = authenticate(&cfg, &params, Some(&sig), NOW + 20 * 60_000).unwrap_err();
        assert_eq!(err.code().code(), "1004");
        assert!(err.message().contains("1200 s behind"), "{}", err.message());

        let sha1 = Config {
            sign_method: SignMethod::HmacSha1,
            ..Config::default()
        };
        let err = authenticate(&sha1, &params, Some(&sig), NOW).unwrap_err();
        assert!(
            err.message().contains("HMAC-MD5") && err.message().contains("HMAC-SHA1"),
            "{}",
            err.message()
        );

        let wrong_secret = Config {
            secret_key: "other".to_owned(),
            ..Config::default()
        };
        let err = authenticate(&wrong_secret, &params, Some(&sig), NOW).unwrap_err();
        assert!(err.message().contains("secret key"), "{}", err.message());

        let err = authenticate(&cfg, &params, None, NOW).unwrap_err();
        assert_eq!(err.code().code(), "1004");
        assert!(err.message().contains("Authorization"));

        let mut bad_ts = params.clone();
        bad_ts[1].1 = "soon".to_owned();
        assert_eq!(
            authenticate(&cfg, &bad_ts, Some(&sig), NOW)
                .unwrap_err()
                .code()
                .code(),
            "1002"
        );
    }
}
