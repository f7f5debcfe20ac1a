//! `hustle-sim run` writes the six PNG charts into the output folder, seven
//! with `fan_passivity.png` for a scenario that uses the owner's hours
//! keys (and none with `--no-charts`); each decodes as a PNG of at least
//! 1200 x 675.

mod common;

use common::{png_size, repo};

use assert_cmd::Command;
use hustle_sim::chart::style::{HEIGHT, WIDTH};
use hustle_sim::chart::{FILE_NAMES, PASSIVITY_FILE_NAME, file_names};
use std::path::Path;

/// Runs `hustle-sim run` with `args` into `out`, quietly.
fn run_into(out: &Path, args: &[&str]) {
    Command::cargo_bin("hustle-sim")
        .unwrap()
        .arg("run")
        .args(args)
        .args(["--quiet", "--out"])
        .arg(out)
        .assert()
        .success();
}

#[test]
fn run_writes_every_chart_as_a_large_enough_png() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("hustle-sim")
        .unwrap()
        .args(["run", "-n", "800", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    for name in file_names(false) {
        let (w, h) = png_size(&out.join(name));
        assert!(w >= 1200 && h >= 675, "{name} is {w}x{h}");
    }
    // Nothing half-written is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn run_lists_the_charts_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = Command::cargo_bin("hustle-sim")
        .unwrap()
        .args(["run", "-n", "300", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&assert.get_output().stdout).to_string();
    for name in file_names(false) {
        assert!(stdout.contains(name), "{name} not listed in:\n{stdout}");
    }
}

#[test]
fn no_charts_writes_no_png() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    Command::cargo_bin("hustle-sim")
        .unwrap()
        .args(["run", "-n", "300", "--quiet", "--no-charts", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(out.join("summary.json").exists());
    for name in FILE_NAMES {
        assert!(
            !out.join(name).exists(),
            "{name} written despite --no-charts"
        );
    }
}

#[test]
fn a_run_that_reports_passivity_writes_fan_passivity_png_and_one_that_does_not_writes_none() {
    let dir = tempfile::tempdir().unwrap();
    // tests/data/owner-hours.toml uses every key of the owner's hours.
    let v2 = dir.path().join("v2");
    run_into(&v2, &[&repo("tests/data/owner-hours.toml"), "-n", "300"]);
    assert_eq!(png_size(&v2.join(PASSIVITY_FILE_NAME)), (WIDTH, HEIGHT));
    for name in file_names(true) {
        assert_eq!(png_size(&v2.join(name)), (WIDTH, HEIGHT), "{name}");
    }
    // The benchmark scenario uses none of them.
    let v1 = dir.path().join("v1");
    run_into(&v1, &[&repo("tests/data/bench.toml"), "-n", "300"]);
    assert!(!v1.join(PASSIVITY_FILE_NAME).exists());
    let mut written: Vec<String> = std::fs::read_dir(&v1)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".png"))
        .collect();
    written.sort();
    let mut expected: Vec<String> = file_names(false).iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(written, expected);
}

#[test]
fn a_run_without_passivity_removes_an_older_fan_passivity_png() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    run_into(&out, &[&repo("tests/data/owner-hours.toml"), "-n", "200"]);
    assert!(out.join(PASSIVITY_FILE_NAME).exists());
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    run_into(&out, &[&repo("tests/data/bench.toml"), "-n", "200"]);
    // The older chart would describe a run that is no longer there.
    assert!(!out.join(PASSIVITY_FILE_NAME).exists());
    assert!(FILE_NAMES.contains(&PASSIVITY_FILE_NAME));
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).unwrap(),
        "mine"
    );
}
