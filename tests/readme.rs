//! The README's worked example is what `cargo run --release -- run` prints:
//! a change to the default scenario or to the random streams must update
//! the README (and its reading aloud) too.

use assert_cmd::Command;

#[test]
fn readme_worked_example_matches_the_default_run() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("$ cargo run --release -- run\n")
        .expect("worked example in README")
        + 29;
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("hustle-sim")
        .unwrap()
        .current_dir(tmp.path())
        .args(["run", "--no-charts"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    // Timing and file lines vary; the README stops before them.
    let printed: Vec<&str> = stdout.lines().take(block.lines().count()).collect();
    let expected: Vec<&str> = block.lines().collect();
    assert_eq!(
        printed, expected,
        "update the README's worked example:\n{stdout}"
    );
}
