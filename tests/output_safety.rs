//! The output folder is written as one set, atomically and safely: no file
//! outside it is ever written, nothing is written through a symbolic link
//! planted in it, a failed run leaves the previous set whole with no
//! temporary behind, a re-run leaves no file of the older set looking like
//! part of the new one, and a folder that cannot be written is refused
//! before the simulation starts.

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
