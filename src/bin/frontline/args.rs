//! Command-line arguments: raw values only; the library validates them.

use clap::{Args, Parser, Subcommand};
use frontline::Overrides;
use std::path::PathBuf;

/// Turn conflict spreadsheets (zones, control history, incidents) into map layers.
#[derive(Debug, Parser)]
#[command(name = "frontline", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the map layers of a project.
    #[command(
        after_help = "Examples:\n  frontline build examples/qamishli\n  frontline build examples/qamishli --as-of 2021-04-22 --since all\n  frontline build my-project --out public/map --precision 5\n  frontline build examples/qamishli --format all --lang ckb --leaflet node_modules/leaflet/dist"
    )]
    Build {
        /// Project and date options.
        #[command(flatten)]
        project: ProjectArgs,
        /// Output options.
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Check a project and list every problem (exit 1 if any error).
    #[command(
        after_help = "Examples:\n  frontline check examples/qamishli\n  frontline check my-project --format json"
    )]
    Check {
        /// Project and date options.
        #[command(flatten)]
        project: ProjectArgs,
        /// Report format: text or json.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
    },
    /// Show which zones changed hands between two dates.
    #[command(
        after_help = "Examples:\n  frontline diff examples/qamishli --from 2021-04-20 --to 2021-04-27\n  frontline diff examples/qamishli --from 2021-04-22 --format json\n  frontline diff examples/qamishli --from all --format geojson > changes.geojson"
    )]
    Diff {
        /// Project options (`--since`/`--as-of` are the same as `--from`/`--to`).
        #[command(flatten)]
        project: ProjectArgs,
        /// Start date S, or `all` (default: 7 days before --to).
        #[arg(long, value_name = "DATE|all", conflicts_with = "since")]
        from: Option<String>,
        /// End date D (default: the latest date in the data).
        #[arg(long, value_name = "DATE", conflicts_with = "as_of")]
        to: Option<String>,
        /// Output: text, json, or geojson (the changes layer).
        #[arg(long, default_value = "text", value_parser = ["text", "json", "geojson"])]
        format: String,
        /// Decimals of output coordinates for --format geojson (default 6).
        #[arg(long, value_name = "N")]
        precision: Option<u8>,
    },
    /// Rebuild the layers whenever an input file is saved (Ctrl-C stops).
    #[command(
        after_help = "Examples:\n  frontline watch examples/qamishli\n  frontline watch my-project --out public/map"
    )]
    Watch {
        /// Project and date options.
        #[command(flatten)]
        project: ProjectArgs,
        /// Output options.
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Create a new project folder with small example files that build as they are.
    #[command(after_help = "Examples:\n  frontline init my-map\n  frontline build my-map")]
    Init {
        /// The folder to create (must be new or empty).
        dir: PathBuf,
    },
    /// Stream one incidents CSV (any size) to GeoJSON or GeoJSONSeq.
    #[command(
        after_help = "Examples:\n  frontline incidents acled-syria.csv -o incidents.geojson\n  frontline incidents ged.csv --format geojsonseq --zones zones.geojson --control control.csv > ged.geojsonseq\n  zcat big.csv.gz | frontline incidents - --format geojsonseq | tippecanoe -o incidents.pmtiles"
    )]
    Incidents {
        /// The CSV file, or `-` for stdin.
        #[arg(value_name = "FILE|-")]
        input: PathBuf,
        /// Output file, or `-` for stdout (default).
        #[arg(long, short, value_name = "FILE|-", default_value = "-")]
        out: PathBuf,
        /// Output format: geojson or geojsonseq.
        #[arg(long, default_value = "geojson", value_parser = ["geojson", "geojsonseq"])]
        format: String,
        /// Zones to tag each incident with (`zone`, `zone_force`).
        #[arg(long, value_name = "FILE")]
        zones: Option<String>,
        /// Control history for `zone_force` (needs --zones).
        #[arg(long, value_name = "FILE", requires = "zones")]
        control: Option<String>,
        /// Forces file (needs --control).
        #[arg(long, value_name = "FILE", requires = "control")]
        forces: Option<String>,
        /// Zone property that holds the zone key (default: `id`).
        #[arg(long, value_name = "PROPERTY")]
        zone_key: Option<String>,
        /// Date format for ambiguous dates, e.g. %d/%m/%Y.
        #[arg(long, value_name = "FORMAT")]
        date_format: Option<String>,
        /// Decimals of output coordinates (default 6).
        #[arg(long, value_name = "N")]
        precision: Option<u8>,
    },
}

/// Options shared by commands that read a project.
#[derive(Debug, Args)]
pub struct ProjectArgs {
    /// The project folder.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Map date D (default: the latest date in the data).
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<String>,
    /// Start of the "recent" window S, or `all` (default: 7 days before D).
    #[arg(long, value_name = "DATE|all")]
    pub since: Option<String>,
    /// Zones file, relative to the project.
    #[arg(long, value_name = "FILE")]
    pub zones: Option<String>,
    /// Control history file.
    #[arg(long, value_name = "FILE")]
    pub control: Option<String>,
    /// Incidents file.
    #[arg(long, value_name = "FILE")]
    pub incidents: Option<String>,
    /// Forces file.
    #[arg(long, value_name = "FILE")]
    pub forces: Option<String>,
    /// Zone property that holds the zone key (default: `id`).
    #[arg(long, value_name = "PROPERTY")]
    pub zone_key: Option<String>,
    /// CRS of the zones when the file does not say (e.g. EPSG:32637).
    #[arg(long, value_name = "CRS")]
    pub zones_crs: Option<String>,
    /// CRS of incident coordinates.
    #[arg(long, value_name = "CRS")]
    pub incidents_crs: Option<String>,
    /// Date format for ambiguous dates, e.g. %d/%m/%Y.
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Read incidents as an ACLED or UCDP GED export (default: detected from the header).
    #[arg(long, value_name = "acled|ucdp")]
    pub preset: Option<String>,
    /// Encoding of CSV files without a BOM that are not UTF-8, e.g. windows-1252.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,
    /// Fix what can be fixed in zone polygons (close rings, drop repeated points,
    /// fix orientation, split self-intersections) and report each change.
    #[arg(long)]
    pub repair: bool,
}

/// Options for writing layers.
#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Output folder (default: PROJECT/out).
    #[arg(long, short, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats, comma-separated: geojson (default), geojsonseq, topojson, html, qml, svg, or all.
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub format: Option<Vec<String>>,
    /// Decimals of output coordinates (default 6).
    #[arg(long, value_name = "N")]
    pub precision: Option<u8>,
    /// Map title.
    #[arg(long)]
    pub title: Option<String>,
    /// Snap tolerance in metres for borders of neighbouring zones (default 1).
    #[arg(long, value_name = "METERS")]
    pub snap: Option<f64>,
    /// Simplify zone borders by this many metres, keeping neighbours meeting.
    #[arg(long, value_name = "METERS")]
    pub simplify: Option<f64>,
    /// Language of labels, legend and popups (`ar`, `ckb`, `ku` …; picks `name:xx`).
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// Inline Leaflet from this local `dist/` folder into map.html (an offline page).
    #[arg(long, value_name = "DIR")]
    pub leaflet: Option<String>,
    /// Background of map.html: none (default), osm, or a tile URL template.
    #[arg(long, value_name = "none|osm|URL")]
    pub basemap: Option<String>,
    /// Size of map.svg in pixels (default 1200x675).
    #[arg(long, value_name = "WxH")]
    pub size: Option<String>,
}

impl ProjectArgs {
    /// The library-side overrides.
    pub fn overrides(&self) -> Overrides {
        Overrides {
            zones: self.zones.clone(),
            control: self.control.clone(),
            incidents: self.incidents.clone(),
            forces: self.forces.clone(),
            zone_key: self.zone_key.clone(),
            zones_crs: self.zones_crs.clone(),
            incidents_crs: self.incidents_crs.clone(),
            date_format: self.date_format.clone(),
            as_of: self.as_of.clone(),
            since: self.since.clone(),
            preset: self.preset.clone(),
            encoding: self.encoding.clone(),
            repair: self.repair.then_some(true),
            ..Overrides::default()
        }
    }
}

impl OutputArgs {
    /// Add the output options to the overrides.
    pub fn apply(&self, o: &mut Overrides) {
        o.formats.clone_from(&self.format);
        o.precision = self.precision;
        o.title.clone_from(&self.title);
        o.snap = self.snap;
        o.simplify = self.simplify;
        o.lang.clone_from(&self.lang);
        o.leaflet.clone_from(&self.leaflet);
        o.basemap.clone_from(&self.basemap);
        o.size.clone_from(&self.size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_incidents_flags() {
        let cli = Cli::try_parse_from([
            "frontline",
            "incidents",
            "-",
            "--format",
            "geojsonseq",
            "--zones",
            "z.geojson",
            "--control",
            "c.csv",
        ])
        .unwrap();
        let Command::Incidents { input, out, format, control, .. } = cli.command else {
            panic!("not incidents")
        };
        assert_eq!((input, out), (PathBuf::from("-"), PathBuf::from("-")));
        assert_eq!((format.as_str(), control.as_deref()), ("geojsonseq", Some("c.csv")));
        assert!(
            Cli::try_parse_from(["frontline", "incidents", "x.csv", "--control", "c.csv"]).is_err()
        );
    }

    #[test]
    fn parses_build_flags() {
        let cli = Cli::try_parse_from([
            "frontline",
            "build",
            "proj",
            "--as-of",
            "2021-04-25",
            "--format",
            "geojson,geojsonseq",
        ])
        .unwrap();
        let Command::Build { project, output } = cli.command else { panic!("not build") };
        assert_eq!(project.dir, PathBuf::from("proj"));
        assert_eq!(project.overrides().as_of.as_deref(), Some("2021-04-25"));
        assert_eq!(output.format, Some(vec!["geojson".to_string(), "geojsonseq".to_string()]));
    }

    #[test]
    fn diff_from_and_since_conflict() {
        let ok =
            Cli::try_parse_from(["frontline", "diff", "p", "--from", "all", "--to", "2021-04-27"]);
        let Command::Diff { from, to, format, .. } = ok.unwrap().command else {
            panic!("not diff")
        };
        assert_eq!(
            (from.as_deref(), to.as_deref(), format.as_str()),
            (Some("all"), Some("2021-04-27"), "text")
        );
        let e = Cli::try_parse_from([
            "frontline",
            "diff",
            "p",
            "--from",
            "2021-04-20",
            "--since",
            "all",
        ]);
        assert!(e.is_err());
    }
}
