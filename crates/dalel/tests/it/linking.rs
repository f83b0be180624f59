//! `dalel dedupe` and `dalel decide`: entries of person records, people's decisions and the
//! linker's, merges and splits, and the public ids that survive them.

use std::path::Path;

use crate::cli::{dalel, text};

/// An FtM person line.
fn line(id: &str, props: &str) -> String {
    format!(r#"{{"id":"{id}","schema":"Person","properties":{{{props}}}}}"#) + "\n"
}

/// A new sealed archive in `dir` with `files` imported one after the other.
fn archive(dir: &Path, files: &[&[String]]) -> std::path::PathBuf {
    let data = dir.join("a");
    assert!(dalel(&data, &["init"]).status.success());
    import(&data, files);
    data
}

fn import(data: &Path, files: &[&[String]]) {
    for (i, lines) in files.iter().enumerate() {
        let file = data.parent().unwrap().join(format!("people-{i}-{}.ftm.jsonl", lines.len()));
        std::fs::write(&file, lines.concat()).unwrap();
        let out = dalel(data, &["import", "--format", "ftm", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
    }
}

/// An entry of `dalel dedupe --json`: its id, its records' external ids (sorted) and the ids
/// that redirect to it.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Clone)]
struct Entry {
    external_ids: Vec<String>,
    id: String,
    redirects: Vec<String>,
}

fn entries(data: &Path, args: &[&str]) -> Vec<Entry> {
    let out = dalel(data, &[&["dedupe", "--json"], args].concat());
    assert!(out.status.success(), "{}", text(&out));
    let strings = |v: &serde_json::Value| -> Vec<String> {
        let mut s: Vec<String> = v.as_array().unwrap().iter().map(|e| e.as_str().unwrap().to_string()).collect();
        s.sort();
        s
    };
    let mut entries: Vec<Entry> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            assert!(id.len() == 14 && id.chars().filter(|&c| c == '-').count() == 2, "{v}");
            Entry { id, external_ids: strings(&v["external_ids"]), redirects: strings(&v["redirects"]) }
        })
        .collect();
    entries.sort();
    entries
}

fn grouped(entries: &[Entry]) -> Vec<Vec<&str>> {
    entries.iter().map(|e| e.external_ids.iter().map(String::as_str).collect()).collect()
}

fn decide(data: &Path, args: &[&str]) {
    let out = dalel(data, &[&["decide"], args].concat());
    assert!(out.status.success(), "{}", text(&out));
}

/// Synthetic people: the same man in three scripts (one ID number mistyped), a namesake born
/// elsewhere and decades apart, and someone else.
fn bilash() -> Vec<String> {
    vec![
        line(
            "a1",
            r#""name":["Серікжан Біләш"],"birthDate":["1974-03-02"],"idNumber":["65400219740302001X"],"gender":["male"]"#,
        ),
        line(
            "a2",
            r#""name":["Serikzhan Bilash"],"birthDate":["1974"],"idNumber":["65400219740302007X"],"gender":["male"]"#,
        ),
        line("a3", r#""name":["赛力克江·比拉什"],"birthDate":["1974-03-02"],"birthPlace":["Ghulja"]"#),
        line("b1", r#""name":["Serikzhan Bilash"],"birthDate":["1931"],"gender":["female"]"#),
        line("c1", r#""name":["Гүлнар Тоқтарқызы"],"birthDate":["1980"]"#),
    ]
}

#[test]
fn dedupe_puts_every_record_in_one_entry() {
    let dir = tempfile::tempdir().unwrap();
    let data = archive(dir.path(), &[&bilash()]);
    let found = entries(&data, &[]);
    assert_eq!(grouped(&found), [vec!["a1", "a2", "a3"], vec!["b1"], vec!["c1"]]);
    // An entry of three records answers to its own id and redirects the other two.
    assert_eq!(found[0].redirects.len(), 2, "{found:?}");
    assert!(!found[0].redirects.contains(&found[0].id));
    assert!(found[1].redirects.is_empty());

    let out = dalel(&data, &["dedupe"]);
    assert!(out.status.success(), "{}", text(&out));
    let summary = String::from_utf8(out.stdout).unwrap();
    assert!(summary.starts_with("5 records,") && summary.contains(": 3 entries"), "{summary}");
    assert!(summary.contains("the same ID number"), "{summary}");
    // Without --apply nothing is written.
    assert_eq!(decisions(&data).len(), 0);
}

/// A person joins two records the linker keeps apart, takes it back, and joins them again: the
/// entries come back exactly, and the older record's id names the merged entry throughout.
#[test]
fn merges_and_splits_round_trip_and_the_eldest_id_survives() {
    let dir = tempfile::tempdir().unwrap();
    let older = [line("x1", r#""name":["Aidar Tursun"],"birthDate":["1980"]"#)];
    let newer = [line("x2", r#""name":["Ерлан Сейітов"],"birthDate":["1961"]"#)];
    let data = archive(dir.path(), &[&older, &newer]);
    let apart = entries(&data, &[]);
    assert_eq!(grouped(&apart), [vec!["x1"], vec!["x2"]]);
    let id_of = |entries: &[Entry], ext: &str| {
        entries.iter().find(|e| e.external_ids.iter().any(|x| x == ext)).unwrap().id.clone()
    };
    let (x1, x2) = (id_of(&apart, "x1"), id_of(&apart, "x2"));

    decide(&data, &["same", "x2", "x1", "--note", "the family's photograph"]);
    let merged = entries(&data, &[]);
    assert_eq!(
        merged,
        [Entry { external_ids: vec!["x1".into(), "x2".into()], id: x1.clone(), redirects: vec![x2.clone()] }]
    );

    decide(&data, &["undecided", "x1", "x2"]);
    assert_eq!(entries(&data, &[]), apart, "a split gives back both entries and their ids");
    decide(&data, &["same", "x1", "x2"]);
    assert_eq!(entries(&data, &[]), merged);

    // A newer record merged in later leaves the entry's id as it was.
    import(&data, &[&[line("x3", r#""name":["Aidar Tursunov"],"birthDate":["1980"]"#)]]);
    decide(&data, &["same", "x3", "x2"]);
    let grown = entries(&data, &[]);
    assert_eq!(grouped(&grown), [vec!["x1", "x2", "x3"]]);
    assert_eq!(grown[0].id, x1);
    assert!(grown[0].redirects.contains(&x2));
    // The eldest record changed since: written after the others now, it was put first all the same.
    import(&data, &[&[line("x1", r#""name":["Aidar Tursun"],"birthDate":["1980-04"]"#)]]);
    let changed = entries(&data, &[]);
    assert_eq!(grouped(&changed), [vec!["x1", "x2", "x3"]]);
    assert_eq!(changed[0].id, x1);

    // Every decision and every change of mind is in the ledger.
    let history = decisions(&data);
    let verdicts: Vec<&str> = history.iter().map(|d| d["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["same", "same"], "the current decision on each pair");
    let log = dalel(&data, &["log", history[0]["id"].as_str().unwrap()]);
    assert!(log.status.success(), "{}", text(&log));
}

/// A person's "not the same" holds against the linker: the pair stays apart, no chain of links
/// joins it through a third record, the linker's run leaves the decision as it is and writes the
/// link it refused for review instead.
#[test]
fn a_persons_not_the_same_is_never_overridden() {
    let dir = tempfile::tempdir().unwrap();
    let data = archive(dir.path(), &[&bilash()]);
    let out = dalel(&data, &["decide", "different", "a1", "a2", "--note", "two brothers"]);
    assert!(out.status.success(), "{}", text(&out));

    let found = entries(&data, &["--apply"]);
    for entry in &found {
        assert!(!(entry.external_ids.contains(&"a1".into()) && entry.external_ids.contains(&"a2".into())), "{found:?}");
    }
    assert_eq!(found.len(), 4, "a3 joins one of the brothers, not both: {found:?}");

    let stored = decisions(&data);
    let human: Vec<_> = stored.iter().filter(|d| d["automatic"] != serde_json::Value::Bool(true)).collect();
    assert_eq!(human.len(), 1, "{stored:?}");
    assert_eq!((human[0]["verdict"].as_str(), human[0]["notes"].as_str()), (Some("different"), Some("two brothers")));
    let refused: Vec<_> =
        stored.iter().filter(|d| d["notes"].as_str().is_some_and(|n| n.contains("said to be two people"))).collect();
    assert_eq!(refused.len(), 1, "{stored:?}");
    assert_eq!(refused[0]["verdict"], "undecided");
    assert!(
        stored.iter().any(|d| d["verdict"] == "same" && d["automatic"] == true && d["score"].as_f64().unwrap() >= 0.8)
    );

    // Running the linker again changes nothing, and its "same" is not a person's decision.
    let out = dalel(&data, &["dedupe", "--apply"]);
    assert!(out.status.success(), "{}", text(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains("0 decisions written"), "{summary}");
    assert_eq!(decisions(&data), stored);
}

#[test]
fn a_decision_names_records_that_exist() {
    let dir = tempfile::tempdir().unwrap();
    let data = archive(dir.path(), &[&bilash()]);
    let out = dalel(&data, &["decide", "same", "a1", "nobody"]);
    assert!(!out.status.success());
    assert!(text(&out).contains(r#"no person record has the id "nobody""#), "{}", text(&out));
    let out = dalel(&data, &["decide", "same", "a1", "a1"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("one record"), "{}", text(&out));
    let out = dalel(&data, &["decide", "maybe", "a1", "a2"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("same, different, undecided"), "{}", text(&out));
    assert_eq!(decisions(&data).len(), 0);
}

/// The decision records of a dalel JSON lines export.
fn decisions(data: &Path) -> Vec<serde_json::Value> {
    let out = dalel(data, &["export", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["type"] == "decision")
        .collect()
}

/// A list of three (one man of the archive in another spelling, his namesake's double, and a
/// stranger) matched without importing it; the report says who, how sure and why.
#[test]
fn an_outside_list_is_matched_without_importing_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = archive(dir.path(), &[&bilash()]);
    let before = dalel(&data, &["export", "--format", "jsonl"]).stdout;
    let list = dir.path().join("police-list.csv");
    std::fs::write(
        &list,
        "external_id,name,birth_date,id_numbers\n\
         L1,BILASH SERIKZHAN,1974-03-02,65400219740302001X\n\
         L2,Nurlan Zhaksylykov,1990,\n",
    )
    .unwrap();
    let prefix = dir.path().join("report");
    let out = dalel(&data, &["xref", list.to_str().unwrap(), "--output", prefix.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("2 people on the list, 0 rows not read"),
        "{}",
        text(&out)
    );
    let report = std::fs::read_to_string(dir.path().join("report.csv")).unwrap();
    let mut rows = csv::Reader::from_reader(report.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[..5], ["list_row", "list_id", "list_name", "verdict", "score"]);
    let rows: Vec<Vec<String>> = rows.records().map(|r| r.unwrap().iter().map(String::from).collect()).collect();
    let matched: Vec<&str> = rows.iter().filter(|r| r[3] == "match").map(|r| r[6].as_str()).collect();
    let mut sorted = matched.clone();
    sorted.sort();
    assert_eq!(sorted, ["a1", "a2", "a3"], "{report}");
    assert!(rows.iter().all(|r| r[1] == "L1" && r[0] == "2"), "the stranger matches no one: {report}");
    assert!(rows[0][9].contains("the same ID number"), "{report}");
    assert_eq!(rows[0][7].len(), 14, "the entry's public id: {report}");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(html.contains("BILASH SERIKZHAN") && html.contains("Серікжан Біләш"), "{html}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("report.csv")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner reads a report of the archive's names");
    }
    assert_eq!(dalel(&data, &["export", "--format", "jsonl"]).stdout, before, "the archive is unchanged");
}

/// A spreadsheet is read as the CSV is; a bad row fails the match and names its row, unless
/// the good ones are matched on purpose and the bad one listed.
#[test]
fn a_spreadsheet_list_and_its_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let data = archive(dir.path(), &[&bilash()]);
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let rows = [["name", "birth_date"], ["Гүлнар Тоқтарқызы", "1980"], ["Aidar Tursun", "in the spring"]];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, *value).unwrap();
        }
    }
    let list = dir.path().join("prisoners.xlsx");
    book.save(&list).unwrap();

    let out = dalel(&data, &["xref", list.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("prisoners.xlsx:3: birth_date:"), "{}", text(&out));
    assert!(text(&out).contains("nothing was matched"), "{}", text(&out));

    let prefix = dir.path().join("p");
    let out = dalel(&data, &["xref", list.to_str().unwrap(), "--skip-invalid", "--output", prefix.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).starts_with("1 people on the list, 1 rows not read"),
        "{}",
        text(&out)
    );
    let report = std::fs::read_to_string(dir.path().join("p.csv")).unwrap();
    assert!(report.lines().nth(1).is_some_and(|l| l.starts_with("2,,Гүлнар Тоқтарқызы,")), "{report}");
    let html = std::fs::read_to_string(dir.path().join("p.html")).unwrap();
    assert!(html.contains("Rows not read") && html.contains("row 3, birth_date"), "{html}");

    let out = dalel(&data, &["xref", dir.path().join("list.txt").to_str().unwrap()]);
    assert!(text(&out).contains("give --format csv, ftm or xlsx"), "{}", text(&out));
}

/// Two records of one man, each from his sister's testimony, her name in two scripts: the pair's
/// reasons say that a relative's name agrees. A namesake whose testimony came from a brother of
/// another name does not get that reason.
#[test]
fn relatives_who_testified_are_compared() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let person = |id: &str, name: &str, script: &str| {
        format!(
            r#"{{"type":"person","id":"{id}","names":[{{"text":"{name}","script":"{script}","kind":"full"}}],"birth_date":"1974"}}"#
        )
    };
    let testimony = |id: &str, testifier: &str, about: &str, relation: &str| {
        format!(
            r#"{{"type":"testimony","id":"{id}","testifier":{{"name":"{testifier}"}},"subjects":[{{"person":"{about}","relation":"{relation}"}}],"consent":"internal"}}"#
        )
    };
    let lines = [
        r#"{"format":"dalel-jsonl","version":1}"#.to_string(),
        person("r1", "Serikzhan Bilash", "Latn"),
        person("r2", "Серікжан Біләш", "Cyrl"),
        person("r3", "Serikjan Bilash", "Latn"),
        testimony("t1", "Gulnar Bilash", "r1", "sister"),
        testimony("t2", "Гүлнар Біләш", "r2", "sister"),
        testimony("t3", "Marat Seitov", "r3", "brother"),
    ];
    let file = dir.path().join("family.jsonl");
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = dalel(&data, &["import", "--format", "jsonl", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let out = dalel(&data, &["dedupe", "--apply", "--link-threshold", "0.99", "--review-threshold", "0.0001"]);
    assert!(out.status.success(), "{}", text(&out));
    let decisions = decisions(&data);
    let reasons = |a: &str, b: &str| -> String {
        let (a, b) = (dalel_model::RecordId::new(a).unwrap(), dalel_model::RecordId::new(b).unwrap());
        let d = decisions
            .iter()
            .find(|d| {
                let pair = d["persons"].to_string();
                pair.contains(a.as_str()) && pair.contains(b.as_str())
            })
            .unwrap_or_else(|| panic!("no decision on {a} and {b}: {decisions:?}"));
        d["reasons"].to_string()
    };
    assert!(reasons("r1", "r2").contains("a relative's name agrees"), "{}", reasons("r1", "r2"));
    assert!(reasons("r1", "r3").contains("no relative's name agrees"), "{}", reasons("r1", "r3"));
}

/// Two people one testimony names are two people, however alike: the linker keeps them apart,
/// while the same two records from two testimonies are linked.
#[test]
fn people_one_testimony_names_are_never_linked() {
    let person = |id: &str, name: &str, script: &str| {
        format!(
            r#"{{"type":"person","id":"{id}","names":[{{"text":"{name}","script":"{script}","kind":"full"}}],"birth_date":"1990-05-01","gender":"male","hometown":"Ghulja"}}"#
        )
    };
    let testimony = |id: &str, subjects: &[(&str, &str)]| {
        let subjects: Vec<String> =
            subjects.iter().map(|(p, r)| format!(r#"{{"person":"{p}","relation":"{r}"}}"#)).collect();
        format!(
            r#"{{"type":"testimony","id":"{id}","testifier":{{"name":"Synthetic Mother"}},"subjects":[{}],"consent":"internal"}}"#,
            subjects.join(",")
        )
    };
    let people = [person("n1", "Nurlan Serikuly", "Latn"), person("n2", "Нұрлан Серікұлы", "Cyrl")];
    let entries_of = |testimonies: &[String]| -> usize {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("a");
        assert!(dalel(&data, &["init"]).status.success());
        let mut lines = vec![r#"{"format":"dalel-jsonl","version":1}"#.to_string()];
        lines.extend(people.iter().cloned());
        lines.extend(testimonies.iter().cloned());
        let file = dir.path().join("t.jsonl");
        std::fs::write(&file, lines.join("\n")).unwrap();
        let out = dalel(&data, &["import", "--format", "jsonl", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
        let out = dalel(&data, &["dedupe", "--json"]);
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap().lines().count()
    };
    let apart = [testimony("t1", &[("n1", "son"), ("n2", "relative")])];
    let separately = [testimony("t1", &[("n1", "son")]), testimony("t2", &[("n2", "son")])];
    assert_eq!(entries_of(&separately), 1, "alike records from two testimonies are linked");
    assert_eq!(entries_of(&apart), 2, "one testimony naming both keeps them apart");

    // Linked and applied first; a testimony naming both, later, undoes the linker's "same".
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let import = |lines: &[String]| {
        let mut all = vec![r#"{"format":"dalel-jsonl","version":1}"#.to_string()];
        all.extend(lines.iter().cloned());
        let file = dir.path().join("t.jsonl");
        std::fs::write(
            &file,
            all.join(
                "
",
            ),
        )
        .unwrap();
        let out = dalel(&data, &["import", "--format", "jsonl", file.to_str().unwrap()]);
        assert!(out.status.success(), "{}", text(&out));
    };
    import(&[people.to_vec(), separately.to_vec()].concat());
    assert!(dalel(&data, &["dedupe", "--apply"]).status.success());
    assert_eq!(decisions(&data)[0]["verdict"], "same", "{:?}", decisions(&data));
    import(&[testimony("t3", &[("n1", "son"), ("n2", "relative")])]);
    assert!(dalel(&data, &["dedupe", "--apply"]).status.success());
    let after = decisions(&data);
    assert_eq!(after.len(), 1, "{after:?}");
    assert_eq!(
        (after[0]["verdict"].as_str(), after[0]["notes"].as_str()),
        (Some("different"), Some("two people one testimony names"))
    );
}
