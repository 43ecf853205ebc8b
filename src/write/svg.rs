//! `map.svg`: a static map for print and social media.
//!
//! Web Mercator, fitted to the zones' extent inside `--size` pixels (default
//! 1200×675): zone fills as of D (contested zones striped in their forces'
//! colours, claimed ones faded with a dashed edge), contact lines, incidents,
//! labels, a legend, the title and the attribution. Right-to-left languages
//! get `direction="rtl"` text and a mirrored layout. All text is XML-escaped.
//! What is drawn comes from [`PageData`]; this module only lays it out.

use super::page::{PageData, PageZone};
use super::{escape, Context, Output};
use crate::error::Result;
use crate::write::OwnedLayers;
use serde_json::Value;
use std::f64::consts::PI;
use std::fmt::Write as _;

/// Render `map.svg`.
///
/// # Errors
///
/// Internal errors only.
#[allow(clippy::unnecessary_wraps)] // the signature every whole-map format shares
pub(crate) fn render(cx: &Context<'_>, layers: &OwnedLayers) -> Result<Vec<Output>> {
    let data = PageData::new(cx, layers);
    let svg = draw(&data, cx.settings.size);
    Ok(vec![Output { name: "map.svg".into(), bytes: svg.into_bytes(), features: data.zones.len() }])
}

/// Web Mercator on the unit sphere (y grows northwards).
fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.051_128, 85.051_128).to_radians();
    (lon.to_radians(), (PI / 4.0 + lat / 2.0).tan().ln())
}

/// Maps lon/lat to pixels inside a frame.
struct Frame {
    scale: f64,
    ox: f64,
    oy: f64,
}

impl Frame {
    fn fit(bbox: [f64; 4], x: f64, y: f64, w: f64, h: f64) -> Frame {
        let (x0, y0) = mercator(bbox[0], bbox[1]);
        let (x1, y1) = mercator(bbox[2], bbox[3]);
        let (dx, dy) = ((x1 - x0).max(1e-9), (y1 - y0).max(1e-9));
        let scale = (w / dx).min(h / dy);
        // centre the extent in the frame
        let ox = x + (w - dx * scale) / 2.0 - x0 * scale;
        let oy = y + (h - dy * scale) / 2.0 + y1 * scale;
        Frame { scale, ox, oy }
    }

    fn px(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (mx, my) = mercator(lon, lat);
        (self.ox + mx * self.scale, self.oy - my * self.scale)
    }
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0 + 0.0;
    if r.fract() == 0.0 {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

/// SVG path data for a GeoJSON geometry's rings and lines.
fn path_data(g: &Value, f: &Frame) -> String {
    let mut d = String::new();
    let mut line = |pts: &[Value], close: bool| {
        for (i, p) in pts.iter().enumerate() {
            let (Some(lon), Some(lat)) =
                (p.get(0).and_then(Value::as_f64), p.get(1).and_then(Value::as_f64))
            else {
                continue;
            };
            let (x, y) = f.px(lon, lat);
            d.push(if i == 0 { 'M' } else { 'L' });
            d.push_str(&num(x));
            d.push(' ');
            d.push_str(&num(y));
        }
        if close {
            d.push('Z');
        }
    };
    let coords =
        g.get("coordinates").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    let arr = |v: &Value| v.as_array().map(Vec::as_slice).unwrap_or_default().to_vec();
    match g.get("type").and_then(Value::as_str) {
        Some("Polygon") => coords.iter().for_each(|r| line(&arr(r), true)),
        Some("MultiPolygon") => {
            coords.iter().flat_map(arr).for_each(|r| line(&arr(&r), true));
        }
        Some("LineString") => line(coords, false),
        Some("MultiLineString") => coords.iter().for_each(|l| line(&arr(l), false)),
        _ => {}
    }
    d
}

/// Split text into lines of at most about `max` characters.
fn wrap(text: &str, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > max {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

fn zone_fill(zone: &PageZone, key: &str) -> (String, f64, &'static str) {
    match PageData::period_at(zone, key) {
        None => ("#bbbbbb".into(), 0.2, "2 3"),
        Some(p) => match (p.status.as_str(), &p.pattern) {
            ("contested", Some(id)) => (format!("url(#{id})"), 0.85, "none"),
            ("claimed", _) => (p.fill.clone(), p.opacity, "5 4"),
            _ => (p.fill.clone(), p.opacity, "none"),
        },
    }
}

/// Draw the map.
#[must_use]
#[allow(clippy::too_many_lines)] // one linear drawing routine reads best in one piece
pub fn draw(data: &PageData, size: (u32, u32)) -> String {
    let (w, h) = (f64::from(size.0), f64::from(size.1));
    let k = (w.min(h * 16.0 / 9.0) / 1200.0).max(0.3); // type scale relative to 1200×675
    let rtl = data.rtl;
    let lang = data.lang.as_deref().unwrap_or("en");
    let dir_attr = if rtl { " direction=\"rtl\" unicode-bidi=\"embed\"" } else { "" };
    let margin = 16.0 * k;
    let title_size = 28.0 * k;
    let attr_size = 11.0 * k;
    let attr_lines = wrap(&data.attribution, ((w - 2.0 * margin) / (attr_size * 0.55)) as usize);
    let header = if data.title.is_empty() { margin } else { margin + title_size * 1.5 };
    let footer = margin + attr_lines.len() as f64 * attr_size * 1.3;
    let legend_w = 230.0 * k;
    let map_x = if rtl { margin + legend_w } else { margin };
    let map_w = (w - 2.0 * margin - legend_w).max(10.0);
    let map_h = (h - header - footer).max(10.0);
    let frame = Frame::fit(data.bbox, map_x, header, map_w, map_h);
    let key = data.as_of_key.as_str();

    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" xml:lang=\"{}\" font-family=\"'Noto Sans', 'Noto Sans Arabic', 'DejaVu Sans', sans-serif\">\n<title>{}</title>\n<defs>\n",
        size.0,
        size.1,
        size.0,
        size.1,
        escape(lang),
        escape(&data.title)
    );
    for pat in &data.patterns {
        let n = pat.colors.len().max(1) as f64;
        let sw = 6.0 * k;
        let _ = write!(
            s,
            "<pattern id=\"{}\" patternUnits=\"userSpaceOnUse\" width=\"{}\" height=\"{}\" patternTransform=\"rotate(45)\">",
            escape(&pat.id),
            num(n * sw),
            num(n * sw)
        );
        for (i, c) in pat.colors.iter().enumerate() {
            let _ = write!(
                s,
                "<rect x=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>",
                num(i as f64 * sw),
                num(sw),
                num(n * sw),
                escape(c)
            );
        }
        s.push_str("</pattern>\n");
    }
    let _ = writeln!(
        s,
        "</defs>\n<rect width=\"100%\" height=\"100%\" fill=\"#f4f3ef\"/>\n<g id=\"zones\" stroke=\"#333333\" stroke-width=\"{}\" stroke-linejoin=\"round\">",
        num(k)
    );
    for z in &data.zones {
        let (fill, opacity, dash) = zone_fill(z, key);
        let _ = writeln!(
            s,
            "<path data-zone=\"{}\" d=\"{}\" fill=\"{}\" fill-opacity=\"{opacity}\" fill-rule=\"evenodd\" stroke-dasharray=\"{dash}\"><title>{}</title></path>",
            escape(&z.id),
            path_data(&z.geometry, &frame),
            escape(&fill),
            escape(&z.name)
        );
    }
    s.push_str("</g>\n");
    if let Some(lines) = &data.frontlines {
        let _ = writeln!(
            s,
            "<g id=\"frontlines\" fill=\"none\" stroke-width=\"{}\" stroke-linecap=\"round\" stroke-linejoin=\"round\">",
            num(4.0 * k)
        );
        for l in lines {
            let _ = writeln!(
                s,
                "<path d=\"{}\" stroke=\"{}\"><title>{}</title></path>",
                path_data(&l.geometry, &frame),
                escape(&l.stroke),
                escape(&l.forces)
            );
        }
        s.push_str("</g>\n");
    }
    let _ = writeln!(s, "<g id=\"incidents\" stroke-width=\"{}\">", num(2.0 * k));
    for inc in &data.incidents {
        let (x, y) = frame.px(inc.lon, inc.lat);
        let fill = if inc.approximate { "none" } else { inc.color.as_str() };
        let dash = if inc.approximate { " stroke-dasharray=\"3 2\"" } else { "" };
        let _ = writeln!(
            s,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\" fill-opacity=\"0.85\" stroke=\"{}\"{dash}/>",
            num(x),
            num(y),
            num(5.0 * k),
            escape(fill),
            escape(&inc.color)
        );
    }
    s.push_str("</g>\n");
    let _ = writeln!(
        s,
        "<g id=\"labels\" font-size=\"{}\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#111111\" stroke=\"#ffffff\" stroke-width=\"{}\" paint-order=\"stroke\" stroke-linejoin=\"round\"{dir_attr}>",
        num(13.0 * k),
        num(3.0 * k)
    );
    for l in &data.labels {
        let (x, y) = frame.px(l.lon, l.lat);
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" dominant-baseline=\"middle\">{}</text>",
            num(x),
            num(y),
            escape(&l.name)
        );
    }
    s.push_str("</g>\n");

    // legend: forces, contested, incident types
    let mut entries: Vec<(String, String)> = Vec::new(); // (swatch markup, label)
    let sw = 18.0 * k;
    for f in &data.forces {
        entries
            .push((format!("fill=\"{}\" fill-opacity=\"0.8\"", escape(&f.color)), f.name.clone()));
    }
    for pat in &data.patterns {
        entries.push((
            format!("fill=\"url(#{})\"", escape(&pat.id)),
            data.ui.get("contested").copied().unwrap_or("contested").to_string(),
        ));
    }
    if data.statuses().contains("claimed") {
        entries.push((
            "fill=\"#999999\" fill-opacity=\"0.3\" stroke-dasharray=\"4 3\"".into(),
            data.ui.get("claimed").copied().unwrap_or("claimed").to_string(),
        ));
    }
    if data.frontlines.as_ref().is_some_and(|l| !l.is_empty()) {
        entries.push((
            "line".into(),
            data.ui.get("frontlines").copied().unwrap_or("contact lines").to_string(),
        ));
    }
    for (t, c) in &data.incident_types {
        entries.push((format!("circle:{c}"), t.clone()));
    }
    let row_h = 22.0 * k;
    let legend_h = margin + (entries.len() as f64 + 1.0) * row_h;
    let lx = if rtl { margin } else { w - margin - legend_w + 8.0 * k };
    let ly = header;
    let lw = legend_w - 8.0 * k;
    let _ = writeln!(
        s,
        "<g id=\"legend\" font-size=\"{}\"{dir_attr}>\n<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"#ffffff\" fill-opacity=\"0.94\" stroke=\"#bbbbbb\"/>",
        num(13.0 * k),
        num(lx),
        num(ly),
        num(lw),
        num(legend_h),
        num(4.0 * k)
    );
    let pad = 10.0 * k;
    let (sx, tx) = if rtl {
        (lx + lw - pad - sw, lx + lw - pad - sw - 6.0 * k)
    } else {
        (lx + pad, lx + pad + sw + 6.0 * k)
    };
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" font-weight=\"700\">{}</text>",
        num(if rtl { lx + lw - pad } else { lx + pad }),
        num(ly + row_h),
        escape(data.ui.get("legend").copied().unwrap_or("Legend"))
    );
    for (i, (swatch, label)) in entries.iter().enumerate() {
        let y = ly + row_h * (i as f64 + 2.0);
        if swatch == "line" {
            let _ = write!(
                s,
                "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#111111\" stroke-width=\"{}\"/>",
                num(sx),
                num(y - 4.0 * k),
                num(sx + sw),
                num(y - 4.0 * k),
                num(3.0 * k)
            );
        } else if let Some(c) = swatch.strip_prefix("circle:") {
            let _ = write!(
                s,
                "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{}\"/>",
                num(sx + sw / 2.0),
                num(y - 4.0 * k),
                num(5.0 * k),
                escape(c)
            );
        } else {
            let _ = write!(
                s,
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" {swatch} stroke=\"#333333\" stroke-width=\"{}\"/>",
                num(sx),
                num(y - 10.0 * k),
                num(sw),
                num(12.0 * k),
                num(k)
            );
        }
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">{}</text>", num(tx), num(y), escape(label));
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" fill=\"#555555\">{}</text>\n</g>",
        num(if rtl { lx + lw - pad } else { lx + pad }),
        num(ly + legend_h - pad),
        escape(&data.as_of)
    );

    // title and attribution
    let tx = if rtl { w - margin } else { margin };
    if !data.title.is_empty() {
        let _ = writeln!(
            s,
            "<text id=\"title\" x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"700\" fill=\"#111111\"{dir_attr}>{}</text>",
            num(tx),
            num(margin + title_size),
            num(title_size),
            escape(&data.title)
        );
    }
    let _ = writeln!(
        s,
        "<g id=\"attribution\" font-size=\"{}\" fill=\"#444444\"{dir_attr}>",
        num(attr_size)
    );
    for (i, line) in attr_lines.iter().enumerate() {
        let y = h - footer + margin / 2.0 + (i as f64 + 1.0) * attr_size * 1.3;
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\">{}</text>", num(tx), num(y), escape(line));
    }
    s.push_str("</g>\n</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_forbidden_characters() {
        assert_eq!(escape("a<b>&\"'\u{1}"), "a&lt;b&gt;&amp;&quot;&apos;");
    }

    #[test]
    fn mercator_fits_frame() {
        let f = Frame::fit([41.0, 37.0, 41.1, 37.1], 0.0, 0.0, 100.0, 100.0);
        let (x0, y0) = f.px(41.0, 37.1);
        let (x1, y1) = f.px(41.1, 37.0);
        assert!(x0 >= -0.01 && y0 >= -0.01 && x1 <= 100.01 && y1 <= 100.01, "{x0} {y0} {x1} {y1}");
        assert!(y1 > y0, "north is up");
    }

    #[test]
    fn wraps_long_text() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
    }
}
