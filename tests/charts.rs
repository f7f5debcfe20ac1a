//! `hustle-sim run` writes the six PNG charts into the output folder (and
//! none with `--no-charts`); each decodes as a PNG of at least 1200 x 675.

mod common;

use common::png_size;

use assert_cmd::Command;
use hustle_sim::chart::FILE_NAMES;

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
    for name in FILE_NAMES {
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
    for name in FILE_NAMES {
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
