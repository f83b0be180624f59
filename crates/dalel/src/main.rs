//! `dalel`: the one binary. The only place that reads arguments and the environment.

/// mimalloc instead of the system allocator: an import allocates and frees millions of small
/// strings across threads, where glibc's allocator cost a fifth of the time (docs/benchmarks.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::{IsTerminal, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};
use dalel::import::{BadInput, ImportOptions, import};
use dalel::{Format, demo, export};
use dalel_model::{Account, EvidenceFile, Record, RecordId, Role, SessionToken, hash_password};
use dalel_store::{Archive, PersonIndex, Store, VerifyProgress, verify};
use indicatif::ProgressBar;

/// Archive, verify and publish testimonies of detention and political repression.
#[derive(Parser)]
#[command(name = "dalel", version, about, long_about = None)]
struct Cli {
    /// The archive directory.
    #[arg(long, global = true, env = "DALEL_DATA", default_value = "./dalel-data")]
    data: PathBuf,
    /// Who makes the changes, as recorded in the ledger.
    #[arg(long, global = true, env = "DALEL_AUTHOR")]
    author: Option<String>,
    /// The archive's key file (by default $XDG_CONFIG_HOME/dalel/keys/<archive id>.key, never in
    /// the archive); `dalel init` writes it.
    #[arg(long, global = true, env = "DALEL_KEY_FILE")]
    key_file: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormatArg {
    Csv,
    Ftm,
    Xlsx,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    /// FollowTheMoney entities, one JSON object a line.
    Ftm,
    /// dalel's own full-fidelity JSON lines.
    Jsonl,
    /// People as a spreadsheet (columns in docs/formats.md).
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Ftm => Format::Ftm,
            FormatArg::Jsonl => Format::Jsonl,
            FormatArg::Csv => Format::Csv,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Create an empty archive in the data directory.
    Init,
    /// Import files; all or nothing unless --skip-invalid.
    Import {
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Import the good records and write the bad ones, with reasons, to --rejects.
        #[arg(long)]
        skip_invalid: bool,
        /// Where --skip-invalid writes the rejected lines.
        #[arg(long, default_value = "dalel-rejects.txt")]
        rejects: PathBuf,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Export every record (csv: every person).
    Export {
        #[arg(long, value_enum)]
        format: FormatArg,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Only what may be published, as the visibility policy allows (docs/security.md):
        /// published testimonies of public or anonymised consent, their people and events,
        /// without contacts, addresses or notes, ID numbers masked.
        #[arg(long)]
        public: bool,
    },
    /// Write the public site as plain files that any static host or a USB stick can serve:
    /// published entries only, as the visibility policy allows (docs/publishing.md), with
    /// search in the browser and the public downloads with their checksums.
    Publish {
        /// The directory to write: new, empty, or a site published here before (replaced whole
        /// once the new one is complete).
        #[arg(long = "static", value_name = "DIR")]
        dir: PathBuf,
    },
    /// Check the ledger's hash chain, the derived tables and every evidence file.
    Verify {
        /// Check this backup instead of the archive (with the archive's key), without restoring it.
        #[arg(long, value_name = "DIR")]
        backup: Option<PathBuf>,
    },
    /// Write an encrypted backup of the archive, while it is in use, into a new directory.
    Backup {
        /// The directory to write (it must not exist, or be empty).
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Bring a backup back as the archive at --data (which must not exist yet, or be empty).
    Restore {
        /// The backup's directory.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
    /// Re-derive the tables that queries read from the ledger.
    Rebuild,
    /// Show the history of one record.
    Log { id: String },
    /// Show one record as JSON, with what needs a maintainer's look.
    Show { id: String },
    /// Evidence files.
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// The gazetteer of detention facilities in Xinjiang (BuzzFeed News, CC BY 4.0).
    Facilities {
        #[command(subcommand)]
        command: FacilitiesCommand,
    },
    /// Fill the archive with synthetic demo people.
    Demo {
        #[arg(long, default_value_t = 500)]
        people: usize,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Do not run the linker (`dalel dedupe --apply`) over the new archive.
        #[arg(long)]
        no_link: bool,
    },
    /// Find people by name, in any script (Cyrillic, Latin, Chinese characters, Arabic script).
    Search {
        /// Print one JSON object a query: {"query", "results": [{"id", "external_id", "score", "names"}]}.
        #[arg(long)]
        json: bool,
        /// How many people to show a query.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Read the queries from this file, one a line.
        #[arg(long, conflicts_with = "query")]
        queries: Option<PathBuf>,
        /// Print how long the queries took (median, 99th percentile) on standard error.
        #[arg(long)]
        timings: bool,
        /// The name to look for (several words are one name).
        #[arg(required_unless_present = "queries")]
        query: Vec<String>,
    },
    /// Link the archive's person records into entries, one per real person, keeping every
    /// decision a person made (see `dalel decide`); reads only, unless --apply.
    Dedupe {
        /// Print one JSON object an entry: {"id", "external_ids", "redirects"}; every record is
        /// in exactly one.
        #[arg(long)]
        json: bool,
        /// Write the linker's decisions to the ledger: "same" for linked pairs, "undecided" for
        /// those left for review.
        #[arg(long)]
        apply: bool,
        /// Link pairs whose match probability is at least this.
        #[arg(long, default_value_t = dalel_link::Thresholds::default().link, value_parser = probability)]
        link_threshold: f64,
        /// Leave pairs at least this likely (and below the link threshold) for review.
        #[arg(long, default_value_t = dalel_link::Thresholds::default().review, value_parser = probability)]
        review_threshold: f64,
    },
    /// Record a person's decision on whether two person records are one person; it supersedes
    /// any earlier one on the pair and the linker never overrides it ("undecided" takes one
    /// back).
    Decide {
        /// same, different or undecided.
        #[arg(value_parser = verdict_parser())]
        verdict: dalel_model::Verdict,
        /// A person record: its record id or the id it was imported with.
        first: String,
        /// The other person record.
        second: String,
        /// Why (kept with the decision).
        #[arg(long)]
        note: Option<String>,
    },
    /// Match an outside list of people (CSV with the columns of `dalel export --format csv`, FtM
    /// JSON lines, or the first sheet of a spreadsheet with those columns) against the archive
    /// without importing it; write the pairs with scores and reasons as PREFIX.csv and
    /// PREFIX.html.
    Xref {
        /// The list.
        file: PathBuf,
        /// The list's format (by default, from its name: .csv, .jsonl, .xlsx/.xls/.ods).
        #[arg(long, value_enum)]
        format: Option<ListFormatArg>,
        /// Where the report goes: PREFIX.csv and PREFIX.html, with PREFIX.pages/ when there are
        /// more than 1,000 pairs (by default the list's name with `.xref`, in the current
        /// directory).
        #[arg(long)]
        output: Option<PathBuf>,
        /// Match the good rows of a list with bad ones, and list the bad ones in the report.
        #[arg(long)]
        skip_invalid: bool,
        /// Call pairs at least this likely a match.
        #[arg(long, default_value_t = dalel_link::Thresholds::default().link, value_parser = probability)]
        link_threshold: f64,
        /// Report pairs at least this likely (below the link threshold: possible).
        #[arg(long, default_value_t = dalel_link::Thresholds::default().review, value_parser = probability)]
        review_threshold: f64,
    },
    /// Tools for names.
    Names {
        #[command(subcommand)]
        command: NamesCommand,
    },
    /// The accounts of the people who use dalel: admin, editor, reviewer, volunteer.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Serve the web app.
    Serve {
        #[arg(long, env = "DALEL_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Serve a throwaway archive of synthetic people instead of --data.
        #[arg(long)]
        demo: bool,
        /// Serve the public site published in DIR (by `publish --static DIR`) instead of the
        /// archive: search with filters and statistics over the published entries only. Reads
        /// DIR alone, never the archive or its key (docs/publishing.md).
        #[arg(long, value_name = "DIR", conflicts_with = "demo")]
        site: Option<PathBuf>,
        /// The largest evidence file accepted, in bytes.
        #[arg(long, env = "DALEL_MAX_UPLOAD", default_value_t = 4 << 30)]
        max_upload: u64,
        /// The media types accepted for evidence files, comma-separated (read from a file's
        /// content, never its name); by default photos, scans, PDF, video and audio.
        #[arg(long, env = "DALEL_ACCEPT_TYPES", value_delimiter = ',')]
        accept_types: Vec<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add an account. Its password is asked twice on the terminal, or read from the first line
    /// of standard input when that is not a terminal; it has at least 12 characters.
    Add {
        /// How the person signs in: letters (any script), digits, '.', '_', '-'.
        name: String,
        /// admin: everything and the accounts; editor: every record; reviewer: reads everything
        /// and reviews testimonies; volunteer: records testimonies and sees only their own.
        #[arg(long, value_parser = role_parser())]
        role: dalel_model::Role,
    },
    /// Give an account a new password (asked as for `add`).
    Passwd { name: String },
    /// Disable an account: it can no longer sign in; what it wrote keeps its name.
    Disable { name: String },
    /// Enable a disabled account again.
    Enable { name: String },
    /// Turn on an account's second factor: a code from an authenticator app at each sign-in.
    /// Prints the secret for the app, then asks for the code the app shows (on the terminal, or
    /// the first line of standard input); with --off, turns it off.
    Totp {
        name: String,
        #[arg(long)]
        off: bool,
    },
    /// List the accounts: name, role, active or disabled, and whether they sign in with a code.
    List,
}

/// A probability given on the command line: a number in [0, 1].
fn probability(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(p) if (0.0..=1.0).contains(&p) => Ok(p),
        _ => Err(format!("{text:?} is not a probability (a number from 0 to 1)")),
    }
}

/// Reads a role by its code, the codes listed in `--help` and in the error.
fn role_parser() -> impl clap::builder::TypedValueParser<Value = dalel_model::Role> {
    use clap::builder::TypedValueParser;
    let codes = dalel_model::Role::ALL.iter().map(|r| r.code());
    clap::builder::PossibleValuesParser::new(codes)
        .map(|code| dalel_model::Role::from_code(&code).expect("one of the roles' codes"))
}

/// Reads a verdict by its code.
fn verdict_parser() -> impl clap::builder::TypedValueParser<Value = dalel_model::Verdict> {
    use clap::builder::TypedValueParser;
    use dalel_model::Verdict;
    clap::builder::PossibleValuesParser::new(Verdict::ALL.iter().map(|v| v.code()))
        .map(|code| Verdict::from_code(&code).expect("one of the verdicts' codes"))
}

#[derive(Subcommand)]
enum NamesCommand {
    /// Compare two names: the score in [0, 1], the decision and which parts matched how.
    /// With --pairs, read `name1<TAB>name2` lines and print `score<TAB>true|false` lines.
    Compare {
        /// Print the comparison as one JSON object.
        #[arg(long)]
        json: bool,
        /// A file of tab-separated name pairs, one a line.
        #[arg(long, conflicts_with_all = ["name1", "name2"])]
        pairs: Option<PathBuf>,
        #[arg(required_unless_present = "pairs")]
        name1: Option<String>,
        #[arg(required_unless_present = "pairs")]
        name2: Option<String>,
    },
}

#[derive(Subcommand)]
enum FacilitiesCommand {
    /// Write every facility as a place record (external id `bfn-2021:KEY`), so that episodes
    /// can name it and the public site lists the entries at it; loading again changes nothing.
    Load,
    /// List the facilities: external id, record id, name, town, prefecture, type.
    List,
}

#[derive(Subcommand)]
enum EvidenceCommand {
    /// Add a file to the evidence store.
    Add {
        file: PathBuf,
        /// The record(s) the file is evidence for.
        #[arg(long)]
        about: Vec<String>,
        #[arg(long)]
        description: Option<String>,
    },
}

/// mimalloc's option `purge_delay` (its v3's `mi_option_purge_delay`, which libmimalloc-sys
/// names no constant for): how long freed memory is kept before it is given back to the system,
/// in milliseconds (1,000 unless set).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keeps the memory freed for what is allocated next, instead of giving it back to the system
/// a second after. `dalel dedupe` frees the lists of one step (a page's records, the blocking
/// keys) and allocates the next step's: given back in between, the same memory came back as
/// fresh pages that the kernel zeroes first (on this project's 2-core machine, slowly). At
/// 1,000,463 records about 0.5 s less in all and 3,400 `madvise` calls fewer; the peak rises a
/// little (1.17 → 1.29 GB; docs/benchmarks.md). `dalel import`, at issue 2's 1 GiB, does not
/// do this. Called before any other thread is started: the option is a plain global.
fn keep_freed_memory() {
    // SAFETY: mimalloc's options are a static array read by its allocating threads; no other
    // thread exists yet (the runtime and rayon's pool are started after this).
    unsafe {
        if libmimalloc_sys::mi_option_get(PURGE_DELAY) == 1000 {
            libmimalloc_sys::mi_option_set(PURGE_DELAY, -1);
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Dedupe { .. }) {
        keep_freed_memory();
    }
    // The server logs its requests; tantivy, at info, logs every commit of the name index.
    let default_level = if matches!(cli.command, Command::Serve { .. }) { "info,tantivy=warn" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("DALEL_LOG").unwrap_or_else(|_| default_level.into()),
        )
        .with_writer(std::io::stderr)
        // Colours for a terminal only, not escape codes in a log file.
        .with_ansi(std::io::stderr().is_terminal())
        // When the log's reader has gone (`dalel ... 2>&1 | head`), lines are dropped. Reporting
        // that would panic in `eprintln!` on whichever thread logged, and a panic on SQLite's
        // worker thread left the command waiting for ever.
        .log_internal_errors(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`dalel export | head`): nothing more to say.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            if let Some(bad) = e.downcast_ref::<BadInput>() {
                for r in bad.0.iter().take(100) {
                    eprintln!("{r}");
                }
                if bad.0.len() > 100 {
                    eprintln!("... and {} more", bad.0.len() - 100);
                }
            }
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

fn author(cli: &Cli) -> String {
    cli.author.clone().unwrap_or_else(|| format!("cli:{}", std::env::var("USER").unwrap_or_else(|_| "unknown".into())))
}

fn record_id(text: &str) -> anyhow::Result<RecordId> {
    RecordId::new(text).map_err(anyhow::Error::msg)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let author = author(&cli);
    let progress = std::io::stderr().is_terminal();
    match cli.command {
        Command::Init => {
            let archive = Archive::init(&cli.data).await?;
            println!("archive ready at {}", archive.dir.display());
            let archive = dalel::keys::set_up(archive, cli.key_file.as_deref()).await?;
            if archive.store.accounts().await?.is_empty() {
                println!("add its first administrator with: dalel user add NAME --role admin");
            }
        }
        Command::Import { format, skip_invalid, rejects, files } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), true).await?;
            let options = ImportOptions {
                format: format.into(),
                author,
                rejects: skip_invalid.then_some(rejects.clone()),
                progress,
            };
            let report = import(&archive.store, &files, &options).await?;
            println!(
                "imported: {} created, {} updated, {} unchanged{}",
                report.created,
                report.updated,
                report.unchanged,
                if report.rejected > 0 {
                    format!(", {} rejected (see {})", report.rejected, rejects.display())
                } else {
                    String::new()
                }
            );
            print_head(report.head);
            if report.created + report.updated > 0 {
                index_names(&archive, progress).await;
            }
            // Closing checkpoints the write-ahead log into the database file.
            archive.store.close().await;
        }
        Command::Export { format, output, public } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let audience = if public { export::Audience::Public } else { export::Audience::Internal };
            let report = match &output {
                Some(path) => {
                    let file =
                        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
                    export::export(&archive.store, format.into(), audience, file, progress).await?
                }
                None => {
                    export::export(&archive.store, format.into(), audience, std::io::stdout().lock(), false).await?
                }
            };
            eprintln!("exported {} records at {}", report.records, export::describe_head(report.head.as_ref()));
        }
        Command::Publish { dir } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let published = dalel::publish::publish_static(&archive.store, &dir, progress).await?;
            let head = export::describe_head(published.head.as_ref());
            eprintln!("published {} entries at {head} in {}", published.entries, dir.display());
        }
        Command::Search { json, limit, queries, timings, query } => {
            // The tables of characters' readings are read on one core while the index opens:
            // read by the first query in characters, they held up every search thread.
            let tables = std::thread::spawn(dalel_names::load_tables);
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let (index, rebuilt) = PersonIndex::open(&archive).await?;
            tables.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            if rebuilt {
                eprintln!("name index rebuilt: {} people", index.len());
            }
            let queries = match queries {
                Some(path) => dalel::names::read_queries(&path)?,
                None => vec![query.join(" ")],
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let took = dalel::names::search(&index, &queries, limit, json, &mut out)?;
            out.flush()?;
            if timings {
                eprintln!("{}", dalel::names::timing_summary(&took));
            }
        }
        Command::Dedupe { json, apply, link_threshold, review_threshold } => {
            if review_threshold > link_threshold {
                bail!("--review-threshold {review_threshold} is above --link-threshold {link_threshold}");
            }
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let thresholds = dalel_link::Thresholds { link: link_threshold, review: review_threshold };
            let options = dalel::dedupe::Options { thresholds, json, apply };
            let outcome = dalel::dedupe::run(&archive.store, &author, options, &mut out).await?;
            out.flush()?;
            // The process ends here, and the system takes its memory back at once: freeing the
            // outcome (a million records' entries and pairs) piece by piece is time for nothing.
            std::mem::forget(outcome);
        }
        Command::Xref { file, format, output, skip_invalid, link_threshold, review_threshold } => {
            use dalel::xref::{self, ListFormat};
            if review_threshold > link_threshold {
                bail!("--review-threshold {review_threshold} is above --link-threshold {link_threshold}");
            }
            let format = match format {
                Some(ListFormatArg::Csv) => ListFormat::Csv,
                Some(ListFormatArg::Ftm) => ListFormat::Ftm,
                Some(ListFormatArg::Xlsx) => ListFormat::Xlsx,
                None => ListFormat::guess(&file).with_context(|| {
                    format!(
                        "cannot tell the format of {} from its name: give --format csv, ftm or xlsx",
                        file.display()
                    )
                })?,
            };
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let list = xref::read_list(&file, format, skip_invalid)?;
            let thresholds = dalel_link::Thresholds { link: link_threshold, review: review_threshold };
            let (archived, found) = xref::run(&archive.store, &list, thresholds).await?;
            let rows = xref::matches(&list, &archived, &found, thresholds);
            let prefix = output.unwrap_or_else(|| {
                let name = file.file_name().map_or("list".into(), |n| n.to_string_lossy().into_owned());
                let stem = name.split('.').next().filter(|s| !s.is_empty()).unwrap_or("list");
                PathBuf::from(format!("{stem}.xref"))
            });
            let (csv, html) = xref::write_report(&prefix, &file, &list, &rows)?;
            let sure = rows.iter().filter(|m| m.verdict == "match").count();
            println!(
                "{} people on the list, {} rows not read; {} matches, {} possible; report: {} and {}",
                list.people.len(),
                list.bad.len(),
                sure,
                rows.len() - sure,
                csv.display(),
                html.display()
            );
        }
        Command::Decide { verdict, first, second, note } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let d = dalel::dedupe::decide(&archive.store, &author, verdict, [&first, &second], note).await?;
            println!("{} ~ {}: {} ({})", d.persons[0], d.persons[1], verdict.label().to_lowercase(), d.id);
        }
        Command::User { command } => {
            use dalel::users::{self, PasswordSource};
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let store: &dyn Store = &archive.store;
            let password = || {
                if std::io::stdin().is_terminal() {
                    PasswordSource::Terminal
                } else {
                    PasswordSource::Lines(std::io::stdin().lock())
                }
            };
            match command {
                UserCommand::Add { name, role } => {
                    users::add(store, &name, role, password()).await?;
                    println!("account {name} added");
                }
                UserCommand::Passwd { name } => {
                    users::passwd(store, &name, password()).await?;
                    println!("password of {name} changed");
                }
                UserCommand::Disable { name } => {
                    users::set_disabled(store, &name, true).await?;
                    println!("account {name} disabled");
                }
                UserCommand::Enable { name } => {
                    users::set_disabled(store, &name, false).await?;
                    println!("account {name} enabled");
                }
                UserCommand::Totp { name, off: true } => {
                    users::totp_off(store, &name).await?;
                    println!("{name} signs in without a code");
                }
                UserCommand::Totp { name, off: false } => {
                    let code = || {
                        if std::io::stdin().is_terminal() {
                            eprint!("The code the app shows now: ");
                        }
                        let mut line = String::new();
                        std::io::stdin().read_line(&mut line).context("cannot read the code")?;
                        Ok(line.trim().to_string())
                    };
                    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
                    users::totp_on(store, &name, &mut std::io::stdout().lock(), code, now).await?;
                    println!("{name} now signs in with a code from the app too");
                }
                UserCommand::List => users::list(store, &mut std::io::stdout().lock()).await?,
            }
        }
        Command::Names { command: NamesCommand::Compare { json, pairs, name1, name2 } } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            match pairs {
                Some(path) => {
                    let file = std::fs::File::open(&path).with_context(|| format!("cannot open {}", path.display()))?;
                    dalel::names::compare_pairs(&path, std::io::BufReader::new(file), &mut out)?;
                }
                None => dalel::names::compare_two(
                    name1.as_deref().unwrap_or_default(),
                    name2.as_deref().unwrap_or_default(),
                    json,
                    &mut out,
                )?,
            }
            out.flush()?;
        }
        Command::Verify { backup: Some(dir) } => {
            let key = dalel::keys::for_backup(&dir, cli.key_file.as_deref())?;
            let report = dalel_store::verify_backup(&dir, &key).context("the backup does not verify")?;
            println!(
                "ok: backup of archive {} made {}: the database and {} evidence files, {} bytes",
                report.archive_id, report.created, report.evidence_files, report.bytes
            );
            print_backup_head(&report);
        }
        Command::Backup { to } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            if let Some((path, _)) = dalel::keys::create(&archive, cli.key_file.as_deref()).await? {
                dalel::keys::announce(&path);
            }
            let key = dalel::keys::load(&archive, cli.key_file.as_deref()).await?;
            let report = dalel_store::backup(&archive, &key, &to).await?;
            println!("backup written to {}: the database and {} evidence files", to.display(), report.evidence_files);
            print_backup_head(&report);
        }
        Command::Restore { from } => {
            let key = dalel::keys::for_backup(&from, cli.key_file.as_deref())?;
            let archive = dalel_store::restore(&from, &key, &cli.data).await?;
            let id = archive.store.meta("archive_id").await?.unwrap_or_default();
            println!("restored archive {id} into {}", archive.dir.display());
            print_head(archive.store.head().await?);
        }
        Command::Verify { backup: None } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let bar = if progress { ProgressBar::new_spinner() } else { ProgressBar::hidden() };
            let report = verify(&archive.store, &archive.evidence, |p| match p {
                VerifyProgress::Entries(n) => bar.set_message(format!("{n} ledger entries checked")),
                VerifyProgress::EvidenceFiles(n) => bar.set_message(format!("{n} evidence files checked")),
            })
            .await;
            bar.finish_and_clear();
            let report = report.context("the archive does not verify")?;
            println!("ok: {} ledger entries, {} evidence files", report.entries, report.evidence_files);
            print_head(report.head);
        }
        Command::Rebuild => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let before = archive.store.state_digest().await?;
            let replayed = archive.store.rebuild().await?;
            let after = archive.store.state_digest().await?;
            println!("replayed {replayed} ledger entries; state digest {after}");
            if before != after {
                println!("the derived tables had drifted from the ledger (digest was {before}); they are repaired");
            }
        }
        Command::Log { id } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let history = archive.store.history(&record_id(&id)?).await?;
            if history.is_empty() {
                bail!("no record {id} in the ledger");
            }
            for e in history {
                println!("#{}  {}  {}  {}", e.seq, e.time, e.author, e.hash);
                println!("    {}", e.change);
            }
        }
        Command::Show { id } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let record = archive.store.get(&record_id(&id)?).await?.with_context(|| format!("no record {id}"))?;
            println!("{}", serde_json::to_string_pretty(&record)?);
            if let Record::Person(p) = &record {
                for flag in p.flags() {
                    println!("flag: {flag}");
                }
            }
        }
        Command::Facilities { command: FacilitiesCommand::Load } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let loaded = dalel::facilities::load(&archive.store, &author).await?;
            println!(
                "facilities: {} created, {} updated, {} unchanged ({})",
                loaded.created,
                loaded.updated,
                loaded.unchanged,
                dalel_model::facilities::CREDIT
            );
        }
        Command::Facilities { command: FacilitiesCommand::List } => {
            dalel::facilities::list(&mut std::io::stdout().lock())?;
        }
        Command::Evidence { command: EvidenceCommand::Add { file, about, description } } => {
            let archive = dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?;
            let about = about.iter().map(|a| record_id(a)).collect::<anyhow::Result<Vec<_>>>()?;
            for a in &about {
                if archive.store.get(a).await?.is_none() {
                    bail!("--about {a}: no such record");
                }
            }
            let stored = add_evidence(&archive, &file)?;
            let record = EvidenceFile {
                id: dalel_interchange::new_record_id(),
                external_id: None,
                sha256: stored.sha256.to_hex(),
                size: stored.size,
                media_type: sniff_media_type(&file)?,
                file_name: file.file_name().map(|n| n.to_string_lossy().into_owned()),
                about,
                description,
            };
            let id = record.id.clone();
            let mut writer = archive.store.writer(&author).await?;
            writer.put(vec![Record::EvidenceFile(record)]).await?;
            print_head(writer.commit().await?);
            println!("evidence file {id}: sha256 {}, {} bytes", stored.sha256, stored.size);
        }
        Command::Demo { people, seed, no_link } => {
            let archive = dalel::keys::set_up(Archive::init(&cli.data).await?, cli.key_file.as_deref()).await?;
            fill_demo(&archive, people, seed, &author).await?;
            println!("demo archive at {}: {people} synthetic people", archive.dir.display());
            if !no_link {
                link_demo(&archive, &author).await?;
            }
            index_names(&archive, progress).await;
        }
        Command::Serve { listen, site: Some(site), .. } => {
            let public = dalel_web::public::PublicSite::open(&site)
                .with_context(|| format!("cannot serve {} (write it with `dalel publish --static`)", site.display()))?;
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            println!("dalel serving the public site of {} entries on http://{listen}/", public.len());
            serve(listener, dalel_web::public::app(public)).await?;
        }
        Command::Serve { listen, demo, max_upload, accept_types, site: None } => {
            let _tmp;
            let mut demo_password = None;
            let archive = if demo {
                let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
                // Sealed with a throwaway key, kept in memory only: it goes with the archive.
                let archive = Archive::init(dir.path()).await?.seal(&dalel_store::ArchiveKey::generate()?).await?;
                fill_demo(&archive, 500, 2026, "demo").await?;
                link_demo(&archive, "demo").await?;
                demo_password = Some(add_demo_accounts(&archive).await?);
                _tmp = dir;
                archive
            } else {
                dalel::keys::open(&cli.data, cli.key_file.as_deref(), false).await?
            };
            let listener =
                tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
            println!("dalel serving {} on http://{listen}/", if demo { "a demo archive" } else { "the archive" });
            if let Some(password) = demo_password {
                let names = Role::ALL.iter().map(|r| format!("demo-{}", r.code())).collect::<Vec<_>>().join(", ");
                println!("sign in as {names} with the password {password}");
            } else if archive.store.accounts().await?.iter().all(|a| a.disabled) {
                eprintln!("no one can sign in yet: add an account with `dalel user add NAME --role admin`");
            }
            let mut policy = dalel_web::UploadPolicy { max_size: max_upload, ..dalel_web::UploadPolicy::default() };
            if !accept_types.is_empty() {
                policy.accepted = accept_types.iter().map(|t| t.trim().to_string()).collect();
            }
            let app = dalel_web::app(dalel_web::AppState::new(&archive, policy));
            serve(listener, app).await?;
        }
    }
    Ok(())
}

async fn serve(listener: tokio::net::TcpListener, app: dalel_web::Router) -> anyhow::Result<()> {
    dalel_web::serve(listener, app, dalel_web::HEADER_READ_TIMEOUT, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .context("the server stopped")
}

fn add_evidence(archive: &Archive, file: &Path) -> anyhow::Result<dalel_store::StoredFile> {
    let f = std::fs::File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    Ok(archive.evidence.put(std::io::BufReader::new(f))?)
}

/// The media type from the file's first bytes, not its name.
fn sniff_media_type(path: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let n = std::fs::File::open(path)?.read(&mut head)?;
    let head = &head[..n];
    let known: &[(&[u8], &str)] = &[
        (b"%PDF", "application/pdf"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"\x89PNG", "image/png"),
        (b"GIF8", "image/gif"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1A\x45\xDF\xA3", "video/webm"),
    ];
    if let Some((_, t)) = known.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Ok(t.to_string());
    }
    if head.len() >= 8 && &head[4..8] == b"ftyp" {
        return Ok("video/mp4".into());
    }
    Ok(if std::str::from_utf8(head).is_ok() { "text/plain" } else { "application/octet-stream" }.into())
}

/// One account of each role on a demo archive (`demo-admin`, `demo-volunteer`...), all with one
/// fresh random password, which is returned.
async fn add_demo_accounts(archive: &Archive) -> anyhow::Result<String> {
    let hex = SessionToken::generate().as_str()[..16].to_string();
    let password = format!("{}-{}-{}-{}", &hex[..4], &hex[4..8], &hex[8..12], &hex[12..]);
    let hash = hash_password(&password);
    for &role in Role::ALL {
        let account = Account::new(format!("demo-{}", role.code()), role, hash.clone());
        archive.store.add_account(&account).await?;
    }
    Ok(password)
}

async fn fill_demo(archive: &Archive, people: usize, seed: u64, author: &str) -> anyhow::Result<()> {
    let mut writer = archive.store.writer(author).await?;
    writer.put(demo::generate(people, seed)).await?;
    writer.commit().await?;
    Ok(())
}

/// Runs the linker over a demo archive and keeps its decisions, so that entries and the pairs'
/// review queue have something in them.
async fn link_demo(archive: &Archive, author: &str) -> anyhow::Result<()> {
    let options = dalel::dedupe::Options { thresholds: Default::default(), json: false, apply: true };
    let outcome = dalel::dedupe::run(&archive.store, author, options, &mut std::io::sink()).await?;
    let review = outcome.linkage.review.len() + outcome.linkage.refused.len();
    println!("linked: {} entries, {review} pairs for review", outcome.linkage.entries.len());
    Ok(())
}

fn print_backup_head(report: &dalel_store::BackupReport) {
    match (report.ledger_seq, &report.ledger_head) {
        (Some(seq), Some(hash)) => println!("ledger head: seq {seq} hash {hash}"),
        _ => println!("ledger head: (empty)"),
    }
}

/// Brings the name index up to the archive's head now, so that the first search after a large
/// write (an import, a demo archive) does not build it. It is derived: if this fails, what was
/// written stands, and the next search brings the index up to date instead.
async fn index_names(archive: &Archive, progress: bool) {
    if progress {
        eprintln!("indexing names…");
    }
    if let Err(e) = PersonIndex::open(archive).await {
        eprintln!("the name index was not brought up to date ({e}); the next search will do it");
    }
}

fn print_head(head: Option<dalel_model::Head>) {
    match head {
        Some(h) => println!("ledger head: seq {} hash {}", h.seq, h.hash),
        None => println!("ledger head: (empty)"),
    }
}

#[cfg(test)]
mod tests {
    /// [`super::PURGE_DELAY`] is read off mimalloc v3's header: a mimalloc of another major
    /// version may number its options otherwise. The delay is its default, a second.
    #[test]
    fn the_purge_delay_is_mimallocs_option() {
        // SAFETY: reads only.
        let (version, delay) =
            unsafe { (libmimalloc_sys::mi_version(), libmimalloc_sys::mi_option_get(super::PURGE_DELAY)) };
        assert_eq!(version / 10_000, 3, "mimalloc {version}: check PURGE_DELAY against its mimalloc.h");
        assert_eq!(delay, 1000);
    }
}
