//! The binary, run as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// `dalel --data DATA ARGS...`, with its key files under DATA's parent (never the user's own
/// configuration directory).
pub(crate) fn command(data: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dalel"));
    command.arg("--data").arg(data).args(args);
    command.env("XDG_CONFIG_HOME", data.parent().unwrap().join("config")).env_remove("DALEL_KEY_FILE");
    command
}

pub(crate) fn dalel(data: &Path, args: &[&str]) -> Output {
    command(data, args).output().unwrap()
}

pub(crate) fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn person_line(id: &str, birth: &str) -> String {
    format!(r#"{{"id":"{id}","schema":"Person","properties":{{"name":["Нұрлан {id}"],"birthDate":["{birth}"]}}}}"#)
}

fn count_people(data: &Path) -> usize {
    let out = dalel(data, &["export", "--format", "csv"]);
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8(out.stdout).unwrap().lines().count() - 1
}

#[test]
fn every_command_has_help() {
    for cmd in [
        "init",
        "import",
        "export",
        "verify",
        "rebuild",
        "log",
        "show",
        "evidence",
        "demo",
        "serve",
        "search",
        "names",
        "user",
        "backup",
        "restore",
        "dedupe",
        "decide",
        "xref",
        "publish",
        "facilities",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dalel")).args([cmd, "--help"]).output().unwrap();
        assert!(out.status.success(), "{cmd} --help");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage: dalel"), "{cmd} --help");
    }
}

#[test]
fn commands_refuse_a_missing_archive() {
    let dir = tempfile::tempdir().unwrap();
    let out = dalel(&dir.path().join("nope"), &["verify"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no archive at"), "{}", text(&out));
}

#[test]
fn a_file_with_one_bad_line_fails_with_its_number_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("archive");
    assert!(dalel(&data, &["init"]).status.success());
    let file = dir.path().join("people.ftm.jsonl");
    let lines =
        [person_line("a", "1970"), person_line("b", "1971"), person_line("c", "1972-13"), person_line("d", "1973")];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = dalel(&data, &["import", "--format", "ftm", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains(&format!("{}:3: birthDate: month 13 is not between 1 and 12", file.display())), "{msg}");
    assert!(msg.contains("nothing was imported"), "{msg}");
    assert_eq!(count_people(&data), 0);
    let verify = dalel(&data, &["verify"]);
    assert!(text(&verify).contains("ok: 0 ledger entries"), "{}", text(&verify));

    // With --skip-invalid the good lines go in and the bad one goes to the rejects file.
    let rejects = dir.path().join("rejects.txt");
    let out = dalel(
        &data,
        &[
            "import",
            "--format",
            "ftm",
            "--skip-invalid",
            "--rejects",
            rejects.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("imported: 3 created, 0 updated, 0 unchanged, 1 rejected"), "{}", text(&out));
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    assert!(rejected.starts_with(&format!("{}:3: birthDate: month 13", file.display())), "{rejected}");
    assert!(rejected.contains(&lines[2]), "the rejected line itself is kept");
    assert_eq!(count_people(&data), 3);
}

#[test]
fn log_shows_a_records_history_and_verify_and_rebuild_agree() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("archive");
    dalel(&data, &["init"]);
    let file = dir.path().join("p.ftm.jsonl");
    std::fs::write(&file, person_line("a", "1970")).unwrap();
    dalel(&data, &["import", "--format", "ftm", file.to_str().unwrap()]);
    std::fs::write(&file, person_line("a", "1971")).unwrap();
    let out = dalel(&data, &["import", "--format", "ftm", file.to_str().unwrap()]);
    assert!(text(&out).contains("0 created, 1 updated"), "{}", text(&out));
    let id = dalel_interchange::record_id_for("a").to_string();
    let log = text(&dalel(&data, &["log", &id]));
    assert!(log.contains("#1 ") && log.contains("#2 ") && log.contains("1970") && log.contains("1971"), "{log}");
    let rebuild = text(&dalel(&data, &["rebuild"]));
    assert!(rebuild.starts_with("replayed 2 ledger entries") && !rebuild.contains("drifted"), "{rebuild}");
    assert!(dalel(&data, &["verify"]).status.success());
}

/// Evidence files are kept encrypted (the archive is sealed by `demo`, as by `init`), checked by
/// `verify`, and a changed one is named; without the key file, nothing opens the archive.
#[test]
fn evidence_files_are_sealed_and_verified_and_need_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("archive");
    assert!(dalel(&data, &["demo", "--people", "3"]).status.success());
    assert!(data.join("index").join("names.sealed").exists(), "the demo's name index is built, and kept sealed");
    let file = dir.path().join("verdict.pdf");
    let content = b"%PDF-1.4 synthetic court verdict of Qudaibergen Zhylqyaidarov";
    std::fs::write(&file, content).unwrap();
    let out = dalel(&data, &["evidence", "add", file.to_str().unwrap(), "--description", "verdict"]);
    assert!(out.status.success(), "{}", text(&out));
    let sha = dalel_model::Hash::of(content).to_hex();
    assert!(text(&out).contains(&format!("sha256 {sha}")), "{}", text(&out));
    assert!(text(&dalel(&data, &["verify"])).contains("1 evidence files"));
    let stored: Vec<PathBuf> =
        walk(&data.join("evidence")).into_iter().filter(|p| !p.starts_with(data.join("evidence/tmp"))).collect();
    assert_eq!(stored.len(), 1, "{stored:?}");
    let bytes = std::fs::read(&stored[0]).unwrap();
    assert!(!bytes.windows(16).any(|w| w == &content[..16]) && !stored[0].to_string_lossy().contains(&sha));
    std::fs::write(&stored[0], b"%PDF-1.4 forged court verdict!!!").unwrap();
    let out = dalel(&data, &["verify"]);
    assert!(!out.status.success());
    assert!(text(&out).contains(&format!("({sha}): ")), "{}", text(&out));

    // Without its key file the archive is not opened, and the server does not start.
    let keys = dir.path().join("config/dalel/keys");
    let key = std::fs::read_dir(&keys).unwrap().next().unwrap().unwrap().path();
    std::fs::rename(&key, dir.path().join("elsewhere.key")).unwrap();
    for args in [&["verify"][..], &["export", "--format", "jsonl"], &["serve", "--listen", "127.0.0.1:0"]] {
        let out = dalel(&data, args);
        assert!(!out.status.success(), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("no key file at"), "{args:?}: {}", text(&out));
    }
    let elsewhere = dir.path().join("elsewhere.key");
    let out = dalel(&data, &["--key-file", elsewhere.to_str().unwrap(), "export", "--format", "jsonl"]);
    assert!(out.status.success(), "--key-file finds it: {}", text(&out));
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

/// Starts importing `file` into `data` and kills it (SIGKILL) once `now` says so; fails if the
/// import finished first.
fn kill_import_when(data: &Path, file: &Path, now: impl Fn() -> bool) {
    let mut child =
        command(data, &["import", "--format", "ftm"]).arg(file).stdout(std::process::Stdio::null()).spawn().unwrap();
    while !now() && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the import finished before it could be killed");
}

fn larger_than(path: PathBuf, bytes: u64) -> impl Fn() -> bool {
    move || std::fs::metadata(&path).is_ok_and(|m| m.len() > bytes)
}

/// SIGKILL in the middle of an import leaves an archive that verifies and holds all of the
/// file or none of it: while a first import writes (a rollback journal, docs/ledger.md), while
/// it commits, and while a later import writes its write-ahead log.
#[test]
fn a_killed_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.ftm.jsonl");
    let n = 100_000;
    let body: Vec<String> = (0..n).map(|i| person_line(&format!("p{i}"), "1970")).collect();
    std::fs::write(&file, body.join("\n")).unwrap();
    let one = dir.path().join("one.ftm.jsonl");
    std::fs::write(&one, person_line("first", "1960")).unwrap();

    let archive = |name: &str| {
        let data = dir.path().join(name);
        assert!(dalel(&data, &["init"]).status.success());
        data
    };
    let writing = archive("writing");
    kill_import_when(&writing, &file, larger_than(writing.join("archive.sqlite-journal"), 0));
    let committing = archive("committing");
    kill_import_when(&committing, &file, larger_than(committing.join("archive.sqlite"), 4 << 20));
    let later = archive("later");
    assert!(dalel(&later, &["import", "--format", "ftm", one.to_str().unwrap()]).status.success());
    kill_import_when(&later, &file, larger_than(later.join("archive.sqlite-wal"), 4 << 20));

    for (data, before) in [(writing, 0), (committing, 0), (later, 1)] {
        let verify = dalel(&data, &["verify"]);
        assert!(verify.status.success(), "{}", text(&verify));
        let people = count_people(&data);
        assert!(people == before || people == before + n, "{people} people: a partial import");
    }
}

#[test]
fn search_finds_people_across_scripts_and_follows_the_archive() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let file = dir.path().join("people.ftm.jsonl");
    let line = |id: &str, name: &str| {
        format!(r#"{{"id":"{id}","schema":"Person","properties":{{"name":["{name}"]}}}}"#) + "\n"
    };
    let people = [("kz-1", "Серікжан Біләш"), ("kz-2", "Серік Беков"), ("kz-3", "Гүлнар Тоқтарқызы")];
    std::fs::write(&file, people.iter().map(|(id, n)| line(id, n)).collect::<String>()).unwrap();
    assert!(dalel(&data, &["import", "--format", "ftm", file.to_str().unwrap()]).status.success());
    // The import brought the name index up to date (kept sealed, as the archive is).
    assert!(data.join("index").join("names.sealed").exists());

    let queries = dir.path().join("queries.txt");
    let asked = ["Serikzhan Bilash", "赛力克江·比拉什", "Gulnar Toktarkyzy", "Serik Bekov", "Гүлнар Тоқтарқызы"];
    std::fs::write(&queries, asked.join("\n")).unwrap();
    let out = dalel(&data, &["search", "--json", "--limit", "2", "--queries", queries.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("rebuilt"), "{}", text(&out));
    let answers: Vec<serde_json::Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    // In the file's order, though the queries are answered on several threads.
    let queried: Vec<&str> = answers.iter().map(|a| a["query"].as_str().unwrap()).collect();
    assert_eq!(queried, asked);
    for (answer, want) in answers.iter().zip(["kz-1", "kz-1", "kz-3", "kz-2", "kz-3"]) {
        let best = &answer["results"][0];
        assert_eq!(best["external_id"], want, "{answer}");
        assert!(best["score"].as_f64().unwrap() > 0.8, "{answer}");
        assert!(best["id"].as_str().is_some_and(|id| !id.is_empty()));
    }
    assert_eq!(answers[0]["results"][0]["names"][0], "Серікжан Біләш");

    // A person imported later is found: the index follows the ledger.
    std::fs::write(&file, line("kz-4", "Қайрат Нұрланұлы Әбенов")).unwrap();
    assert!(dalel(&data, &["import", "--format", "ftm", file.to_str().unwrap()]).status.success());
    let out = dalel(&data, &["search", "Kairat", "Abenov"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).lines().next().unwrap().contains("(kz-4)"), "{}", text(&out));
}

#[test]
fn names_compare_prints_scores_and_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.tsv");
    std::fs::write(&pairs, "Serikzhan Bilash\tСерікжан Біләш\nAidar\tAigerim\n").unwrap();
    let out = dalel(dir.path(), &["names", "compare", "--pairs", pairs.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].ends_with("\ttrue") && lines[1].ends_with("\tfalse"), "{stdout}");

    let out = dalel(dir.path(), &["names", "compare", "Nurlan Abenov", "N. Abenov"]);
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("\tmatch\n") && stdout.contains("initial"), "{stdout}");
}

#[test]
fn an_export_into_a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["demo", "--people", "300"]).status.success());
    let mut child = command(&data, &["export", "--format", "jsonl"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("dalel-jsonl"), "{first}");
    // The reader is dropped here, as `head -1` would exit.
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("error"), "{}", text(&out));
}

/// Runs `dalel --data DATA ARGS` with `input` on standard input.
fn dalel_with_input(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = command(data, args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
        // A command may refuse before it reads its input (an account that exists, a bad role)
        // and be gone before this is written: what it printed says why.
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    child.wait_with_output().unwrap()
}

fn stored_account(data: &Path, name: &str) -> dalel_model::Account {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let archive = dalel_store::Archive::open(data).await.unwrap();
        dalel_store::Store::account(&archive.store, name).await.unwrap().unwrap()
    })
}

#[test]
fn accounts_are_added_with_checked_passwords_changed_disabled_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let out = dalel(&data, &["user", "list"]);
    assert!(text(&out).contains("no accounts yet"), "{}", text(&out));

    let out = dalel_with_input(&data, &["user", "add", "aigul", "--role", "admin"], "tea in the mountains\n");
    assert!(out.status.success(), "{}", text(&out));
    let aigul = stored_account(&data, "aigul");
    assert!(dalel_model::verify_password("tea in the mountains", &aigul.password_hash));
    assert!(!aigul.password_hash.contains("mountains"), "only the hash is stored");

    let failures = [
        (
            vec!["user", "add", "aigul", "--role", "editor"],
            "another long password",
            "already an account named \"aigul\"",
        ),
        (vec!["user", "add", "zhanar", "--role", "volunteer"], "short\n", "at least 12 characters"),
        (vec!["user", "add", "zhanar", "--role", "volunteer"], "", "no password"),
        (vec!["user", "add", "zhanar bek", "--role", "volunteer"], "a long enough one", "letters, digits"),
        (vec!["user", "add", "zhanar", "--role", "boss"], "a long enough one", "invalid value 'boss'"),
        (vec!["user", "passwd", "nobody"], "a long enough one", "no account named \"nobody\""),
    ];
    for (args, input, reason) in failures {
        let out = dalel_with_input(&data, &args, input);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(text(&out).contains(reason), "{args:?}: {}", text(&out));
    }

    let out = dalel_with_input(&data, &["user", "add", "zhanar", "--role", "volunteer"], "four words in a row\n");
    assert!(out.status.success(), "{}", text(&out));
    let out = dalel_with_input(&data, &["user", "passwd", "zhanar"], "five words in a row now\n");
    assert!(out.status.success(), "{}", text(&out));
    let zhanar = stored_account(&data, "zhanar");
    assert!(dalel_model::verify_password("five words in a row now", &zhanar.password_hash));
    assert!(!dalel_model::verify_password("four words in a row", &zhanar.password_hash));

    assert!(dalel(&data, &["user", "disable", "zhanar"]).status.success());
    let listed = String::from_utf8(dalel(&data, &["user", "list"]).stdout).unwrap();
    assert_eq!(listed, "aigul   admin      active\nzhanar  volunteer  disabled\n");
    assert!(dalel(&data, &["user", "enable", "zhanar"]).status.success());
    assert!(!stored_account(&data, "zhanar").disabled);
}

/// Sends a raw HTTP/1.1 request to the server on `port`; returns the whole answer.
fn http(port: u16, request: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

/// Signs in to the server on `port` as a browser does; returns the session cookie and the CSRF
/// token its changes must carry.
fn sign_in(port: u16, name: &str, password: &str) -> (String, String) {
    let form = http(port, "GET /login HTTP/1.1\r\nHost: dalel\r\nConnection: close\r\n\r\n");
    let cookie = |answer: &str, name: &str| {
        let line = answer.lines().find(|l| l.to_lowercase().starts_with(&format!("set-cookie: {name}="))).unwrap();
        line.split_once(": ").unwrap().1.split(';').next().unwrap().to_string()
    };
    let token = form.split(r#"name="csrf" value=""#).nth(1).unwrap().split('"').next().unwrap();
    let body = format!("name={name}&password={}&csrf={token}", password.replace(' ', "+"));
    let answer = http(
        port,
        &format!(
            "POST /login HTTP/1.1\r\nHost: dalel\r\nConnection: close\r\nCookie: {}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            cookie(&form, "dalel_login"),
            body.len()
        ),
    );
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let session = cookie(&answer, "dalel_session");
    let who = http(
        port,
        &format!("GET /api/session HTTP/1.1\r\nHost: dalel\r\nConnection: close\r\nCookie: {session}\r\n\r\n"),
    );
    let csrf = who.split(r#""csrf":""#).nth(1).unwrap().split('"').next().unwrap().to_string();
    (session, csrf)
}

/// The logs carry no personal data: at the most verbose level, an import, the server's pages, a
/// search and a new testimony leave none of the names or the number they handled in them, nor
/// the password of the account that signed in.
#[test]
fn logs_hold_no_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let (name, number, testifier) = ("Qudaibergen Zhylqyaidarov", "650102197001011234", "Bakhytgul Testifierova");
    let file = dir.path().join("one.ftm.jsonl");
    let line = format!(r#"{{"id":"x1","schema":"Person","properties":{{"name":["{name}"],"idNumber":["{number}"]}}}}"#);
    std::fs::write(&file, line).unwrap();
    let import = command(&data, &["import", "--format", "ftm"]).env("DALEL_LOG", "trace").arg(&file).output().unwrap();
    assert!(import.status.success(), "{}", text(&import));
    let password = "Passphrase of the editor";
    let added = dalel_with_input(&data, &["user", "add", "editor1", "--role", "editor"], &format!("{password}\n"));
    assert!(added.status.success(), "{}", text(&added));

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = dir.path().join("serve.log");
    let mut server = command(&data, &["serve", "--listen", &format!("127.0.0.1:{port}")])
        .env("DALEL_LOG", "trace")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let (session, csrf) = sign_in(port, "editor1", password);
    let get = |path: &str| {
        http(port, &format!("GET {path} HTTP/1.1\r\nHost: dalel\r\nConnection: close\r\nCookie: {session}\r\n\r\n"))
    };
    let people = get("/");
    let href = people.split("href=\"/people/").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(get(&format!("/people/{href}")).contains(name));
    assert!(get("/search?q=Qudaibergen%20Zhylqyaidarov").contains(name));
    assert!(get(&format!("/api/id-check?number={number}")).contains("650102"));
    let form =
        format!("t-name={}&t-ids={number}&p0-relation=son&p0-names={}&action=save", testifier, name).replace(' ', "+");
    let posted = http(
        port,
        &format!(
            "POST /testimonies/new HTTP/1.1\r\nHost: dalel\r\nConnection: close\r\nCookie: {session}\r\n\
             X-CSRF-Token: {csrf}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    );
    assert!(posted.starts_with("HTTP/1.1 303"), "{posted}");
    server.kill().unwrap();
    server.wait().unwrap();

    let dedupe = command(&data, &["dedupe", "--apply"]).env("DALEL_LOG", "trace").output().unwrap();
    assert!(dedupe.status.success(), "{}", text(&dedupe));
    assert!(text(&dedupe).contains("compared"), "dedupe logs its steps at debug:\n{}", text(&dedupe));

    let logs = format!("{}\n{}\n{}", text(&import), std::fs::read_to_string(&log).unwrap(), text(&dedupe));
    assert!(logs.lines().count() > 20, "the logs are nearly empty; the test would prove nothing:\n{logs}");
    let token = session.trim_start_matches("dalel_session=");
    let secrets = ["Qudaibergen", "Zhylqyaidarov", "Bakhytgul", "Testifierova", number, "650102197001", "Passphrase"];
    for secret in secrets.into_iter().chain([token, csrf.as_str()]) {
        let at = logs.lines().find(|l| l.contains(secret));
        assert!(at.is_none(), "{secret:?} is in the logs: {}", at.unwrap_or_default());
    }
}

/// A command whose log has no reader (`dalel ... 2>&1 | head` after head has gone) still
/// finishes: the log lines are dropped. (It used to panic on SQLite's worker thread and wait for
/// ever.)
#[test]
fn a_command_whose_log_has_no_reader_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let file = dir.path().join("one.ftm.jsonl");
    std::fs::write(&file, person_line("p1", "1970")).unwrap();
    for _ in 0..5 {
        let mut child = command(&data, &["import", "--format", "ftm"])
            .env("DALEL_LOG", "trace")
            .arg(&file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        // A safety net for the test, not a measure: the import takes a fraction of a second.
        let mut waited = 0;
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            waited += 1;
            if waited > 600 {
                child.kill().unwrap();
                panic!("the import hung with its log's reader gone");
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        };
        assert!(status.success(), "{status:?}");
    }
    assert_eq!(count_people(&data), 1);
}

/// `export --public` writes what the policy publishes: on a demo archive, fewer records than
/// the whole, no testifier's contact, and ID numbers only masked.
#[test]
fn a_public_export_is_the_published_part_only() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["demo", "--people", "60"]).status.success());
    let all = dalel(&data, &["export", "--format", "jsonl"]);
    let public = dalel(&data, &["export", "--format", "jsonl", "--public"]);
    assert!(public.status.success(), "{}", text(&public));
    let (all, public) = (String::from_utf8(all.stdout).unwrap(), String::from_utf8(public.stdout).unwrap());
    assert!(public.lines().count() > 1 && public.lines().count() < all.lines().count(), "{public}");
    assert!(all.contains("\"contact\"") && !public.contains("\"contact\""));
    let records: Vec<serde_json::Value> = public.lines().skip(1).map(|l| serde_json::from_str(l).unwrap()).collect();
    let numbers: Vec<&str> = records
        .iter()
        .filter_map(|r| r["identity_numbers"].as_array())
        .flatten()
        .map(|n| n["value"].as_str().unwrap())
        .collect();
    assert!(!numbers.is_empty() && numbers.iter().all(|n| n.contains('*')), "{numbers:?}");
}

/// `dalel publish --static` writes the site as plain files: a page for each published entry in
/// each language, search data, and the public downloads as `export --public` writes them, with
/// checksums that hold. Publishing again replaces the whole site; a directory holding anything
/// else is refused and left alone.
#[test]
fn a_static_site_is_written_whole_with_checked_downloads() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    let site = dir.path().join("site");
    assert!(dalel(&data, &["demo", "--people", "60"]).status.success());
    let out = dalel(&data, &["publish", "--static", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let sums = std::fs::read_to_string(site.join("downloads/SHA256SUMS")).unwrap();
    assert_eq!(sums.lines().count(), 4, "{sums}");
    for line in sums.lines() {
        let (sum, name) = line.split_once("  ").unwrap();
        let bytes = std::fs::read(site.join("downloads").join(name)).unwrap();
        assert_eq!(hex::encode(sha2::Sha256::digest(&bytes)), sum, "{name}");
    }
    let public = dalel(&data, &["export", "--format", "jsonl", "--public"]);
    assert_eq!(std::fs::read(site.join("downloads/public.dalel.jsonl")).unwrap(), public.stdout);
    let head = std::fs::read_to_string(site.join("downloads/HEAD")).unwrap();
    let first = String::from_utf8(public.stdout).unwrap().lines().next().unwrap().to_string();
    let header: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(head.contains(header["ledger_head"].as_str().unwrap()), "{head} / {first}");

    // Every entry of the search data has its page in every language, and the listing links it.
    let script = std::fs::read_to_string(site.join("search-index.js")).unwrap();
    let first = script.lines().next().unwrap();
    let json = first.strip_prefix("var dalelSearchIndex = ").unwrap().strip_suffix(';').unwrap();
    let index: Vec<serde_json::Value> = serde_json::from_str(json).unwrap();
    assert!(!index.is_empty());
    for lang in ["kk", "ru", "en", "zh", "ug"] {
        let listing = std::fs::read_to_string(site.join(lang).join("index.html")).unwrap();
        for entry in &index {
            let id = entry["id"].as_str().unwrap();
            assert!(listing.contains(&format!("entries/{id}.html")), "{lang} lists {id}");
            let page = std::fs::read_to_string(site.join(lang).join("entries").join(format!("{id}.html"))).unwrap();
            let dir = if lang == "ug" { "rtl" } else { "ltr" };
            assert!(page.contains(id) && page.contains(&format!("lang=\"{lang}\" dir=\"{dir}\"")), "{lang}/{id}");
        }
    }

    // Statistics: each measure's CSV counts every entry once, and each language has its page.
    for measure in ["ethnicity", "prefecture", "detention-year", "status", "evidence-level", "age", "sentence"] {
        let csv = std::fs::read_to_string(site.join("statistics").join(format!("{measure}.csv"))).unwrap();
        let total: usize = csv.lines().skip(1).map(|l| l.rsplit_once(',').unwrap().1.parse::<usize>().unwrap()).sum();
        assert_eq!(total, index.len(), "{measure}: {csv}");
        for lang in ["kk", "ru", "en", "zh", "ug"] {
            let page = std::fs::read_to_string(site.join(lang).join("statistics.html")).unwrap();
            assert!(page.contains(&format!("id=\"chart-{measure}\"")) && page.contains("<svg"), "{lang} {measure}");
        }
    }

    // Publishing again replaces the site whole.
    let stale = site.join("en/entries/stale.html");
    std::fs::write(&stale, "old").unwrap();
    let out = dalel(&data, &["publish", "--static", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!stale.exists() && site.join("en/index.html").exists());
    assert!(!dir.path().join("site.partial").exists() && !dir.path().join("site.old").exists());

    // A directory of other files is not published into.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let out = dalel(&data, &["publish", "--static", other.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not a site dalel published"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(other.join("notes.txt")).unwrap(), "mine");
}

/// The gazetteer's facilities become places of the archive (`dalel facilities load`, once
/// however often it runs); an episode at one puts the entry on the facility's page of the
/// static site, and the facilities' index counts it.
#[test]
fn entries_are_listed_at_the_facilities_they_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    let out = dalel(&data, &["facilities", "load"]);
    assert!(text(&out).contains("551 created") && text(&out).contains("BuzzFeed News"), "{}", text(&out));
    let out = dalel(&data, &["facilities", "load"]);
    assert!(text(&out).contains("0 created, 0 updated, 551 unchanged"), "{}", text(&out));
    let list = String::from_utf8(dalel(&data, &["facilities", "list"]).stdout).unwrap();
    let row: Vec<&str> = list.lines().find(|l| l.starts_with("bfn-2021:106B\t")).unwrap().split('\t').collect();
    let place = row[1];
    let file = dir.path().join("at-a-camp.jsonl");
    let lines = [
        r#"{"format":"dalel-jsonl","version":1}"#.to_string(),
        r#"{"type":"person","id":"camp-p","names":[{"text":"Synthetic Person Qairatuly","script":"Latn","kind":"full"}]}"#.to_string(),
        r#"{"type":"testimony","id":"camp-t","testifier":{"name":"Synthetic"},"subjects":[{"person":"camp-p","relation":"brother"}],"recorded_on":"2019-05","consent":"public","review":{"state":"published"}}"#.to_string(),
        format!(r#"{{"type":"episode","id":"camp-e","kind":"detention","persons":["camp-p"],"sources":["camp-t"],"detention":"camp","place":"{place}","start":"2018"}}"#),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let out = dalel(&data, &["import", "--format", "jsonl", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let site = dir.path().join("site");
    let out = dalel(&data, &["publish", "--static", site.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let id = dalel_model::RecordId::new("camp-p").unwrap().public_id();
    let page = std::fs::read_to_string(site.join("en/facilities/106B.html")).unwrap();
    assert!(page.contains("Shufu - I") && page.contains(&format!("../entries/{id}.html")), "{page}");
    assert!(page.contains("BuzzFeed News"), "the source is credited");
    let index = std::fs::read_to_string(site.join("zh/facilities/index.html")).unwrap();
    assert!(index.contains("已发布条目中提到的设施（1）") && index.contains("href=\"106B.html\""), "{index}");
    // The map counts the entries by prefecture, beside each prefecture's name.
    let index = std::fs::read_to_string(site.join("en/facilities/index.html")).unwrap();
    let label = |prefecture: &str, n: usize| format!(r#">{prefecture}: <tspan class="count">{n}</tspan></text>"#);
    assert!(index.contains(&label("Kashgar", 1)) && index.contains(&label("Hotan", 0)), "{index}");
    assert!(!page.contains(r#"class="count""#), "a facility's own map counts nothing");
    assert!(!index.contains(r#"">: <tspan"#), "no label for the facilities the source gives no prefecture");
    let entry = std::fs::read_to_string(site.join(format!("ru/entries/{id}.html"))).unwrap();
    assert!(entry.contains("href=\"../facilities/106B.html\""), "the entry leads to the facility: {entry}");
    assert!(entry.contains("май 2019"), "the testimony's date in the reader's language: {entry}");
    let other = std::fs::read_to_string(site.join("en/facilities/107A.html")).unwrap();
    assert!(!other.contains("../entries/"), "a facility no entry names lists none");
}

/// `dalel init` writes the archive's key outside the archive; `backup` writes an encrypted copy
/// that `verify --backup` checks and `restore` brings back: the restored archive exports exactly
/// as the original did. A changed byte, or another archive's key, is refused.
#[test]
fn a_backup_restores_the_archive_and_a_changed_byte_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    let out = dalel(&data, &["init"]);
    assert!(out.status.success(), "{}", text(&out));
    let keys = dir.path().join("config/dalel/keys");
    let key_files: Vec<_> = std::fs::read_dir(&keys).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(key_files.len(), 1);
    assert!(
        text(&out).contains(&key_files[0].display().to_string()) && text(&out).contains("keep a copy"),
        "{}",
        text(&out)
    );
    assert!(!key_files[0].starts_with(&data), "the key is not in the archive");
    let file = dir.path().join("people.ftm.jsonl");
    std::fs::write(&file, format!("{}\n{}\n", person_line("p1", "1970"), person_line("p2", "1981-05"))).unwrap();
    assert!(dalel(&data, &["import", "--format", "ftm", file.to_str().unwrap()]).status.success());
    let pdf = dir.path().join("verdict.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 a court's verdict").unwrap();
    let export = |data: &Path| {
        let out = dalel(data, &["export", "--format", "jsonl"]);
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    let p1 =
        export(&data).lines().nth(1).unwrap().split("\"id\":\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(dalel(&data, &["evidence", "add", pdf.to_str().unwrap(), "--about", &p1]).status.success());

    let backup = dir.path().join("backup");
    let out = dalel(&data, &["backup", "--to", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("the database and 1 evidence files"), "{}", text(&out));
    let out = dalel(&data, &["verify", "--backup", backup.to_str().unwrap()]);
    assert!(out.status.success() && text(&out).starts_with("ok: backup of archive"), "{}", text(&out));

    let restored = dir.path().join("restored");
    let out = dalel(&restored, &["restore", "--from", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    let (before, after) = (export(&data), export(&restored));
    assert_eq!(before, after, "the restored archive exports as the original");
    assert!(dalel(&restored, &["verify"]).status.success());

    // Another archive's key does not open it.
    let other = dir.path().join("other");
    assert!(dalel(&other, &["init"]).status.success());
    let other_key = std::fs::read_dir(&keys).unwrap().map(|e| e.unwrap().path()).find(|p| p != &key_files[0]).unwrap();
    let out =
        dalel(&data, &["--key-file", other_key.to_str().unwrap(), "verify", "--backup", backup.to_str().unwrap()]);
    assert!(!out.status.success() && text(&out).contains("the wrong key"), "{}", text(&out));
    let out = dalel(
        &data,
        &["--key-file", other_key.to_str().unwrap(), "backup", "--to", dir.path().join("b2").to_str().unwrap()],
    );
    assert!(!out.status.success() && text(&out).contains("is not this archive's key"), "{}", text(&out));

    // One byte changed in the database part.
    let part = backup.join("database.sealed");
    let mut bytes = std::fs::read(&part).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 1;
    std::fs::write(&part, bytes).unwrap();
    let out = dalel(&data, &["verify", "--backup", backup.to_str().unwrap()]);
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("database.sealed: does not decrypt"), "{}", text(&out));
    let out = dalel(&dir.path().join("r2"), &["restore", "--from", backup.to_str().unwrap()]);
    assert!(!out.status.success() && !dir.path().join("r2").exists(), "{}", text(&out));
}

/// `dalel user totp` shows a new secret and keeps it only once the app's code for it is typed;
/// `--off` removes it; `list` says who signs in with a code.
#[test]
fn a_second_factor_is_kept_only_when_its_code_is_given() {
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("a");
    assert!(dalel(&data, &["init"]).status.success());
    assert!(
        dalel_with_input(&data, &["user", "add", "aigul", "--role", "editor"], "tea in the mountains\n")
            .status
            .success()
    );
    let totp = |answer: &dyn Fn(&dalel_model::totp::TotpSecret) -> String| {
        let mut child = command(&data, &["user", "totp", "aigul"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let secret = dalel_model::totp::TotpSecret::from_base32(line.rsplit(": ").next().unwrap().trim()).unwrap();
        writeln!(child.stdin.take().unwrap(), "{}", answer(&secret)).unwrap();
        let out = child.wait_with_output().unwrap();
        (out.status.success(), line, text(&out))
    };
    let (ok, _, out) = totp(&|_| "000000x".into());
    assert!(!ok && out.contains("nothing was changed"), "{out}");
    assert_eq!(stored_account(&data, "aigul").totp_secret, None);
    let (ok, line, out) = totp(&|secret| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
        format!("{:06}", secret.code_at(now / dalel_model::totp::STEP))
    });
    assert!(ok, "{out}");
    assert!(line.starts_with("secret for aigul's authenticator app: "), "{line}");
    assert!(stored_account(&data, "aigul").totp_secret.is_some());
    assert_eq!(text(&dalel(&data, &["user", "list"])), "aigul  editor     active, with a code\n");
    assert!(dalel(&data, &["user", "totp", "aigul", "--off"]).status.success());
    assert_eq!(stored_account(&data, "aigul").totp_secret, None);
}
