//! The README's examples are what `cargo run --release -- run ...` prints,
//! and its library table what `hustle-sim list --run` prints: a change to
//! the library's scenarios, to the random streams or to the terminal table
//! must update the README (and its reading aloud) too.

use assert_cmd::Command;

/// Every example in the README that shows a run: its arguments after
/// `run` and the lines printed below the command.
fn run_examples(readme: &str) -> Vec<(Vec<&str>, &str)> {
    const COMMAND: &str = "```\n$ cargo run --release -- run";
    let mut examples = Vec::new();
    let mut rest = readme;
    while let Some(at) = rest.find(COMMAND) {
        let block = &rest[at + COMMAND.len()..];
        let (command, output) = block.split_once('\n').unwrap();
        let output = &output[..output.find("```").expect("the example's block ends")];
        examples.push((command.split_whitespace().collect(), output));
        rest = &block[command.len()..];
    }
    examples
}

#[test]
fn readme_run_examples_match_the_runs() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let examples = run_examples(&readme);
    // The worked example of the default scenario, and the owner's hours.
    assert_eq!(examples.len(), 2, "README's run examples");
    assert!(
        examples[0].0.is_empty(),
        "the first runs the default scenario"
    );
    for (args, block) in examples {
        let tmp = tempfile::tempdir().unwrap();
        let out = Command::cargo_bin("hustle-sim")
            .unwrap()
            .current_dir(tmp.path())
            .arg("run")
            .args(&args)
            .arg("--no-charts")
            .output()
            .unwrap();
        assert!(out.status.success(), "run {args:?}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        // Timing and file lines vary; the README stops before them.
        let printed: Vec<&str> = stdout.lines().take(block.lines().count()).collect();
        let expected: Vec<&str> = block.lines().collect();
        assert_eq!(
            printed,
            expected,
            "update the README's example of `run {}`:\n{stdout}",
            args.join(" ")
        );
    }
}

#[test]
fn readme_library_table_is_the_output_of_list_run() {
    // The README's library table is what `hustle-sim list --run` prints for
    // the built-in library (10,000 trajectories, seed 42), line for line:
    // a change to a library scenario must update it.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = &readme[readme
        .find("## The scenario library\n")
        .expect("the README has a library section")..];
    let documented: Vec<&str> = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .collect();
    let out = Command::cargo_bin("hustle-sim")
        .unwrap()
        .args(["list", "--run"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let table: Vec<&str> = stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(
        documented,
        table,
        "update the README's library table:\n{}",
        table.join("\n")
    );
}
