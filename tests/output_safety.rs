//! The output folder is written as one set, atomically and safely: no file
//! outside it is ever written, nothing is written through a symbolic link
//! planted in it, a failed run leaves the previous set whole with no
//! temporary behind, a re-run leaves no file of the older set looking like
//! part of the new one, and a folder that cannot be written is refused
//! before the simulation starts.

mod common;

use assert_cmd::Command;
use hustle_sim::output::{Output, OutputSet};
use std::path::Path;
use std::time::Duration;

fn bin() -> Command {
    Command::cargo_bin("hustle-sim").unwrap()
}

/// (name, bytes) of every entry in `dir` (links and folders as empty),
/// sorted by name.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let is_file = e.file_type().unwrap().is_file();
            let bytes = if is_file {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name().to_string_lossy().into_owned(), bytes)
        })
        .collect();
    v.sort();
    v
}

fn names(dir: &Path) -> Vec<String> {
    listing(dir).into_iter().map(|(n, _)| n).collect()
}

fn temporaries(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.contains(".tmp-"))
        .collect()
}

/// An output with fixed bytes, or (`None`) one whose bytes fail.
struct Fixed(&'static str, Option<&'static str>);

impl Output for Fixed {
    fn file_name(&self) -> &str {
        self.0
    }
    fn bytes(&self) -> anyhow::Result<Vec<u8>> {
        match self.1 {
            Some(t) => Ok(t.as_bytes().to_vec()),
            None => anyhow::bail!("cannot draw"),
        }
    }
}

#[cfg(unix)]
#[test]
fn planted_symlink_at_a_temporary_name_is_not_followed() {
    // The old writer's temporaries were `.NAME.tmp-PID`: anyone able to
    // write in the folder could plant a link there and have the run write
    // through it. Plant them for this process and write a set.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let outside = tmp.path().join("outside.txt");
    std::fs::write(&outside, "precious").unwrap();
    let pid = std::process::id();
    for name in ["summary.json", "percentiles.csv"] {
        std::os::unix::fs::symlink(&outside, out.join(format!(".{name}.tmp-{pid}"))).unwrap();
    }
    let mut set = OutputSet::new(&out, &["summary.json", "percentiles.csv"]);
    set.add(Fixed("summary.json", Some("{}")))
        .add(Fixed("percentiles.csv", Some("month\n")));
    set.write().unwrap();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    assert_eq!(
        std::fs::read_to_string(out.join("summary.json")).unwrap(),
        "{}"
    );
    // The planted links are not the writer's: left as they were.
    assert!(
        std::fs::symlink_metadata(out.join(format!(".summary.json.tmp-{pid}")))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn planted_symlink_named_summary_json_is_replaced_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let outside = tmp.path().join("outside.json");
    std::fs::write(&outside, "precious").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("summary.json")).unwrap();
    // A planted link at a chart's name the run does not write this time.
    std::os::unix::fs::symlink(&outside, out.join("final.png")).unwrap();
    bin()
        .args(["run", "-n", "50", "--no-charts", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    let m = std::fs::symlink_metadata(out.join("summary.json")).unwrap();
    assert!(m.is_file(), "summary.json is not a regular file: {m:?}");
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["trajectories"], 50);
    assert_eq!(names(&out), ["percentiles.csv", "summary.json"]);
    assert_eq!(names(tmp.path()), ["out", "outside.json"]);
}

#[test]
fn a_run_failing_mid_set_leaves_the_previous_set_whole_and_no_temporary() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    bin()
        .args([
            "run",
            "-n",
            "100",
            "--seed",
            "1",
            "--no-charts",
            "--quiet",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    // A folder where the last chart goes: every other output of the next
    // run is complete before it fails.
    std::fs::create_dir(out.join("final.png")).unwrap();
    let before = listing(&out);
    bin()
        .args(["run", "-n", "100", "--seed", "2", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "final.png: a folder of that name is in the way",
        ));
    assert_eq!(listing(&out), before, "the previous set changed");
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
}

#[test]
fn a_rerun_without_charts_removes_the_older_charts_and_keeps_user_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    bin()
        .args(["run", "-n", "100", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("final.png").is_file());
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    std::fs::write(out.join("sweep.csv"), "another command's").unwrap();
    bin()
        .args(["run", "-n", "100", "--no-charts", "--quiet", "-o"])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        names(&out),
        ["notes.txt", "percentiles.csv", "summary.json", "sweep.csv"]
    );
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}

#[cfg(unix)]
#[test]
fn out_at_a_dangling_symlink_is_an_input_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let link = tmp.path().join("results");
    std::os::unix::fs::symlink(tmp.path().join("gone"), &link).unwrap();
    bin()
        .args(["run", "-n", "10", "--quiet", "-o"])
        .arg(&link)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "--out {}: is a symbolic link to {}, which does not exist",
            link.display(),
            tmp.path().join("gone").display()
        )));
    assert!(!tmp.path().join("gone").exists());
}

#[test]
fn out_that_cannot_be_created_fails_before_the_simulation() {
    // A billion trajectories would run for many minutes: the folder is
    // checked first.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("file");
    std::fs::write(&file, "keep").unwrap();
    let out = file.join("out");
    for args in [
        &["run", "-n", "1000000000"][..],
        &["sweep", "tests/data/bench.toml", "--param", "platform.fee"],
    ] {
        let mut cmd = bin();
        cmd.args(args);
        if args[0] == "sweep" {
            cmd.args(["--values", "0.1,0.2", "-n", "1000000000"]);
        }
        cmd.arg("-o")
            .arg(&out)
            .timeout(Duration::from_secs(30))
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "--out {}: cannot create the output folder",
                out.display()
            )));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep");
}

#[cfg(unix)]
#[test]
fn out_that_cannot_be_written_into_fails_before_the_simulation() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("read-only");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::write(out.join("probe"), "").is_ok() {
        // Permissions do not bind this user (e.g. root): nothing to test.
        return;
    }
    bin()
        .args(["run", "-n", "1000000000", "-o"])
        .arg(&out)
        .timeout(Duration::from_secs(30))
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "--out {}: cannot write into the output folder",
            out.display()
        )));
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn new_names_the_file_it_cannot_create_and_leaves_no_temporary() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("no-such-folder/mine.toml");
    bin()
        .arg("new")
        .arg(&file)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "{}: cannot create",
            file.display()
        )));
    let file = tmp.path().join("mine.toml");
    bin().arg("new").arg(&file).assert().success();
    assert_eq!(names(tmp.path()), ["mine.toml"]);
    #[cfg(unix)]
    {
        // A dangling link at the name is not followed to create its target.
        let link = tmp.path().join("linked.toml");
        std::os::unix::fs::symlink(tmp.path().join("target.toml"), &link).unwrap();
        bin()
            .arg("new")
            .arg(&link)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("already exists; not overwritten"));
        assert!(!tmp.path().join("target.toml").exists());
    }
}

/// Every file `run` writes (with charts).
const RUN_FILES: [&str; 8] = [
    "fan_cumulative_net.png",
    "fan_customers.png",
    "fan_hours.png",
    "fan_net_income.png",
    "final.png",
    "outcomes.png",
    "percentiles.csv",
    "summary.json",
];

/// When SIGINT is sent to a run.
#[derive(Debug, Clone, Copy)]
enum When {
    /// This long after the process was started.
    After(Duration),
    /// As soon as the first chart's temporary appears in the output
    /// folder: the other charts are still being drawn.
    DrawingCharts,
}

/// Runs `run -o out --seed seed` with charts, sends SIGINT `when`, and
/// returns how it ended.
#[cfg(unix)]
fn interrupted_run(out: &Path, seed: u64, when: When) -> (common::Ending, String) {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hustle-sim"))
        .args(["run", "tests/data/bench.toml", "-n", "20000", "--quiet"])
        .args(["--seed", &seed.to_string()])
        .arg("-o")
        .arg(out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    match when {
        When::After(d) => std::thread::sleep(d),
        When::DrawingCharts => loop {
            let drawing = std::fs::read_dir(out).ok().is_some_and(|entries| {
                entries.filter_map(Result::ok).any(|e| {
                    let n = e.file_name().to_string_lossy().into_owned();
                    n.starts_with(".fan_") && n.contains(".tmp-")
                })
            });
            if drawing || child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        },
    }
    // A process already reaped is not signalled (its id may be reused).
    if child.try_wait().unwrap().is_none() {
        common::send_sigint(child.id());
    }
    common::finish(child, Duration::from_secs(120))
}

#[cfg(unix)]
/// A run's set of outputs in `dir`, with a file of the user's beside it.
fn write_previous_set(dir: &Path) {
    bin()
        .args(["run", "tests/data/bench.toml", "-n", "200", "--quiet", "-o"])
        .arg(dir)
        .assert()
        .success();
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();
}

#[test]
fn ctrl_c_at_any_moment_leaves_a_whole_new_set_or_nothing_new() {
    // Regression: Ctrl-C within milliseconds of the start left an empty
    // output folder behind, and Ctrl-C while the charts were drawn was
    // ignored. Whenever SIGINT lands, the run either was past the swap and
    // completed its set (exit 0), or stopped with exit code 130 (or, in the
    // instant before the handler is installed, was ended by the signal
    // itself) leaving nothing new: no folder it created, no temporary, the
    // previous set byte for byte. Timing decides which; the test asserts
    // that one of the two holds, never which.
    let tmp = tempfile::tempdir().unwrap();
    let previous = tmp.path().join("previous");
    write_previous_set(&previous);
    let moments = [
        When::After(Duration::ZERO),
        When::After(Duration::from_millis(5)),
        When::After(Duration::from_millis(30)),
        When::After(Duration::from_millis(150)),
        When::DrawingCharts,
        When::DrawingCharts,
        When::DrawingCharts,
    ];
    let mut stopped_while_drawing = 0;
    for (i, when) in moments.into_iter().enumerate() {
        // Into a folder that does not exist yet (two levels of it), and
        // over the previous set.
        let fresh = tmp.path().join(format!("fresh{i}/out"));
        for (out, before) in [
            (fresh.clone(), None),
            (previous.clone(), Some(listing(&previous))),
        ] {
            let seed = 1000 + i as u64;
            let (ending, stderr) = interrupted_run(&out, seed, when);
            let context = format!("{when:?} into {}: {ending:?}\n{stderr}", out.display());
            match ending {
                common::Ending::Code(0) => {
                    // Completed: the whole new set, nothing half-done.
                    let mut names = names(&out);
                    names.retain(|n| n != "notes.txt");
                    assert_eq!(names, RUN_FILES, "{context}");
                    let summary: serde_json::Value =
                        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap())
                            .unwrap();
                    assert_eq!(summary["seed"], seed, "{context}");
                }
                common::Ending::Code(130) | common::Ending::Signal(2) => {
                    if ending == common::Ending::Code(130) {
                        assert!(
                            stderr.contains("interrupted; no results were written"),
                            "{context}"
                        );
                    }
                    match &before {
                        None => assert!(
                            !tmp.path().join(format!("fresh{i}")).exists(),
                            "{context}: a folder was left behind"
                        ),
                        Some(before) => assert_eq!(&listing(&out), before, "{context}"),
                    }
                    if matches!(when, When::DrawingCharts) {
                        stopped_while_drawing += 1;
                    }
                }
                _ => panic!("{context}"),
            }
            assert!(!out.exists() || temporaries(&out).is_empty(), "{context}");
            if before.is_some() {
                // The next moment starts from the same previous set.
                let _ = std::fs::remove_dir_all(&previous);
                write_previous_set(&previous);
            }
        }
    }
    // Five charts remain to be drawn when the signal is sent: at least one
    // of the six runs interrupted then must have stopped (Ctrl-C during the
    // charts was once ignored).
    assert!(
        stopped_while_drawing > 0,
        "no run stopped while drawing charts"
    );
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_sweep_compare_and_sensitivity_leaving_no_folder() {
    // Every command that writes an output set removes the folder it
    // created when Ctrl-C stops it (here always before its outputs: with a
    // billion trajectories only the signal ends it).
    let tmp = tempfile::tempdir().unwrap();
    let commands: [&[&str]; 3] = [
        &[
            "sweep",
            "tests/data/bench.toml",
            "--param",
            "platform.fee",
            "--values",
            "0.1,0.2",
            "-n",
            "1000000000",
        ],
        &[
            "compare",
            "tests/data/bench.toml",
            "--with",
            "platform.fee=0.2",
            "-n",
            "1000000000",
        ],
        &["sensitivity", "tests/data/bench.toml", "-n", "1000000000"],
    ];
    for (i, args) in commands.iter().enumerate() {
        for delay in [0, 20, 200] {
            let root = tmp.path().join(format!("c{i}-{delay}"));
            let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("hustle-sim"))
                .args(*args)
                .arg("-o")
                .arg(root.join("out"))
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(delay));
            common::send_sigint(child.id());
            let (ending, stderr) = common::finish(child, Duration::from_secs(120));
            let context = format!("{} after {delay} ms: {ending:?}\n{stderr}", args[0]);
            assert!(
                matches!(
                    ending,
                    common::Ending::Code(130) | common::Ending::Signal(2)
                ),
                "{context}"
            );
            assert!(!root.exists(), "{context}: a folder was left behind");
        }
    }
}

/// An input saved under one of the command's output names, in the output
/// folder, was replaced by the command's own results (a scenario called
/// `summary.json` run with `-o .`, churn data called `fit.png`, a scenario
/// called `final.png` that a run with `--no-charts` removes as an older
/// chart). Each is refused with exit code 2 before anything is written.
#[test]
fn an_input_named_like_an_output_in_the_output_folder_is_never_replaced() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenario = std::fs::read(repo.join("scenarios/niche-saas-tool.toml")).unwrap();
    let data = std::fs::read(repo.join("tests/data/fader_hardie_2007_regular.csv")).unwrap();
    let cases: [(&str, &[u8], &[&str]); 5] = [
        (
            "summary.json",
            &scenario,
            &["run", "summary.json", "-n", "10", "-q"],
        ),
        (
            "final.png",
            &scenario,
            &["run", "final.png", "-n", "10", "-q", "--no-charts"],
        ),
        (
            "sweep.csv",
            &scenario,
            &[
                "sweep",
                "sweep.csv",
                "--param",
                "churn.beta",
                "--values",
                "10,20",
                "-n",
                "10",
                "-q",
            ],
        ),
        (
            "compare.json",
            &scenario,
            &[
                "compare",
                "compare.json",
                "--with",
                "pricing.monthly=60",
                "-n",
                "10",
                "-q",
            ],
        ),
        ("fit.png", &data, &["fit-churn", "fit.png"]),
    ];
    for (name, bytes, args) in cases {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(name), bytes).unwrap();
        bin()
            .current_dir(tmp.path())
            .args(args)
            .args(["-o", "."])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "--out .: writing {name} there would replace"
            )));
        assert_eq!(names(tmp.path()), [name], "{name}: something was written");
        assert_eq!(
            std::fs::read(tmp.path().join(name)).unwrap(),
            bytes,
            "{name} changed"
        );
    }
    // Reached through a symbolic link, the file is still the input.
    #[cfg(unix)]
    {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("summary.json"), &scenario).unwrap();
        std::os::unix::fs::symlink("summary.json", tmp.path().join("s.toml")).unwrap();
        bin()
            .current_dir(tmp.path())
            .args(["run", "s.toml", "-n", "10", "-q", "-o", "."])
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "writing summary.json there would replace the scenario s.toml",
            ));
        assert_eq!(
            std::fs::read(tmp.path().join("summary.json")).unwrap(),
            scenario
        );
    }
    // Elsewhere the same names are fine.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("summary.json"), &scenario).unwrap();
    bin()
        .current_dir(tmp.path())
        .args([
            "run",
            "summary.json",
            "-n",
            "10",
            "-q",
            "--no-charts",
            "-o",
            "out",
        ])
        .assert()
        .success();
}
