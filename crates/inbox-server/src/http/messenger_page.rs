//! The Messenger web page (ui/dist-messenger, embedded at build time): `/messenger` for the
//! full page and the embedded panel, `/messenger/embed.js` for a company's site, and the
//! page's hashed assets. Not part of the JSON API, so not in the OpenAPI document.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use include_dir::{include_dir, Dir};

use super::AppState;
use crate::error::ServerError;

static PAGE: Dir = include_dir!("$CARGO_MANIFEST_DIR/../../ui/dist-messenger");

/// The page may only run its own scripts and talk to this server; it may be framed by any
/// site (that is what embedding is); and it never sends its address (which may hold a
/// sign-in link) to another site. A message's images are `blob:` URLs of files the page
/// fetched with the customer's token.
const PAGE_POLICY: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
    img-src 'self' data: blob: https: http:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
    frame-ancestors *";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/messenger", get(page))
        .route("/messenger/", get(page))
        .route("/messenger/embed.js", get(embed))
        .route("/messenger/assets/{*file}", get(asset))
}

async fn page() -> Response {
    let mut response = file("index.html", "no-cache");
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_POLICY),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

async fn embed() -> Response {
    let mut response = file("embed.js", "no-cache");
    // Loaded by other sites' pages.
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

async fn asset(Path(name): Path<String>) -> Response {
    // Hashed names: a file never changes under its name.
    file(
        &format!("assets/{name}"),
        "public, max-age=31536000, immutable",
    )
}

fn file(path: &str, cache: &'static str) -> Response {
    let Some(found) = PAGE.get_file(path) else {
        return ServerError::NotFoundRoute.into_response();
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, content_type(path)),
            (header::CACHE_CONTROL, cache),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        found.contents(),
    )
        .into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("json" | "map") => "application/json",
        _ => "application/octet-stream",
    }
}
