//! Command-line behaviour: usage errors and exit codes.

use crate::util::{text, Workdir};

#[test]
fn malformed_as_of_is_a_usage_error() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["build", "q", "--as-of", "2021-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o).1,
        "error: invalid --as-of \"2021-02-30\": impossible date — e.g. --as-of 2021-04-25\n"
    );
    assert!(!w.path().join("q/out").exists());
}

#[test]
fn missing_project_is_a_usage_error() {
    let w = Workdir::new();
    let o = w.run(&["build", "nowhere"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("project folder \"nowhere\" does not exist"));
}

#[test]
fn unknown_flag_exits_2() {
    let o = Workdir::new().run(&["build", "--frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn unknown_format_lists_known_ones() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["build", "q", "--format", "kml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).1.contains("unknown format \"kml\" — known formats:"), "{}", text(&o).1);
}
