//! `frontline check`: every problem, located.

use crate::util::{text, Workdir};

#[test]
fn lists_every_problem_with_locations() {
    let w = Workdir::new();
    w.demo("q");
    w.write(
        "q/control.csv",
        "zone,force,since,status\nTia,ndf,2021-04-20,\nkilo,asaysh,2021-02-30,\nkilo,ndf,2021-04-20,sieged\n",
    );
    let o = w.run(&["check", "q"]);
    let (out, _) = text(&o);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!(out, @r#"
    control.csv:2:1: unknown zone "Tia" — did you mean "al-Tay"?
    control.csv:3:2: unknown force "asaysh" — did you mean "Asayish"?
    control.csv:3:3: impossible date "2021-02-30" — this day does not exist in the calendar
    control.csv:4:4: unknown status "sieged" — use held, contested or claimed
    4 errors, 0 warnings
    "#);
}

#[test]
fn json_report_for_machines() {
    let w = Workdir::new();
    w.demo("q");
    w.write("q/control.csv", "zone,force,since\nTia,ndf,2021-04-20\n");
    let o = w.run(&["check", "q", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["errors"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("control.csv"), Some(2), Some(1))
    );
    assert_eq!(d["value"], "Tia");
    assert_eq!(d["hint"], "did you mean \"al-Tay\"?");
}

#[test]
fn demo_is_clean() {
    let w = Workdir::new();
    w.demo("q");
    let o = w.run(&["check", "q"]);
    assert_eq!(text(&o).0, "0 errors, 0 warnings\n");
    assert!(o.status.success());
}
