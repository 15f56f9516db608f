//! `--static DIR`: the built console at `/`, with SPA fallback.
//!
//! A path names a file under DIR; a path without a file extension that names
//! no file gets `index.html` (the console's router handles it); a missing
//! asset (a path with an extension) is a 404. Paths never leave DIR.

use std::path::{Path, PathBuf};

use hyper::StatusCode;
use hyper::header::{CACHE_CONTROL, HeaderValue};

use crate::response::{ApiError, Resp, bytes};

/// The content type for a file name.
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The file a URL path names under `dir`, or `None` when the path is not
/// acceptable (escapes, `..`, NUL, broken escapes).
pub fn resolve(dir: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = ews_core::request::percent_decode(url_path)?;
    let mut out = dir.to_path_buf();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s if s.contains('\\') || s.contains('\0') || s.contains(':') => return None,
            s => out.push(s),
        }
    }
    Some(out)
}

/// Whether the last segment has a file extension (`app.js`, not `containers`).
fn looks_like_asset(url_path: &str) -> bool {
    url_path
        .rsplit('/')
        .next()
        .is_some_and(|last| last.rfind('.').is_some_and(|i| i > 0 && i + 1 < last.len()))
}

async fn is_file(p: &Path) -> bool {
    tokio::fs::metadata(p).await.is_ok_and(|m| m.is_file())
}

async fn is_dir(p: &Path) -> bool {
    tokio::fs::metadata(p).await.is_ok_and(|m| m.is_dir())
}

/// Answers `GET`/`HEAD` for `url_path` from `dir`.
pub async fn serve(dir: &Path, url_path: &str, head: bool) -> Resp {
    let not_found = || {
        ApiError::NotFound(format!(
            "no file at {}",
            url_path.chars().take(200).collect::<String>()
        ))
    };
    let Some(mut file) = resolve(dir, url_path) else {
        return not_found().into_response();
    };
    if !is_file(&file).await {
        if is_dir(&file).await && is_file(&file.join("index.html")).await {
            file = file.join("index.html");
        } else if looks_like_asset(url_path) {
            return not_found().into_response();
        } else {
            file = dir.join("index.html");
        }
    }
    let body = match tokio::fs::read(&file).await {
        Ok(b) => b,
        Err(_) => return not_found().into_response(),
    };
    let content_type = content_type(&file);
    let len = body.len();
    let mut resp = bytes(
        StatusCode::OK,
        content_type,
        if head { Vec::new() } else { body },
    );
    let cache = if content_type.starts_with("text/html") {
        "no-cache"
    } else {
        "public, max-age=60"
    };
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    if head {
        resp.headers_mut()
            .insert(hyper::header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types() {
        for (name, ct) in [
            ("a.wasm", "application/wasm"),
            ("a.js", "text/javascript; charset=utf-8"),
            ("a.CSS", "text/css; charset=utf-8"),
            ("a.svg", "image/svg+xml"),
            ("a.json", "application/json"),
            ("index.html", "text/html; charset=utf-8"),
            ("noext", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(name)), ct, "{name}");
        }
    }

    #[test]
    fn paths_stay_inside() {
        let dir = Path::new("/srv/dist");
        assert_eq!(
            resolve(dir, "/app.js"),
            Some(PathBuf::from("/srv/dist/app.js"))
        );
        assert_eq!(
            resolve(dir, "/a/./b.css"),
            Some(PathBuf::from("/srv/dist/a/b.css"))
        );
        assert_eq!(resolve(dir, "/"), Some(PathBuf::from("/srv/dist")));
        assert_eq!(resolve(dir, "/../etc/passwd"), None);
        assert_eq!(resolve(dir, "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(dir, "/a%5c..%5cb"), None);
        assert_eq!(resolve(dir, "/%zz"), None);
        assert_eq!(resolve(dir, "/a%00b"), None);
    }

    #[test]
    fn asset_detection() {
        assert!(looks_like_asset("/pkg/app_bg.wasm"));
        assert!(!looks_like_asset("/containers/2529"));
        assert!(!looks_like_asset("/"));
        assert!(!looks_like_asset("/.hidden"));
    }
}
