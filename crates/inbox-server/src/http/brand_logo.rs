//! `/brands/{id}/logo.png`: a brand's logo as a PNG any mail client shows. Logos stored inline
//! (`data:` URLs, SVG or PNG) are served from here; an SVG is rasterised. A brand without a
//! logo gets its initial on its colour. A logo that is already a web address is sent there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use base64::Engine;
use inbox_core::{Brand, BrandId, Workspace};

use super::AppState;
use crate::error::{Result, ServerError};
use crate::workspace::not_found;

/// The PNG's width and height: crisp at the 40 px emails show, on screens of twice the density.
const SIZE: u32 = 128;
/// Rendered logos kept at most; brands are few.
const CACHED: usize = 64;

pub fn routes() -> Router<AppState> {
    Router::new().route("/brands/{id}/logo.png", get(logo))
}

async fn logo(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response> {
    let brand = state
        .read(move |db| {
            let brand_id: BrandId = id.parse().map_err(|_| not_found("brand", &id))?;
            db.brand(brand_id)?.ok_or_else(|| not_found("brand", &id))
        })
        .await?;
    let url = brand.logo_url.trim();
    if url.starts_with("https://") || url.starts_with("http://") {
        return Ok(Redirect::temporary(url).into_response());
    }
    let png = tokio::task::spawn_blocking(move || png_of(&brand))
        .await
        .map_err(|e| ServerError::Storage(format!("rendering a logo panicked: {e}")))??;
    Ok((
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        png.as_ref().clone(),
    )
        .into_response())
}

/// A brand's look: its id, logo and colour.
type Look = (BrandId, String, String);

/// The brand's logo as PNG bytes, rendered once per look of the brand.
fn png_of(brand: &Brand) -> Result<Arc<Vec<u8>>> {
    static CACHE: OnceLock<Mutex<HashMap<Look, Arc<Vec<u8>>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (brand.id, brand.logo_url.clone(), brand.color.clone());
    if let Some(png) = cache.lock().expect("logo cache").get(&key) {
        return Ok(png.clone());
    }
    let png = Arc::new(render(brand)?);
    let mut cache = cache.lock().expect("logo cache");
    if cache.len() >= CACHED {
        cache.clear();
    }
    cache.insert(key, png.clone());
    Ok(png)
}

fn render(brand: &Brand) -> Result<Vec<u8>> {
    let url = brand.logo_url.trim();
    if url.is_empty() {
        return rasterise(initial_logo(brand).as_bytes());
    }
    let unusable = || {
        ServerError::unprocessable(
            "logo_unusable",
            "The brand's logo is not an SVG or PNG data URL.",
        )
    };
    let (meta, data) = url
        .strip_prefix("data:")
        .and_then(|rest| rest.split_once(','))
        .ok_or_else(unusable)?;
    let bytes = if meta.ends_with(";base64") {
        base64::engine::general_purpose::STANDARD
            .decode(data.trim())
            .map_err(|_| unusable())?
    } else {
        percent_encoding::percent_decode_str(data).collect()
    };
    let media = meta.split(';').next().unwrap_or("");
    match media {
        "image/svg+xml" => rasterise(&bytes),
        "image/png" if bytes.starts_with(b"\x89PNG\r\n\x1a\n") => Ok(bytes),
        _ => Err(unusable()),
    }
}

/// The brand's initial in white on its colour, for a brand without a logo.
fn initial_logo(brand: &Brand) -> String {
    let initial = brand.name.chars().next().unwrap_or('?').to_uppercase();
    let escaped = initial
        .to_string()
        .replace('&', "&amp;")
        .replace('<', "&lt;");
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'>\
         <rect width='64' height='64' rx='14' fill='{}'/>\
         <text x='32' y='43' font-family='sans-serif' font-size='32' font-weight='700' \
         fill='white' text-anchor='middle'>{escaped}</text></svg>",
        brand.color_or_default()
    )
}

/// Draws an SVG into a SIZE × SIZE PNG, scaled to fit and centred.
fn rasterise(svg: &[u8]) -> Result<Vec<u8>> {
    static FONTS: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    let fonts = FONTS.get_or_init(|| {
        let mut db = resvg::usvg::fontdb::Database::new();
        db.load_system_fonts();
        // fontdb takes "sans-serif" to mean Arial, which Linux servers rarely have: use a
        // common free sans-serif the machine does have, else any font at all.
        let installed = |name: &str| {
            db.faces()
                .any(|f| f.families.iter().any(|(family, _)| family == name))
        };
        let sans = [
            "DejaVu Sans",
            "Liberation Sans",
            "Noto Sans",
            "Nimbus Sans",
            "Arial",
        ]
        .into_iter()
        .find(|name| installed(name))
        .map(str::to_owned)
        .or_else(|| {
            db.faces()
                .next()
                .and_then(|f| f.families.first())
                .map(|(f, _)| f.clone())
        });
        if let Some(sans) = sans {
            db.set_sans_serif_family(sans);
        }
        Arc::new(db)
    });
    let options = resvg::usvg::Options {
        fontdb: fonts.clone(),
        ..Default::default()
    };
    let tree = resvg::usvg::Tree::from_data(svg, &options).map_err(|e| {
        ServerError::unprocessable(
            "logo_unusable",
            format!("The brand's SVG logo does not parse: {e}"),
        )
    })?;
    let size = tree.size();
    let scale = SIZE as f32 / size.width().max(size.height());
    let (dx, dy) = (
        (SIZE as f32 - size.width() * scale) / 2.0,
        (SIZE as f32 - size.height() * scale) / 2.0,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(SIZE, SIZE).expect("a non-empty size");
    let transform = resvg::tiny_skia::Transform::from_row(scale, 0.0, 0.0, scale, dx, dy);
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| ServerError::Storage(format!("encoding a logo failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(logo_url: &str) -> Brand {
        Brand {
            id: BrandId::from_parts(1, 1),
            name: "northwind".into(),
            logo_url: logo_url.into(),
            color: "#16a34a".into(),
            is_default: true,
        }
    }

    fn dimensions(png: &[u8]) -> (u32, u32) {
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
        let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
        (be(16), be(20))
    }

    #[test]
    fn svg_logos_become_pngs_in_their_colours() {
        let svg = "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg' width='10' height='20'><rect width='10' height='20' fill='%23ff0000'/></svg>";
        let png = render(&brand(svg)).unwrap();
        assert_eq!(dimensions(&png), (SIZE, SIZE));
        let base64 = format!(
            "data:image/svg+xml;base64,{}",
            base64::engine::general_purpose::STANDARD
                .encode("<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>")
        );
        assert_eq!(dimensions(&render(&brand(&base64)).unwrap()), (SIZE, SIZE));
        // No logo: the initial on the brand's colour.
        assert_eq!(dimensions(&render(&brand("")).unwrap()), (SIZE, SIZE));
    }

    #[test]
    fn pngs_pass_through_and_anything_else_is_refused() {
        let png = render(&brand("")).unwrap();
        let inline = format!(
            "data:image/png;base64,{}",
            base64::engine::general_purpose::STANDARD.encode(&png)
        );
        assert_eq!(render(&brand(&inline)).unwrap(), png);
        for bad in [
            "data:image/png;base64,bm90IGEgcG5n",
            "data:image/svg+xml,<svg",
            "data:text/html,<b>hi</b>",
            "javascript:alert(1)",
        ] {
            let e = render(&brand(bad)).unwrap_err();
            assert_eq!(e.code(), "logo_unusable", "{bad}");
        }
    }
}
