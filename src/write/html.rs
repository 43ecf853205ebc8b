//! `map.html`: one self-contained, embeddable Leaflet page with the data inlined.
//!
//! The page is the [`PageData`] as JSON inside a `<script
//! type="application/json">` element (with `<`, `>`, `&`, U+2028 and U+2029
//! escaped, so no text in the data can close the element), the fixed script
//! `assets/map.js` that draws it, and Leaflet — from unpkg with Subresource
//! Integrity hashes, or inlined from a local `dist/` folder (`--leaflet DIR`)
//! for a page that works offline. A Content-Security-Policy allows only
//! those scripts (by hash) and the basemap's tile server, so even a mistake
//! in escaping could not run a script from the data. Text is inserted with
//! `textContent` by the script; only `http(s)` URLs become links.
//! This module builds markup only; what the map shows is `page.rs`'s.

use super::page::PageData;
use super::{escape, Context, Output};
use crate::error::{Error, Result};
use crate::project::Basemap;
use crate::write::OwnedLayers;
use base64::Engine as _;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::path::Path;

const LEAFLET_CSS_URL: &str = "https://unpkg.com/leaflet@1.9.4/dist/leaflet.css";
const LEAFLET_JS_URL: &str = "https://unpkg.com/leaflet@1.9.4/dist/leaflet.js";
/// SRI hash of `leaflet@1.9.4/dist/leaflet.css`, computed from the npm package.
const LEAFLET_CSS_SRI: &str = "sha256-p4NxAoJBhIIN+hmNHrzRCf9tD/miZyoHS5obTRR9BMY=";
/// SRI hash of `leaflet@1.9.4/dist/leaflet.js`, computed from the npm package.
const LEAFLET_JS_SRI: &str = "sha256-20nQCchB9co0qIjJZRGuk2/Z9VM+kNiyxNV1lvTlZBo=";
const CDN: &str = "https://unpkg.com";

const MAP_JS: &str = include_str!("assets/map.js");
const MAP_CSS: &str = include_str!("assets/map.css");

/// Render `map.html`.
///
/// # Errors
///
/// A usage error when the `--leaflet` folder lacks `leaflet.js` or `leaflet.css`.
pub(crate) fn render(cx: &Context<'_>, layers: &OwnedLayers) -> Result<Vec<Output>> {
    let data = PageData::new(cx, layers);
    let settings = cx.settings;
    let leaflet = settings.leaflet.as_deref().map(Leaflet::read).transpose()?;
    let html = page(&data, leaflet.as_ref(), &settings.basemap)?;
    Ok(vec![Output {
        name: "map.html".into(),
        bytes: html.into_bytes(),
        features: data.zones.len(),
    }])
}

/// Leaflet's files read from a local `dist/` folder.
#[derive(Debug, Clone)]
pub struct Leaflet {
    /// `leaflet.js`.
    pub js: String,
    /// `leaflet.css`.
    pub css: String,
}

impl Leaflet {
    /// Read `leaflet.js` and `leaflet.css` from `dir`.
    ///
    /// # Errors
    ///
    /// A usage error naming the missing file.
    pub fn read(dir: &Path) -> Result<Leaflet> {
        let read = |name: &str| {
            std::fs::read_to_string(dir.join(name)).map_err(|e| {
                Error::usage(format!(
                    "--leaflet {}: cannot read {name} ({e}) — give Leaflet's dist/ folder, e.g. node_modules/leaflet/dist",
                    dir.display()
                ))
            })
        };
        Ok(Leaflet { js: read("leaflet.js")?, css: read("leaflet.css")? })
    }
}

/// JSON that is safe inside a `<script>` element: `<`, `>`, `&`, U+2028 and
/// U+2029 are written as `\u` escapes (valid JSON, and nothing can close the element).
#[must_use]
pub fn script_json(v: &serde_json::Value) -> String {
    let text = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest))
}

/// Keep inlined third-party text from closing its element.
fn guard(text: &str, tag: &str) -> String {
    text.replace(&format!("</{tag}"), &format!("<\\/{tag}"))
}

/// The page's markup.
///
/// # Errors
///
/// Internal errors only (serialising the data).
pub fn page(data: &PageData, leaflet: Option<&Leaflet>, basemap: &Basemap) -> Result<String> {
    let mut json = serde_json::to_value(data)
        .map_err(|e| Error::internal(format!("serialising the page data: {e}")))?;
    if let (Some(obj), Some(url)) = (json.as_object_mut(), basemap.template()) {
        obj.insert(
            "basemap".into(),
            serde_json::json!({ "url": url, "attribution": basemap.attribution().unwrap_or("") }),
        );
    }
    let lang = data.lang.as_deref().unwrap_or("en");
    let dir = if data.rtl { "rtl" } else { "ltr" };
    let title = if data.title.is_empty() { "frontline map" } else { data.title.as_str() };
    let word = |k: &'static str| data.ui.get(k).copied().unwrap_or(k);

    let mut script_src = vec![csp_hash(MAP_JS)];
    let mut style_src = vec!["'unsafe-inline'".to_string()];
    let mut img_src = vec!["data:".to_string()];
    let (leaflet_css, leaflet_js) = match leaflet {
        Some(l) => {
            let js = guard(&l.js, "script");
            script_src.push(csp_hash(&js));
            (format!("<style>{}</style>", guard(&l.css, "style")), format!("<script>{js}</script>"))
        }
        None => {
            script_src.push(CDN.into());
            style_src.push(CDN.into());
            img_src.push(CDN.into());
            (
                format!(
                    "<link rel=\"stylesheet\" href=\"{LEAFLET_CSS_URL}\" integrity=\"{LEAFLET_CSS_SRI}\" crossorigin=\"anonymous\">"
                ),
                format!(
                    "<script src=\"{LEAFLET_JS_URL}\" integrity=\"{LEAFLET_JS_SRI}\" crossorigin=\"anonymous\"></script>"
                ),
            )
        }
    };
    if let Some(src) = basemap.csp_source() {
        img_src.push(src);
    }
    let csp = format!(
        "default-src 'none'; script-src {}; style-src {}; img-src {}; base-uri 'none'; form-action 'none'",
        script_src.join(" "),
        style_src.join(" "),
        img_src.join(" ")
    );

    let mut h = String::with_capacity(64 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\" dir=\"{dir}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"referrer\" content=\"no-referrer\">\n\
         <meta name=\"generator\" content=\"frontline\">\n\
         <title>{title}</title>\n{leaflet_css}\n<style>{MAP_CSS}</style>\n</head>\n<body>\n\
         <header class=\"fl-header\">\n<h1 dir=\"auto\">{title}</h1>\n\
         <div class=\"fl-time\"><label for=\"fl-date\">{date}</label>\
         <input type=\"range\" id=\"fl-date\" min=\"0\" max=\"0\" step=\"1\" value=\"0\">\
         <output id=\"fl-date-label\" for=\"fl-date\" dir=\"ltr\">{as_of}</output></div>\n</header>\n\
         <div id=\"map\" aria-label=\"{title}\"></div>\n\
         <noscript><p>This map needs JavaScript.</p></noscript>\n\
         <script type=\"application/json\" id=\"frontline-data\">{data}</script>\n\
         {leaflet_js}\n<script>{MAP_JS}</script>\n</body>\n</html>\n",
        title = escape(title),
        date = escape(word("date")),
        as_of = escape(&data.as_of),
        data = script_json(&json),
    );
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_script_json() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
        let v = serde_json::json!({"n": "</script><script>alert(1)</script>\u{2028}&"});
        let s = script_json(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&') && !s.contains('\u{2028}')
        );
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn csp_hash_matches_known_value() {
        // echo -n 'alert(1)' | openssl dgst -sha256 -binary | base64
        assert_eq!(csp_hash("alert(1)"), "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='");
    }

    #[test]
    fn guard_keeps_inlined_text_inside_its_element() {
        assert_eq!(guard("a</script>b", "script"), "a<\\/script>b");
    }
}
