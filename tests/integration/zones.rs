//! Zones from anywhere: projected GeoJSON (`crs` member), Shapefiles with a
//! `.prj` and `.cpg`, CSV with WKT, projected incidents — all written as
//! RFC 7946 WGS84. Reprojection is checked against PROJ's `cs2cs`.

use crate::util::{shared_data, text, Workdir};
use crate::validators::{validate, validators_present};
use serde_json::{json, Value};

const CONTROL: &str = "zone,force,since\na,red,2021-01-01\nb,blue,2021-01-01\n";

/// Two 1 km squares side by side in UTM 37N near Qamishli (easting, northing).
fn utm_squares() -> [Vec<(f64, f64)>; 2] {
    let sq = |x0: f64| {
        vec![
            (x0, 4_103_000.0),
            (x0 + 1000.0, 4_103_000.0),
            (x0 + 1000.0, 4_104_000.0),
            (x0, 4_104_000.0),
            (x0, 4_103_000.0),
        ]
    };
    [sq(697_000.0), sq(698_000.0)]
}

/// `cs2cs -f %.10f EPSG:32637 EPSG:4326` of the squares' corners (lon, lat).
const A_SW: [f64; 2] = [41.215_452, 37.052_572];
const B_SW: [f64; 2] = [41.226_690, 37.052_362];

fn layer(w: &Workdir, rel: &str) -> Value {
    serde_json::from_str(&w.read(rel)).unwrap()
}

/// The positions of a feature's outer ring(s), rounded output as written.
fn positions(f: &Value) -> Vec<[f64; 2]> {
    let mut out = Vec::new();
    let mut stack = vec![&f["geometry"]["coordinates"]];
    while let Some(v) = stack.pop() {
        match v.as_array() {
            Some(a) if a.len() == 2 && a.iter().all(Value::is_number) => {
                out.push([a[0].as_f64().unwrap(), a[1].as_f64().unwrap()]);
            }
            Some(a) => stack.extend(a.iter()),
            None => {}
        }
    }
    out
}

fn feature<'a>(fc: &'a Value, id: &str) -> &'a Value {
    fc["features"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap()
}

fn utm_geojson(crs_name: &str) -> String {
    let features: Vec<Value> = utm_squares()
        .iter()
        .zip(["a", "b"])
        .map(|(ring, id)| {
            let ring: Vec<[f64; 2]> = ring.iter().map(|&(x, y)| [x, y]).collect();
            json!({"type": "Feature", "properties": {"id": id, "name": id.to_uppercase()},
                   "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    json!({"type": "FeatureCollection",
           "crs": {"type": "name", "properties": {"name": crs_name}},
           "features": features})
    .to_string()
}

fn assert_utm_output(w: &Workdir, dir: &str) {
    let raw = w.read(&format!("{dir}/out/control.geojson"));
    assert!(!raw.contains("\"crs\""), "RFC 7946 output has no crs member");
    let control: Value = serde_json::from_str(&raw).unwrap();
    assert!(positions(feature(&control, "a")).contains(&A_SW), "{raw}");
    assert!(positions(feature(&control, "b")).contains(&B_SW), "{raw}");
    // the shared border survived reprojection: one contact line between the forces
    let fl = layer(w, &format!("{dir}/out/frontlines.geojson"));
    assert_eq!(fl["features"].as_array().unwrap().len(), 1, "{fl}");
    let len = fl["features"][0]["properties"]["length_km"].as_f64().unwrap();
    assert!((len - 1.0).abs() < 0.002, "UTM scale factor near 1: {len}");
}

#[test]
fn geojson_crs_member_variants_are_reprojected() {
    for name in
        ["urn:ogc:def:crs:EPSG::32637", "EPSG:32637", "http://www.opengis.net/def/crs/EPSG/0/32637"]
    {
        let w = Workdir::new();
        w.write("p/zones.geojson", utm_geojson(name));
        w.write("p/control.csv", CONTROL);
        let o = w.run(&["build", "p"]);
        assert!(o.status.success(), "{name}: {:?}", text(&o));
        assert_utm_output(&w, "p");
    }
}

#[test]
fn zones_crs_setting_and_flag() {
    let plain = utm_geojson("EPSG:32637")
        .replace(r#""crs":{"type":"name","properties":{"name":"EPSG:32637"}},"#, "");
    assert!(!plain.contains("crs"));
    let w = Workdir::new();
    w.write("p/zones.geojson", &plain);
    w.write("p/control.csv", CONTROL);
    let o = w.run(&["build", "p"]);
    assert_eq!(o.status.code(), Some(1), "projected zones without a CRS are an error");
    assert!(text(&o).1.contains("set zones_crs"), "{:?}", text(&o));
    let o = w.run(&["build", "p", "--zones-crs", "EPSG:32637"]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_utm_output(&w, "p");
    w.write("p/frontline.toml", "zones_crs = \"urn:ogc:def:crs:EPSG::32637\"\n");
    std::fs::remove_dir_all(w.path().join("p/out")).unwrap();
    let o = w.run(&["build", "p"]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_utm_output(&w, "p");
}

/// The `.prj` that QGIS/ArcGIS write for WGS 84 / UTM zone 37N.
const ESRI_UTM37N: &str = r#"PROJCS["WGS_1984_UTM_Zone_37N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",39.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

/// Write `dir/zones.shp` (+ `.shx`, `.dbf`) with the crate's own writer:
/// the two UTM squares, ids `a`/`b`, names encoded as `encoding`.
fn write_shapefile(
    w: &Workdir,
    dir: &str,
    names: [&str; 2],
    encoding: &'static encoding_rs::Encoding,
) {
    use shapefile::dbase::{self, FieldValue};
    use shapefile::{Point, Polygon, PolygonRing};
    std::fs::create_dir_all(w.path().join(dir)).unwrap();
    let table =
        dbase::TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(encoding))
            .add_character_field("ID".try_into().unwrap(), 10)
            .add_character_field("NAME".try_into().unwrap(), 40)
            .add_numeric_field("POP".try_into().unwrap(), 10, 0);
    let path = w.path().join(dir).join("zones.shp");
    let mut writer = shapefile::Writer::from_path(&path, table).unwrap();
    for ((ring, id), (name, pop)) in
        utm_squares().iter().zip(["a", "b"]).zip(names.iter().zip([1200.0, 800.0]))
    {
        // shapefile outer rings are clockwise
        let points: Vec<Point> = ring.iter().rev().map(|&(x, y)| Point::new(x, y)).collect();
        let polygon = Polygon::new(PolygonRing::Outer(points));
        let mut record = dbase::Record::default();
        record.insert("ID".into(), FieldValue::Character(Some(id.into())));
        record.insert("NAME".into(), FieldValue::Character(Some((*name).into())));
        record.insert("POP".into(), FieldValue::Numeric(Some(pop)));
        writer.write_shape_and_record(&polygon, &record).unwrap();
    }
}

#[test]
fn shapefile_in_utm_with_prj_builds_wgs84() {
    let w = Workdir::new();
    write_shapefile(&w, "p", ["Hilali", "Kilo"], encoding_rs::UTF_8);
    w.write("p/zones.prj", ESRI_UTM37N);
    w.write("p/zones.cpg", "UTF-8");
    w.write("p/control.csv", CONTROL);
    w.write("p/frontline.toml", "zones = \"zones.shp\"\n");
    let o = w.run(&["build", "p"]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_utm_output(&w, "p");
    let control = layer(&w, "p/out/control.geojson");
    let a = feature(&control, "a");
    assert_eq!(a["properties"]["name"], "Hilali");
    // the zone layer carries the other dBase fields, typed
    assert_eq!(a["properties"]["POP"], 1200, "{a}");
    // check names the record by index when the dbf lacks the key
    let o = w.run(&["check", "p", "--zone-key", "CODE"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).0.contains("zones.shp: feature 0: zone has no key"), "{:?}", text(&o));
}

#[test]
fn shapefile_attribute_encoding_from_cpg() {
    // ISO-8859-6 (Arabic) names: only the .cpg says how to read them
    let w = Workdir::new();
    write_shapefile(&w, "p", ["حي طي", "كيلو"], encoding_rs::ISO_8859_6);
    w.write("p/zones.prj", ESRI_UTM37N);
    w.write("p/zones.cpg", "ISO-8859-6\n");
    w.write("p/control.csv", "zone,force,since\nحي طي,red,2021-01-01\nكيلو,blue,2021-01-01\n");
    let o = w.run(&["build", "p", "--zones", "zones.shp"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let control = layer(&w, "p/out/control.geojson");
    assert_eq!(feature(&control, "a")["properties"]["name"], "حي طي");
    assert_eq!(feature(&control, "b")["properties"]["name"], "كيلو");
}

#[cfg(not(feature = "proj"))]
#[test]
fn unmappable_prj_says_how_to_build_with_proj() {
    let w = Workdir::new();
    write_shapefile(&w, "p", ["x", "y"], encoding_rs::UTF_8);
    let local = ESRI_UTM37N.replace("WGS_1984_UTM_Zone_37N", "Local_Grid");
    w.write("p/zones.prj", local);
    w.write("p/control.csv", CONTROL);
    let o = w.run(&["check", "p", "--zones", "zones.shp"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o).0;
    assert!(err.contains("zones.shp: cannot reproject from WKT \"Local_Grid\""), "{err}");
    assert!(err.contains("cargo build --features proj"), "{err}");
}

/// With PROJ, any WKT works, including one that names no EPSG code.
#[cfg(feature = "proj")]
#[test]
fn proj_reads_any_wkt_prj() {
    let w = Workdir::new();
    write_shapefile(&w, "p", ["x", "y"], encoding_rs::UTF_8);
    w.write("p/zones.prj", ESRI_UTM37N.replace("WGS_1984_UTM_Zone_37N", "Local_Grid"));
    w.write("p/control.csv", CONTROL);
    let o = w.run(&["build", "p", "--zones", "zones.shp"]);
    assert!(o.status.success(), "{:?}", text(&o));
    assert_utm_output(&w, "p");
}

#[test]
fn wkt_csv_zones_with_located_diagnostics() {
    let w = Workdir::new();
    w.write(
        "p/zones.csv",
        "id;name;geometry;pop\n\
         a;Alpha;POLYGON ((41.2 37.0, 41.21 37.0, 41.21 37.01, 41.2 37.01, 41.2 37.0));1200\n\
         b;Beta;MULTIPOLYGON (((41.21 37.0, 41.22 37.0, 41.22 37.01, 41.21 37.01, 41.21 37.0)));800\n\
         c;Gamma;POLYGON ((41.2 37.0, 41.21 37.0);3\n\
         d;Delta;POINT (41.2 37.0);4\n",
    );
    w.write("p/control.csv", CONTROL);
    w.write("p/frontline.toml", "zones = \"zones.csv\"\n");
    let o = w.run(&["check", "p"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o).0;
    assert!(err.contains("zones.csv:4:3: invalid WKT"), "{err}");
    assert!(
        err.contains("zones.csv:5:3: zone geometry must be Polygon or MultiPolygon \"Point\""),
        "{err}"
    );
    // without the bad rows it builds, with typed properties
    let good = w.read("p/zones.csv").lines().take(3).collect::<Vec<_>>().join("\n");
    w.write("p/zones.csv", good);
    let o = w.run(&["build", "p"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let control = layer(&w, "p/out/control.geojson");
    assert_eq!(feature(&control, "a")["properties"]["name"], "Alpha");
    assert_eq!(layer(&w, "p/out/frontlines.geojson")["features"].as_array().unwrap().len(), 1);
}

#[test]
fn projected_incidents_with_incidents_crs() {
    let w = Workdir::new();
    w.write("p/zones.geojson", utm_geojson("EPSG:32637"));
    w.write("p/control.csv", CONTROL);
    // the centre of zone a, in UTM metres, in the x/y columns
    w.write("p/incidents.csv", "id,date,x,y,type\ni1,2021-01-02,697500,4103500,clash\n");
    w.write("p/frontline.toml", "incidents_crs = \"EPSG:32637\"\nsince = \"all\"\n");
    let o = w.run(&["build", "p"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let inc = layer(&w, "p/out/incidents.geojson");
    let f = &inc["features"][0];
    assert_eq!(f["properties"]["zone"], "a", "{f}");
    let c = &f["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - 41.221).abs() < 0.001, "{c}");
    assert!((c[1].as_f64().unwrap() - 37.057).abs() < 0.001, "{c}");
}

/// A real `DeepState` file: `crs` is `urn:ogc:def:crs:OGC:1.3:CRS84`, one
/// `MultiPolygon` without properties (the test gives it an id).
#[test]
fn deepstate_crs84_multipolygon_builds_valid_layers() {
    let Some(path) =
        shared_data("ukraine-occupied-deepstate-monthly/deepstatemap_data_20240708.geojson")
    else {
        return;
    };
    let mut fc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(fc["crs"]["properties"]["name"], "urn:ogc:def:crs:OGC:1.3:CRS84");
    for (i, f) in fc["features"].as_array_mut().unwrap().iter_mut().enumerate() {
        f["properties"] = json!({"id": format!("occupied-{i}")});
    }
    let w = Workdir::new();
    w.write("p/zones.geojson", fc.to_string());
    w.write("p/control.csv", "zone,force,since\noccupied-0,ru,2024-07-08\n");
    let o = w.run(&["build", "p"]);
    assert!(o.status.success(), "{:?}", text(&o));
    let raw = w.read("p/out/control.geojson");
    assert!(!raw.contains("\"crs\""));
    let control: Value = serde_json::from_str(&raw).unwrap();
    assert_eq!(control["features"][0]["geometry"]["type"], "MultiPolygon");
    let area = control["features"][0]["properties"]["area_km2"].as_f64().unwrap();
    // about 18 % of Ukraine's 603,500 km²
    assert!((90_000.0..130_000.0).contains(&area), "{area}");
    if validators_present() {
        validate(&w, "p/out");
    }
}
