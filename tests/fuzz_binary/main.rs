//! The `hustle-sim` binary under hostile and careless use: scenario files
//! and churn data (survival tables, customer lists), generated from a
//! grammar or mutated from the repository's own files, go through `check`,
//! `run`, `fit-churn`, `sweep`, `compare`, `sensitivity`, `list` and `new`
//! with random arguments and `--set` overrides, each in a fresh folder.
//!
//! Every case must: not panic or die of a signal; finish within the time
//! limit; exit 0 or 2 (1 only where the case put an obstacle in the way of
//! an output file); say why on stderr when it fails, naming the file when
//! the message is about one of its lines; create nothing on bad input;
//! write numbers (no NaN, infinity or null, save where a file documents a
//! null; percentiles in order, probabilities within 0..=1) when it
//! succeeds; write nothing outside its output folder and change no input
//! file; and leave no temporary behind. The rules are in [`judge`] and
//! `oracle.rs`; docs/errors.md describes the harness for users.
//!
//! The normal suite runs a deterministic slice of a few hundred cases and
//! the committed corpus (`tests/fuzz_corpus/`). The full campaign, recorded
//! in docs/errors.md, is the ignored test:
//!
//! ```text
//! HUSTLE_FUZZ_BIN_CASES=20000 HUSTLE_FUZZ_BIN_SEED=1 \
//!     cargo test --test fuzz_binary -- --ignored --nocapture
//! ```
//!
//! Failing cases are saved, inputs and a script to re-run them, under
//! `HUSTLE_FUZZ_BIN_FAILURES` (default: the `fuzz_binary` folder of Cargo's
//! test temporary directory); `HUSTLE_FUZZ_BIN_CASE=N` regenerates and
//! runs case N alone.

#![cfg(unix)]

mod grammar;
mod mutate;
mod oracle;
mod rng;

use grammar::Mode;
use mutate::Seeds;
use rng::Rng;
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_hustle-sim");

/// One command with the files it reads, in a fresh working folder.
#[derive(Debug, Clone, Default)]
pub struct Case {
    /// Its number in the run.
    pub number: u64,
    /// What it exercises, e.g. `run/grammar`.
    pub kind: String,
    /// Files to create, relative to the working folder.
    pub files: Vec<(String, Vec<u8>)>,
    /// Folders to create.
    pub dirs: Vec<String>,
    /// Symbolic links to create: (link, target).
    pub symlinks: Vec<(String, String)>,
    /// The arguments.
    pub args: Vec<Vec<u8>>,
    /// Paths under which the command may create or change files (output
    /// folders, the file `new` writes).
    pub writes: Vec<String>,
    /// Files a successful command may rewrite (`fit-churn --into`).
    pub may_change: Vec<String>,
    /// An obstacle in the way of an output file makes exit code 1 right.
    pub io_failure: bool,
    /// Files a successful command must have written (by name, anywhere
    /// under `writes`).
    pub expect: Vec<String>,
    /// Whether stdout is JSON (`fit-churn --json`).
    pub json_stdout: bool,
}

impl Case {
    /// Adds an argument (a NUL byte, which no argument can hold, becomes
    /// U+2400).
    fn arg(&mut self, a: impl AsRef<[u8]>) -> &mut Self {
        let mut bytes = Vec::new();
        for &b in a.as_ref() {
            if b == 0 {
                bytes.extend("\u{2400}".as_bytes());
            } else {
                bytes.push(b);
            }
        }
        self.args.push(bytes);
        self
    }
}

/// A scenario file's bytes and where they came from.
fn scenario_bytes(r: &mut Rng, seeds: &Seeds) -> (Vec<u8>, &'static str) {
    match r.weighted(&[15, 15, 20, 38, 6, 2, 2, 2]) {
        0 => (grammar::scenario(r, Mode::Clean), "grammar"),
        1 => (grammar::scenario(r, Mode::Edges), "grammar-edges"),
        2 => (grammar::scenario(r, Mode::Hostile), "grammar-hostile"),
        3 => {
            let seed = &r.pick(&seeds.scenarios).1;
            (mutate::mutate(r, seed, &seeds.scenarios), "mutated")
        }
        4 => (r.pick(&seeds.scenarios).1.clone(), "seed"),
        5 => (r.pick(&seeds.csvs).1.clone(), "csv-as-scenario"),
        6 => (Vec::new(), "empty"),
        _ => {
            let n = r.below(300);
            ((0..n).map(|_| r.below(256) as u8).collect(), "bytes")
        }
    }
}

/// A scenario file name: usually plain, sometimes one a shell or a folder
/// name would trip on.
fn scenario_name(r: &mut Rng) -> String {
    if r.chance(0.9) {
        "s.toml".into()
    } else {
        r.pick(&[
            "my hustle é.toml",
            "-dash.toml",
            "s",
            ".toml",
            "a.b.c.toml",
            "S.TOML",
            "..toml",
            "副业.toml",
            "x\ty.toml",
        ])
        .to_string()
    }
}

/// Adds `-o` (or not) with an output folder in one of the states a user
/// leaves them in.
fn out_arg(r: &mut Rng, c: &mut Case) {
    match r.weighted(&[80, 8, 3, 2, 2, 1, 2, 1, 1, 1, 1]) {
        0 => {
            c.arg("-o").arg("out");
            c.writes.push("out".into());
        }
        1 => c.writes.push("output".into()),
        2 => {
            c.arg("-o").arg("a/b/c");
            c.writes.push("a".into());
        }
        3 => {
            // An existing file named as the folder: refused, left alone.
            c.files.push(("out".into(), b"my notes\n".to_vec()));
            c.arg("-o").arg("out");
        }
        4 => {
            // A folder where an output file belongs: the set fails.
            for f in [
                "summary.json",
                "fit.png",
                "compare.json",
                "sweep.csv",
                "sensitivity.csv",
            ] {
                c.dirs.push(format!("out/{f}"));
            }
            c.io_failure = true;
            c.arg("-o").arg("out");
            c.writes.push("out".into());
        }
        5 => {
            c.symlinks
                .push(("dangling".into(), "missing/folder".into()));
            c.arg("-o").arg("dangling");
        }
        6 => {
            // An earlier run's files and the user's own file in the folder.
            c.files.push(("out/summary.json".into(), b"{}\n".to_vec()));
            c.files.push(("out/fan_hours.png".into(), b"old".to_vec()));
            c.files.push(("out/mine.txt".into(), b"keep me\n".to_vec()));
            c.arg("-o").arg("out/");
            c.writes.push("out".into());
        }
        7 => {
            c.arg("-o").arg("");
        }
        8 => {
            c.arg("-o").arg(".");
            c.writes.push(".".into());
        }
        9 => {
            // Links at the outputs' names to the user's file: replaced,
            // never written through.
            c.files
                .push(("precious.txt".into(), b"do not touch\n".to_vec()));
            c.dirs.push("out".into());
            for f in c.expect.clone() {
                c.symlinks
                    .push((format!("out/{f}"), "../precious.txt".into()));
            }
            c.arg("-o").arg("out");
            c.writes.push("out".into());
        }
        _ => {
            // The command's input has the name of one of its outputs, in
            // the output folder.
            if let (Some(first), Some(input)) = (c.expect.first().cloned(), c.files.first_mut()) {
                let old = input.0.clone();
                input.0 = first.clone();
                for a in c.args.iter_mut() {
                    if *a == old.as_bytes() {
                        *a = first.clone().into_bytes();
                    }
                }
            }
            c.arg("-o").arg(".");
            c.writes.push(".".into());
        }
    }
}

/// Scenario files that share the library's horizon, for `compare`: a
/// library scenario, as it is or with extreme numbers, or one from the
/// grammar.
fn comparable_bytes(r: &mut Rng, seeds: &Seeds) -> (Vec<u8>, &'static str) {
    let library: Vec<&(PathBuf, Vec<u8>)> = seeds
        .scenarios
        .iter()
        .filter(|(p, _)| p.parent().is_some_and(|d| d.ends_with("scenarios")))
        .collect();
    let seed = &r.pick(&library).1;
    match r.weighted(&[35, 45, 20]) {
        0 => (seed.clone(), "seed"),
        1 => (mutate::mutate(r, seed, &seeds.scenarios), "mutated"),
        _ => (grammar::scenario(r, Mode::Edges), "grammar-edges"),
    }
}

/// A `--set` or `--with` assignment.
fn assignment(r: &mut Rng) -> String {
    let keys: Vec<&str> = hustle_sim::scenario::keys::all_keys().collect();
    let key = match r.weighted(&[94, 2, 2, 2]) {
        0 => r.pick(&keys).to_string(),
        1 => r
            .pick(&[
                "churn.montly",
                "bogus",
                "",
                "churn.",
                ".monthly",
                "a.b.c",
                "Name",
            ])
            .to_string(),
        2 => format!(" {} ", r.pick(&keys)),
        _ => r.pick(&keys).to_uppercase(),
    };
    let value = match r.weighted(&[70, 10, 10, 5, 5]) {
        0 => match hustle_sim::scenario::keys::key_kind(&key) {
            Some(kind) => {
                let mode = *r.pick(&[Mode::Clean, Mode::Clean, Mode::Edges, Mode::Hostile]);
                grammar::value_for(r, kind, mode).replace('\n', " ")
            }
            None => "0.1".into(),
        },
        1 => String::new(),
        2 => r.pick(grammar::EXTREME_NUMBERS).to_string(),
        3 => r
            .pick(&["\"x", "[", "{", "= =", "1; 2", "\u{1}"])
            .to_string(),
        _ => {
            let t = grammar::text(r);
            format!("\"{}\"", t.replace(['"', '\\', '\n', '\r', '\0'], ""))
        }
    };
    if r.chance(0.02) {
        key
    } else {
        format!("{key}={value}")
    }
}

/// `-n`, `--seed` and `--threads`, usually small and valid.
fn sim_args(r: &mut Rng, c: &mut Case) {
    let n = if r.chance(0.95) {
        "20".to_string()
    } else {
        r.pick(&[
            "1",
            "2",
            "5",
            "60",
            "0",
            "-1",
            "abc",
            "1e3",
            "1000000001",
            "",
            "+20",
        ])
        .to_string()
    };
    c.arg("-n").arg(n);
    if r.chance(0.1) {
        c.arg("--seed").arg(if r.chance(0.8) {
            r.pick(&["0", "1", "18446744073709551615"])
        } else {
            r.pick(&["18446744073709551616", "-1", "0x10", " 5"])
        });
    }
    c.arg("--threads").arg(if r.chance(0.95) {
        "1"
    } else {
        r.pick(&["2", "8", "9", "0", "1024", "1025", "x"])
    });
}

/// The scenario file of a case, and its path.
fn add_scenario(r: &mut Rng, seeds: &Seeds, c: &mut Case) -> String {
    let (bytes, origin) = scenario_bytes(r, seeds);
    let name = scenario_name(r);
    c.kind = format!("{}/{origin}", c.kind);
    c.files.push((name.clone(), bytes));
    odd_path(r, c, &name)
}

/// The path to give for the input file `name`: usually its name, sometimes
/// a way to it (or to nothing) that file systems allow.
fn odd_path(r: &mut Rng, c: &mut Case, name: &str) -> String {
    if !r.chance(0.04) {
        return name.to_string();
    }
    match r.below(8) {
        0 => format!("./{name}"),
        1 => format!("{name}/"),
        2 => {
            c.symlinks.push(("link.toml".into(), name.into()));
            "link.toml".into()
        }
        3 => {
            c.symlinks.push(("loop.toml".into(), "loop.toml".into()));
            "loop.toml".into()
        }
        4 => {
            c.symlinks
                .push(("dangling.toml".into(), "gone.toml".into()));
            "dangling.toml".into()
        }
        5 => {
            c.dirs.push("sub".into());
            format!("sub/../{name}")
        }
        6 => ".".into(),
        _ => format!("missing/{name}"),
    }
}

/// Builds case `number` of the run with seed `seed`.
pub fn case(seeds: &Seeds, seed: u64, number: u64) -> Case {
    let mut r = Rng::for_case(seed, number);
    let r = &mut r;
    let mut c = Case {
        number,
        ..Case::default()
    };
    match r.weighted(&[16, 40, 27, 5, 6, 2, 2, 1, 1]) {
        0 => {
            c.kind = "check".into();
            let s = add_scenario(r, seeds, &mut c);
            c.arg("check").arg(&s);
            if r.chance(0.05) {
                let (bytes, _) = scenario_bytes(r, seeds);
                c.files.push(("t.toml".into(), bytes));
                c.arg("t.toml");
            }
            while r.chance(0.25) {
                let a = assignment(r);
                c.arg("--set").arg(a);
            }
        }
        1 => {
            c.kind = "run".into();
            let s = add_scenario(r, seeds, &mut c);
            c.arg("run").arg(&s);
            sim_args(r, &mut c);
            c.expect = vec!["summary.json".into(), "percentiles.csv".into()];
            if r.chance(0.95) {
                c.arg("--no-charts");
            } else {
                c.kind.push_str("/charts");
                // Every run writes these; fan_passivity.png only a run of a
                // scenario that uses the owner's hours keys.
                c.expect.extend(
                    hustle_sim::chart::file_names(false)
                        .iter()
                        .map(|s| s.to_string()),
                );
            }
            if r.chance(0.3) {
                c.arg("-q");
            }
            while r.chance(0.25) {
                let a = assignment(r);
                c.arg("--set").arg(a);
            }
            out_arg(r, &mut c);
        }
        2 => fit_churn_case(r, seeds, &mut c),
        3 => {
            c.kind = "sweep".into();
            let s = add_scenario(r, seeds, &mut c);
            let params: Vec<&str> = hustle_sim::scenario::keys::PARAMS
                .iter()
                .map(|p| p.key)
                .collect();
            let key = if r.chance(0.9) {
                r.pick(&params).to_string()
            } else {
                r.pick(&["name", "horizon_months", "churn.model", "bogus", ""])
                    .to_string()
            };
            c.arg("sweep").arg(&s).arg("--param").arg(key);
            if r.chance(0.6) {
                let n = if r.chance(0.95) {
                    r.range(1, 5)
                } else {
                    r.range(150, 210)
                };
                let values: Vec<String> = (0..n)
                    .map(|_| {
                        if r.chance(0.8) {
                            format!("{:?}", (r.unit() * 100.0).round() / 100.0)
                        } else {
                            r.pick(grammar::EXTREME_NUMBERS).to_string()
                        }
                    })
                    .collect();
                let sep = if r.chance(0.95) {
                    ","
                } else {
                    r.pick(&[", ", ",,", ";"])
                };
                c.arg("--values").arg(values.join(sep));
            } else {
                let range = if r.chance(0.8) {
                    format!("{:?}:{:?}:{}", r.unit(), r.unit() * 10.0, r.range(2, 5))
                } else {
                    r.pick(&[
                        "0:1:1",
                        "0:1:201",
                        "1:1:3",
                        "nan:1:3",
                        "0:1e308:3",
                        "-1e308:1e308:3",
                        "0:1",
                        "a:b:c",
                        "0:5e-324:3",
                    ])
                    .to_string()
                };
                c.arg("--range").arg(range);
            }
            sim_args(r, &mut c);
            c.expect = vec!["sweep.csv".into()];
            if r.chance(0.95) {
                c.arg("--no-charts");
            } else {
                c.kind.push_str("/charts");
                c.expect.push("sweep.png".into());
            }
            c.arg("-q");
            while r.chance(0.2) {
                let a = assignment(r);
                c.arg("--set").arg(a);
            }
            out_arg(r, &mut c);
        }
        4 => {
            c.kind = "compare".into();
            let s = if r.chance(0.3) {
                add_scenario(r, seeds, &mut c)
            } else {
                let (bytes, origin) = comparable_bytes(r, seeds);
                c.kind = format!("compare/{origin}");
                c.files.push(("s.toml".into(), bytes));
                "s.toml".to_string()
            };
            c.arg("compare").arg(&s);
            let mut entrants = 1;
            if r.chance(0.5) {
                let (bytes, _) = comparable_bytes(r, seeds);
                c.files.push(("b.toml".into(), bytes));
                c.arg("b.toml");
                entrants += 1;
            }
            if r.chance(0.05) {
                c.arg(&s);
                entrants += 1;
            }
            if r.chance(0.03) {
                c.arg("--with")
                    .arg(*r.pick(&["", ";", " ; ", "name=\"x\""]));
            }
            let withs = match (entrants, r.chance(0.95)) {
                (1, true) => r.range(1, 3),
                _ => r.range(0, 2),
            };
            for _ in 0..withs {
                let n = r.range(1, 3);
                let parts: Vec<String> = (0..n).map(|_| assignment(r)).collect();
                c.arg("--with")
                    .arg(parts.join(if r.chance(0.9) { "; " } else { ";" }));
            }
            sim_args(r, &mut c);
            c.expect = vec!["compare.json".into()];
            if r.chance(0.95) {
                c.arg("--no-charts");
            } else {
                c.kind.push_str("/charts");
                c.expect
                    .extend(["compare.png".into(), "diff_fan.png".into()]);
            }
            c.arg("-q");
            out_arg(r, &mut c);
        }
        5 => {
            c.kind = "sensitivity".into();
            let s = if r.chance(0.3) {
                add_scenario(r, seeds, &mut c)
            } else {
                let (bytes, origin) = comparable_bytes(r, seeds);
                c.kind = format!("sensitivity/{origin}");
                c.files.push(("s.toml".into(), bytes));
                "s.toml".to_string()
            };
            c.arg("sensitivity")
                .arg(&s)
                .arg("-n")
                .arg(*r.pick(&["5", "20", "20", "0"]));
            if r.chance(0.3) {
                c.arg("--swing")
                    .arg(*r.pick(&["0.5", "1", "0", "1.5", "-0.1", "nan", "inf", "5e-324"]));
            }
            if r.chance(0.3) {
                c.arg("--metric").arg(*r.pick(&[
                    "semi_passive",
                    "failure",
                    "cumulative_net_p50",
                    "nope",
                ]));
            }
            c.expect = vec!["sensitivity.csv".into(), "tornado.png".into()];
            out_arg(r, &mut c);
        }
        6 => {
            c.kind = "list".into();
            for i in 0..r.range(0, 3) {
                let (bytes, _) = scenario_bytes(r, seeds);
                c.files.push((format!("lib/s{i}.toml"), bytes));
            }
            c.dirs.push("lib".into());
            c.arg("list");
            if r.chance(0.5) {
                c.arg("--run").arg("-n").arg("10");
            }
            c.arg("lib");
        }
        7 => {
            c.kind = "new".into();
            let target = *r.pick(&[
                "t.toml",
                "t.toml",
                "nested/missing/t.toml",
                "",
                "existing.toml",
                ".",
            ]);
            if target == "existing.toml" {
                c.files
                    .push(("existing.toml".into(), b"name = \"mine\"\n".to_vec()));
            } else if !target.is_empty() && target != "." {
                c.writes.push(target.into());
                c.expect.push("t.toml".into());
            }
            c.arg("new").arg(target);
        }
        _ => {
            // Careless command lines: unknown commands and flags, missing
            // values, flags in odd places.
            c.kind = "args".into();
            c.files.push(("s.toml".into(), b"name = \"x\"\n".to_vec()));
            let lines: &[&[&str]] = &[
                &[],
                &["simulate"],
                &["run", "--bogus"],
                &["run", "s.toml", "-n"],
                &["run", "s.toml", "s.toml"],
                &["--", "run"],
                &["run", "--set"],
                &["check"],
                &["fit-churn"],
                &["fit-churn", "s.toml", "--format", "xml"],
                &["sweep", "s.toml"],
                &["compare"],
                &["run", "nonexistent.toml"],
                &["run", "."],
                &["check", "/dev/null"],
                &[
                    "run",
                    "s.toml",
                    "-n",
                    "20",
                    "--no-charts",
                    "--quiet",
                    "-o",
                    "out",
                    "--set",
                    "=1",
                ],
                &["help"],
                &["--version"],
                &["run", "--help"],
            ];
            for a in *r.pick(lines) {
                c.arg(a);
            }
            c.writes.push("out".into());
        }
    }
    c
}

/// A `fit-churn` case: data from the grammar or a mutated seed, with
/// `--format`, `--json`, `--fit-periods`, `--as-of` and `--into`.
fn fit_churn_case(r: &mut Rng, seeds: &Seeds, c: &mut Case) {
    let (bytes, customers, as_of, origin) = match r.weighted(&[40, 35, 25]) {
        0 => (grammar::survival_csv(r), false, None, "survival"),
        1 => {
            let (b, a) = grammar::customers_csv(r);
            (b, true, a, "customers")
        }
        _ => {
            let seed = &r.pick(&seeds.csvs).1;
            let b = mutate::mutate(r, seed, &seeds.csvs);
            let customers = String::from_utf8_lossy(&b[..b.len().min(200)])
                .to_ascii_lowercase()
                .contains("start");
            (b, customers, None, "mutated")
        }
    };
    c.kind = format!("fit-churn/{origin}");
    let name = *r.pick(&[
        "data.csv",
        "data.csv",
        "data.csv",
        "my data é.csv",
        "data",
        ".csv",
    ]);
    c.files.push((name.into(), bytes));
    let path = odd_path(r, c, name);
    c.arg("fit-churn").arg(path);
    let customers = if r.chance(0.97) {
        customers
    } else {
        !customers
    };
    if customers {
        c.arg("--format").arg("customers");
    } else if r.chance(0.3) {
        c.arg("--format").arg("survival");
    }
    if let Some(a) = as_of {
        c.arg("--as-of").arg(a);
    } else if r.chance(0.03) {
        c.arg("--as-of").arg("2024-01-01");
    }
    if r.chance(0.15) {
        c.arg("--fit-periods").arg(*r.pick(&[
            "2",
            "3",
            "5",
            "7",
            "12",
            "0",
            "1",
            "100000",
            "x",
            "4294967296",
        ]));
    }
    if r.chance(0.35) {
        c.arg("--json");
        c.json_stdout = true;
    }
    if r.chance(0.06) {
        // A valid scenario from the library, or any scenario at all.
        let bytes = if r.chance(0.8) {
            r.pick(&seeds.scenarios).1.clone()
        } else {
            scenario_bytes(r, seeds).0
        };
        c.files.push(("s.toml".into(), bytes));
        c.arg("--into").arg("s.toml");
        c.may_change.push("s.toml".into());
        c.kind.push_str("/into");
    }
    c.expect = vec!["fit.png".into()];
    out_arg(r, c);
}

/// What a file system entry was.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Entry {
    File(Vec<u8>),
    Dir,
    Link(PathBuf),
}

/// Every entry under `root`, by path relative to it (links not followed).
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Entry>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        for e in rd.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(root).unwrap().to_path_buf();
            let Ok(m) = std::fs::symlink_metadata(&p) else {
                continue;
            };
            if m.file_type().is_symlink() {
                out.insert(rel, Entry::Link(std::fs::read_link(&p).unwrap_or_default()));
            } else if m.is_dir() {
                out.insert(rel, Entry::Dir);
                walk(root, &p, out);
            } else {
                out.insert(rel, Entry::File(std::fs::read(&p).unwrap_or_default()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

/// How a case ended.
#[derive(Debug)]
pub struct Outcome {
    /// Exit code, or None when killed by a signal or the time limit.
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    /// Whether it ran past the time limit.
    pub hung: bool,
    /// Its standard output.
    pub stdout: Vec<u8>,
    /// Its standard error.
    pub stderr: Vec<u8>,
    /// How long it ran.
    pub elapsed: Duration,
}

/// A rule a case broke.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Fault {
    /// A panic or a death by signal.
    Panic(String),
    /// Still running at the time limit.
    Hang,
    /// An exit code other than 0 or 2 (1 where the case allows it).
    WrongExit(String),
    /// A failure with nothing on stderr.
    Silent,
    /// A message about a line of a file that does not name the file.
    Unclear(String),
    /// NaN, infinity or null in a successful command's output.
    NonFinite(String),
    /// A file written, changed or left behind where it should not be.
    Files(String),
    /// A successful command's output missing or unreadable.
    BadOutput(String),
}

impl Fault {
    /// The summary line it counts under.
    pub fn category(&self) -> &'static str {
        match self {
            Fault::Panic(_) => "panics",
            Fault::Hang => "hangs",
            Fault::WrongExit(_) => "wrong exit codes",
            Fault::Silent => "failures without a message",
            Fault::Unclear(_) => "messages about a line that name no file",
            Fault::NonFinite(_) => "NaN/inf/null in successful runs",
            Fault::Files(_) => "files outside the output folder, changed or left behind",
            Fault::BadOutput(_) => "missing or unreadable outputs",
        }
    }
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Fault::Panic(s) => write!(f, "panic: {s}"),
            Fault::Hang => write!(f, "hang: still running at the time limit"),
            Fault::WrongExit(s) => write!(f, "wrong exit code: {s}"),
            Fault::Silent => write!(f, "failed without a message on stderr"),
            Fault::Unclear(s) => write!(f, "unclear message: {s}"),
            Fault::NonFinite(s) => write!(f, "not a number: {s}"),
            Fault::Files(s) => write!(f, "files: {s}"),
            Fault::BadOutput(s) => write!(f, "output: {s}"),
        }
    }
}

/// Creates the case's files in `cwd`.
fn lay_out(case: &Case, cwd: &Path) {
    std::fs::create_dir_all(cwd).unwrap();
    for d in &case.dirs {
        std::fs::create_dir_all(cwd.join(d)).unwrap();
    }
    for (name, bytes) in &case.files {
        let p = cwd.join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, bytes).unwrap();
    }
    for (link, target) in &case.symlinks {
        std::os::unix::fs::symlink(target, cwd.join(link)).unwrap();
    }
}

/// Runs a case in `work` (emptied first) and judges it.
pub fn execute(case: &Case, work: &Path, timeout: Duration) -> (Outcome, Vec<Fault>) {
    let _ = std::fs::remove_dir_all(work);
    let cwd = work.join("cwd");
    let home = work.join("home");
    let tmp = work.join("tmp");
    for d in [&home, &tmp] {
        std::fs::create_dir_all(d).unwrap();
    }
    lay_out(case, &cwd);
    let before = snapshot(&cwd);
    let args: Vec<OsString> = case
        .args
        .iter()
        .map(|a| OsString::from_vec(a.clone()))
        .collect();
    let mut child = Command::new(BIN)
        .args(&args)
        .current_dir(&cwd)
        .env("HOME", &home)
        .env("TMPDIR", &tmp)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(work.join("stdout")).unwrap())
        .stderr(std::fs::File::create(work.join("stderr")).unwrap())
        .spawn()
        .expect("start hustle-sim");
    let start = Instant::now();
    let mut hung = false;
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > timeout {
            hung = true;
            let _ = child.kill();
            break child.wait().unwrap();
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let outcome = Outcome {
        code: status.code(),
        signal: if hung { None } else { status.signal() },
        hung,
        stdout: std::fs::read(work.join("stdout")).unwrap_or_default(),
        stderr: std::fs::read(work.join("stderr")).unwrap_or_default(),
        elapsed: start.elapsed(),
    };
    let after = snapshot(&cwd);
    let mut faults = judge(case, &outcome, &cwd, &before, &after);
    for (d, what) in [(&home, "HOME"), (&tmp, "TMPDIR")] {
        if let Some(p) = snapshot(d).keys().next() {
            faults.push(Fault::Files(format!("wrote {} in {what}", p.display())));
        }
    }
    faults.sort();
    faults.dedup();
    (outcome, faults)
}

fn under(p: &Path, prefix: &str) -> bool {
    prefix == "." || p.starts_with(prefix)
}

/// The oracle: every rule the outcome of `case` broke.
fn judge(
    case: &Case,
    o: &Outcome,
    cwd: &Path,
    before: &BTreeMap<PathBuf, Entry>,
    after: &BTreeMap<PathBuf, Entry>,
) -> Vec<Fault> {
    let mut faults = Vec::new();
    let stderr = String::from_utf8_lossy(&o.stderr);
    if o.hung {
        faults.push(Fault::Hang);
    } else if let Some(sig) = o.signal {
        faults.push(Fault::Panic(format!("killed by signal {sig}")));
    }
    if let Some(line) = stderr.lines().find(|l| l.contains("panicked at")) {
        faults.push(Fault::Panic(line.to_string()));
    } else if o.code == Some(101) {
        faults.push(Fault::Panic("exit code 101".into()));
    }
    let ok = o.code == Some(0) && !o.hung;
    match o.code {
        Some(0 | 2 | 101) | None => {}
        Some(1) if case.io_failure => {}
        Some(c) => faults.push(Fault::WrongExit(format!(
            "{c}: {}",
            stderr.lines().last().unwrap_or("")
        ))),
    }
    if o.code.is_some_and(|c| c != 0) && stderr.trim().is_empty() {
        faults.push(Fault::Silent);
    }

    // Files: inputs unchanged (unless rewritten on success), new files only
    // where the command writes, no temporary left anywhere.
    for (p, e) in before {
        let may = ok && case.may_change.iter().any(|m| p == Path::new(m));
        // Output folders are written over; `-o .` writes beside the inputs,
        // which must stay as they were.
        let written_over = ok && case.writes.iter().any(|w| w != "." && under(p, w));
        if after.get(p) != Some(e) && !may && !written_over && *e != Entry::Dir {
            faults.push(Fault::Files(format!("{} changed or removed", p.display())));
        }
    }
    if let Some(Entry::File(b)) = before.get(Path::new("out/mine.txt"))
        && after.get(Path::new("out/mine.txt")) != Some(&Entry::File(b.clone()))
    {
        faults.push(Fault::Files(
            "out/mine.txt (the user's own file) changed".into(),
        ));
    }
    for p in after.keys().filter(|p| !before.contains_key(*p)) {
        if !case.writes.iter().any(|w| under(p, w)) {
            faults.push(Fault::Files(format!(
                "wrote {} outside the output folder",
                p.display()
            )));
        }
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default();
        if name.contains(".tmp-") || name.starts_with(".write-check") {
            faults.push(Fault::Files(format!("left {} behind", p.display())));
        }
    }
    if o.code == Some(2) && (stderr.contains(": line ") || stderr.contains("parse error")) {
        // A message about a line of a file names the file.
        let named = case.args.iter().any(|a| {
            let a = String::from_utf8_lossy(a);
            !a.is_empty()
                && std::fs::symlink_metadata(cwd.join(a.as_ref())).is_ok()
                // Named as the terminal shows it: control characters escaped.
                && stderr.contains(hustle_sim::report::format::terminal_text(&a).as_ref())
        });
        if !named {
            faults.push(Fault::Unclear(format!(
                "a message about a line names no file: {}",
                stderr.lines().next().unwrap_or("")
            )));
        }
    }
    if o.code == Some(2) {
        // Bad input is found before anything is written.
        for (p, e) in after.iter().filter(|(p, _)| !before.contains_key(*p)) {
            let what = if *e == Entry::Dir { "folder" } else { "file" };
            faults.push(Fault::Files(format!(
                "bad input, yet the {what} {} was created",
                p.display()
            )));
        }
    }
    if !ok {
        return faults;
    }

    // A successful command's outputs.
    let new_files: Vec<(&PathBuf, &Vec<u8>)> = after
        .iter()
        .filter_map(|(p, e)| match e {
            Entry::File(b) if before.get(p) != Some(e) => Some((p, b)),
            _ => None,
        })
        .collect();
    for want in &case.expect {
        if !new_files
            .iter()
            .any(|(p, _)| p.file_name().is_some_and(|n| n == want.as_str()))
        {
            faults.push(Fault::BadOutput(format!("{want} was not written")));
        }
    }
    let mut not_numbers = Vec::new();
    for (p, bytes) in &new_files {
        let shown = p.display().to_string();
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let found = match name.as_str() {
            "summary.json" => {
                let f = oracle::summary_invariants(bytes);
                faults.extend(
                    f.into_iter()
                        .map(|s| Fault::BadOutput(format!("{shown}: {s}"))),
                );
                oracle::check_json(&shown, bytes, oracle::SUMMARY_NULLS)
            }
            "compare.json" => oracle::check_json(&shown, bytes, oracle::COMPARE_NULLS),
            "percentiles.csv" => oracle::check_csv(&shown, bytes, &["metric"], &[]),
            "sweep.csv" => oracle::check_csv(
                &shown,
                bytes,
                &[],
                &[
                    "median_month_semi_passive",
                    "median_month_semi_passive_if_reached",
                    "passivity_month_p50",
                    "passivity_month_p75",
                ],
            ),
            "sensitivity.csv" => oracle::check_csv(&shown, bytes, &["parameter", "monotone"], &[]),
            n if n.ends_with(".png") => {
                let f = oracle::check_png(&shown, bytes);
                faults.extend(f.into_iter().map(Fault::BadOutput));
                continue;
            }
            _ => continue,
        };
        not_numbers.extend(found);
    }
    let inputs: Vec<u8> = case
        .files
        .iter()
        .flat_map(|(n, b)| [n.as_bytes(), b.as_slice()].concat())
        .chain(case.args.iter().flatten().copied())
        .collect();
    if case.json_stdout {
        not_numbers.extend(oracle::check_json("stdout", &o.stdout, oracle::FIT_NULLS));
        let f = oracle::fit_invariants(&o.stdout);
        faults.extend(
            f.into_iter()
                .map(|s| Fault::BadOutput(format!("stdout: {s}"))),
        );
    } else {
        let words = oracle::non_numbers_in_text(&String::from_utf8_lossy(&o.stdout), &inputs);
        if !words.is_empty() {
            not_numbers.push(format!("stdout says {}", words.join(", ")));
        }
    }
    faults.extend(not_numbers.into_iter().map(|s| {
        if s.contains("not JSON") || s.contains("no header") || s.contains("no rows") {
            Fault::BadOutput(s)
        } else {
            Fault::NonFinite(s)
        }
    }));
    faults
}

/// Defects known and not yet fixed: a case whose faults all match one of
/// these is counted apart, as known, not as a failure. None is known
/// today; a defect found and not fixed at once is named here, by the
/// command and what its stderr says, until its fix lands.
fn known(_case: &Case, _o: &Outcome, _faults: &[Fault]) -> Option<&'static str> {
    None
}

/// Shell words for a command line (bash `$'...'` where needed).
fn shell_words(args: &[Vec<u8>]) -> String {
    args.iter()
        .map(|a| {
            if !a.is_empty()
                && a.iter()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(b))
            {
                String::from_utf8_lossy(a).into_owned()
            } else {
                let mut s = String::from("$'");
                for &b in a {
                    match b {
                        b'\'' | b'\\' => s.push_str(&format!("\\{}", b as char)),
                        0x20..=0x7e => s.push(b as char),
                        _ => s.push_str(&format!("\\x{b:02x}")),
                    }
                }
                s.push('\'');
                s
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Saves a failing case for reproduction: its inputs, a script that runs
/// it again, and what went wrong.
fn save_failure(dir: &Path, seed: u64, case: &Case, o: &Outcome, faults: &[Fault]) -> PathBuf {
    let folder = dir.join(format!("case-{:06}", case.number));
    let _ = std::fs::remove_dir_all(&folder);
    lay_out(case, &folder.join("inputs"));
    let script = format!(
        "#!/bin/bash\n\
         # Case {n} of the fuzzing run with seed {seed} ({kind}).\n\
         # Runs it again in a fresh copy of inputs/: HUSTLE_SIM=path/to/hustle-sim {here}\n\
         # or regenerate it: HUSTLE_FUZZ_BIN_SEED={seed} HUSTLE_FUZZ_BIN_CASE={n} \\\n\
         #   cargo test --test fuzz_binary -- --ignored --nocapture\n\
         set -e\n\
         here=$(cd \"$(dirname \"$0\")\" && pwd)\n\
         sim=${{HUSTLE_SIM:-hustle-sim}}\n\
         case $sim in */*) sim=$(cd \"$(dirname \"$sim\")\" && pwd)/$(basename \"$sim\") ;; esac\n\
         work=$(mktemp -d)\n\
         cp -a \"$here/inputs/.\" \"$work\"\n\
         cd \"$work\"\n\
         echo \"in $work\" >&2\n\
         exec \"$sim\" {args}\n",
        n = case.number,
        kind = case.kind,
        here = "repro.sh",
        args = shell_words(&case.args)
    );
    std::fs::write(folder.join("repro.sh"), script).unwrap();
    let mut perm = std::fs::metadata(folder.join("repro.sh"))
        .unwrap()
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perm, 0o755);
    std::fs::set_permissions(folder.join("repro.sh"), perm).unwrap();
    let report = format!(
        "case {} ({}), seed {seed}\nhustle-sim {}\nexit code {:?}, signal {:?}, hung {}\n\n{}\n\n--- stderr\n{}\n--- stdout (first 4,000 bytes)\n{}\n",
        case.number,
        case.kind,
        shell_words(&case.args),
        o.code,
        o.signal,
        o.hung,
        faults
            .iter()
            .map(|f| format!("- {f}"))
            .collect::<Vec<_>>()
            .join("\n"),
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout[..o.stdout.len().min(4000)]),
    );
    std::fs::write(folder.join("report.txt"), report).unwrap();
    folder
}

/// What a run found.
#[derive(Debug, Default)]
pub struct Tally {
    /// Cases run.
    pub cases: u64,
    /// Cases by kind: (run, exited 0).
    pub by_kind: BTreeMap<String, (u64, u64)>,
    /// Faulty cases by category.
    pub faults: BTreeMap<&'static str, u64>,
    /// Cases matching a known defect, by defect.
    pub known: BTreeMap<&'static str, u64>,
    /// Faulty cases: (number, kind, faults, saved folder).
    pub failures: Vec<(u64, String, Vec<Fault>, PathBuf)>,
    /// The slowest cases: (seconds, number, kind), slowest first.
    pub slowest: Vec<(f64, u64, String)>,
}

/// The settings of a run.
pub struct Settings {
    /// Run seed.
    pub seed: u64,
    /// Cases `first..first + cases`.
    pub first: u64,
    /// Number of cases.
    pub cases: u64,
    /// Parallel workers.
    pub jobs: usize,
    /// Time limit per case.
    pub timeout: Duration,
    /// Where failing cases are saved.
    pub failures: PathBuf,
    /// Where cases run.
    pub work: PathBuf,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    match std::env::var(name) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{name}={v} is not valid")),
        Err(_) => default,
    }
}

impl Settings {
    /// `cases` cases with `seed`, or as the environment says when
    /// `configurable` (the full campaign; the normal suite's slices are
    /// fixed).
    pub fn new(label: &str, cases: u64, seed: u64, configurable: bool) -> Settings {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz_binary");
        let (mut first, mut cases, mut seed) = (0, cases, seed);
        if configurable {
            seed = env_or("HUSTLE_FUZZ_BIN_SEED", seed);
            match std::env::var("HUSTLE_FUZZ_BIN_CASE") {
                Ok(v) => {
                    (first, cases) = (v.parse().expect("HUSTLE_FUZZ_BIN_CASE is a case number"), 1)
                }
                Err(_) => cases = env_or("HUSTLE_FUZZ_BIN_CASES", cases),
            }
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Settings {
            seed,
            first,
            cases,
            jobs: env_or("HUSTLE_FUZZ_BIN_JOBS", cores),
            timeout: Duration::from_secs_f64(env_or("HUSTLE_FUZZ_BIN_TIMEOUT", 20.0)),
            failures: std::env::var_os("HUSTLE_FUZZ_BIN_FAILURES")
                .map(PathBuf::from)
                .unwrap_or_else(|| tmp.join(format!("failures-{label}-seed-{seed}"))),
            work: tmp.join(format!("work-{label}-{}", std::process::id())),
        }
    }
}

/// Runs the cases of `settings` in parallel and tallies what they found.
pub fn campaign(settings: &Settings, cases: impl Fn(u64) -> Case + Sync) -> Tally {
    let next = AtomicU64::new(settings.first);
    let end = settings.first + settings.cases;
    let tally = Mutex::new(Tally::default());
    let started = Instant::now();
    let single = settings.cases == 1;
    // HUSTLE_FUZZ_BIN_ERRORS=1 prints every bad-input message, to see what
    // the validators reject most and tune the grammar.
    let show_errors = std::env::var_os("HUSTLE_FUZZ_BIN_ERRORS").is_some();
    std::thread::scope(|s| {
        for w in 0..settings.jobs.max(1) {
            let (next, tally, cases) = (&next, &tally, &cases);
            let work = settings.work.join(format!("w{w}"));
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= end {
                        break;
                    }
                    let case = cases(i);
                    let (o, faults) = execute(&case, &work, settings.timeout);
                    if show_errors && o.code == Some(2) {
                        let last = String::from_utf8_lossy(&o.stderr);
                        eprintln!("{} {}: {}", i, case.kind, last.lines().next().unwrap_or(""));
                    }
                    if single {
                        eprintln!(
                            "case {i} ({}): hustle-sim {}\nexit {:?}\n--- stderr\n{}--- stdout\n{}",
                            case.kind,
                            shell_words(&case.args),
                            o.code,
                            String::from_utf8_lossy(&o.stderr),
                            String::from_utf8_lossy(&o.stdout)
                        );
                    }
                    let mut t = tally.lock().unwrap();
                    t.cases += 1;
                    t.slowest
                        .push((o.elapsed.as_secs_f64(), i, case.kind.clone()));
                    t.slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
                    t.slowest.truncate(5);
                    let kind = case.kind.split('/').next().unwrap_or("").to_string();
                    let k = t.by_kind.entry(kind).or_default();
                    k.0 += 1;
                    k.1 += (o.code == Some(0)) as u64;
                    if !faults.is_empty() {
                        if let Some(name) = known(&case, &o, &faults) {
                            *t.known.entry(name).or_default() += 1;
                        } else {
                            let mut cats: Vec<&'static str> =
                                faults.iter().map(Fault::category).collect();
                            cats.dedup();
                            for c in cats {
                                *t.faults.entry(c).or_default() += 1;
                            }
                            let saved =
                                save_failure(&settings.failures, settings.seed, &case, &o, &faults);
                            t.failures.push((i, case.kind.clone(), faults, saved));
                        }
                    }
                    if t.cases % 1000 == 0 {
                        eprintln!(
                            "  {} cases, {} failing, {:.0} s",
                            t.cases,
                            t.failures.len(),
                            started.elapsed().as_secs_f64()
                        );
                    }
                }
            });
        }
    });
    let _ = std::fs::remove_dir_all(&settings.work);
    let mut t = tally.into_inner().unwrap();
    t.failures.sort_by_key(|f| f.0);
    eprintln!("{}", report(settings, &t, started.elapsed()));
    t
}

/// The summary printed at the end of a run.
pub fn report(settings: &Settings, t: &Tally, elapsed: Duration) -> String {
    let mut o = format!(
        "fuzz_binary: seed {}, {} cases ({}..{}) in {:.0} s on {} workers, time limit {} s\n",
        settings.seed,
        t.cases,
        settings.first,
        settings.first + settings.cases,
        elapsed.as_secs_f64(),
        settings.jobs,
        settings.timeout.as_secs_f64()
    );
    for (kind, (n, ok)) in &t.by_kind {
        o.push_str(&format!("  {kind:<12} {n:>6} cases, {ok:>6} succeeded\n"));
    }
    for cat in [
        "panics",
        "hangs",
        "wrong exit codes",
        "failures without a message",
        "messages about a line that name no file",
        "NaN/inf/null in successful runs",
        "files outside the output folder, changed or left behind",
        "missing or unreadable outputs",
    ] {
        o.push_str(&format!(
            "  {cat}: {}\n",
            t.faults.get(cat).copied().unwrap_or(0)
        ));
    }
    let slow: Vec<String> = t
        .slowest
        .iter()
        .map(|(secs, i, kind)| format!("case {i} ({kind}) {secs:.1} s"))
        .collect();
    o.push_str(&format!("  slowest: {}\n", slow.join(", ")));
    for (name, n) in &t.known {
        o.push_str(&format!("  known, not counted ({name}): {n}\n"));
    }
    for (i, kind, faults, saved) in t.failures.iter().take(30) {
        o.push_str(&format!(
            "  case {i} ({kind}): {}\n    saved in {}\n",
            faults[0],
            saved.display()
        ));
    }
    if t.failures.len() > 30 {
        o.push_str(&format!("  ... and {} more\n", t.failures.len() - 30));
    }
    o
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The full campaign: 20,000 cases by default.
#[test]
#[ignore = "the full campaign takes about three minutes on two cores; run it with --ignored"]
fn campaign_of_hostile_inputs_through_the_binary() {
    let seeds = Seeds::load(&root());
    let settings = Settings::new("campaign", 20_000, 1, true);
    let t = campaign(&settings, |i| case(&seeds, settings.seed, i));
    assert!(
        t.failures.is_empty(),
        "{} failing cases; see above",
        t.failures.len()
    );
}

/// A deterministic slice of the campaign for the normal suite.
#[test]
fn a_slice_of_hostile_inputs_through_the_binary() {
    let seeds = Seeds::load(&root());
    let settings = Settings::new("slice", 500, 20_261_204, false);
    let t = campaign(&settings, |i| case(&seeds, settings.seed, i));
    assert!(
        t.failures.is_empty(),
        "{} failing cases; see above",
        t.failures.len()
    );
    // The grammar must reach the simulation and the fit, not only the
    // validators: fewer successes than these means a generator broke.
    let ok = |k: &str| t.by_kind.get(k).map_or(0, |c| c.1);
    assert!(ok("run") >= 25, "only {} runs succeeded", ok("run"));
    assert!(
        ok("fit-churn") >= 10,
        "only {} fits succeeded",
        ok("fit-churn")
    );
}

/// Every file of the committed corpus through the binary: scenarios through
/// `check` and `run`, CSV files through `fit-churn` in both formats.
#[test]
fn the_committed_corpus_through_the_binary() {
    let dir = root().join("tests/fuzz_corpus");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    let mut cases = Vec::new();
    for p in &paths {
        let bytes = std::fs::read(p).unwrap();
        let name = p.file_name().unwrap().as_bytes().to_vec();
        let name = String::from_utf8(name).unwrap();
        let mut add = |args: &[&str], expect: &[&str], json: bool| {
            let mut c = Case {
                number: cases.len() as u64,
                kind: format!("corpus/{name}"),
                files: vec![(name.clone(), bytes.clone())],
                writes: vec!["out".into()],
                expect: expect.iter().map(|s| s.to_string()).collect(),
                json_stdout: json,
                ..Case::default()
            };
            for a in args {
                c.arg(a.replace("{}", &name));
            }
            cases.push(c);
        };
        if name.ends_with(".csv") {
            add(
                &["fit-churn", "{}", "--json", "-o", "out"],
                &["fit.png"],
                true,
            );
            add(
                &["fit-churn", "{}", "--format", "customers", "-o", "out"],
                &["fit.png"],
                false,
            );
        } else {
            add(&["check", "{}"], &[], false);
            add(
                &[
                    "run",
                    "{}",
                    "-n",
                    "20",
                    "--threads",
                    "1",
                    "--no-charts",
                    "-o",
                    "out",
                ],
                &["summary.json", "percentiles.csv"],
                false,
            );
        }
    }
    assert!(cases.len() >= 24, "{} cases from the corpus", cases.len());
    let settings = Settings::new("corpus", cases.len() as u64, 0, false);
    let t = campaign(&settings, |i| cases[i as usize].clone());
    assert!(
        t.failures.is_empty(),
        "{} failing cases; see above",
        t.failures.len()
    );
}

/// A saved case runs again from its script, with the binary given by a
/// relative path, in a fresh copy of its inputs.
#[test]
fn a_saved_case_runs_again_from_its_script() {
    let mut c = Case {
        number: 7,
        kind: "check/test".into(),
        files: vec![(
            "my s.toml".into(),
            b"name = \"x\"\n[churn]\nmonthly = 2\n".to_vec(),
        )],
        ..Case::default()
    };
    c.arg("check")
        .arg("my s.toml")
        .arg("--set")
        .arg("name=\"it's\"");
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fuzz_binary/script-test");
    let _ = std::fs::remove_dir_all(&tmp);
    let (o, _) = execute(&c, &tmp.join("work"), Duration::from_secs(20));
    let folder = save_failure(&tmp, 0, &c, &o, &[Fault::Silent]);
    let bin = Path::new(BIN);
    let relative = Path::new("..").join(bin.file_name().unwrap());
    let again = Command::new(folder.join("repro.sh"))
        .current_dir(bin.parent().unwrap().join("deps"))
        .env("HUSTLE_SIM", &relative)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(o.code, Some(2));
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(
        stderr.contains("churn.monthly must be within 0..=1, got 2"),
        "{stderr}"
    );
    assert!(folder.join("inputs/my s.toml").is_file());
    std::fs::remove_dir_all(&tmp).unwrap();
}
