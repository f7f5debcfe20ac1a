//! Every row of docs/errors.md, run: the documented input must exit with
//! code 2 and print the documented message. Editing a message means editing
//! the docs, and the reverse.

use assert_cmd::Command;
use std::path::Path;

struct Row {
    kind: String,
    input: String,
    message: String,
}

/// The text inside the outermost backticks of a table cell.
fn code(cell: &str) -> String {
    let cell = cell.trim();
    let ticks = cell.chars().take_while(|c| *c == '`').count();
    assert!(ticks > 0, "cell is not code: {cell}");
    cell[ticks..cell.len() - ticks].trim().to_string()
}

fn rows() -> Vec<Row> {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
        .unwrap();
    doc.lines()
        .skip_while(|l| !l.starts_with("| kind of bad input"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|l| {
            // Cells are separated by " | " (a code span may hold a lone "|").
            let cells: Vec<&str> = l.trim_matches('|').split(" | ").collect();
            assert_eq!(cells.len(), 3, "row with {} cells: {l}", cells.len());
            Row {
                kind: cells[0].trim().to_string(),
                input: code(cells[1]),
                message: code(cells[2]),
            }
        })
        .collect()
}

#[test]
fn every_documented_bad_input_gives_its_message_and_exit_code_2() {
    let rows = rows();
    assert!(
        rows.len() >= 35,
        "docs/errors.md lists only {} rows",
        rows.len()
    );
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("existing.txt");
    std::fs::write(&file, "keep me").unwrap();
    let dir = tmp.path().join("a-folder");
    std::fs::create_dir(&dir).unwrap();
    let dangling = tmp.path().join("a-dangling-link");
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path().join("no-such-folder"), &dangling).unwrap();
    let data =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fader_hardie_2007_regular.csv");
    let readonly = tmp.path().join("read-only.toml");
    let readonly_text = "name = \"x\"\n";
    std::fs::write(&readonly, readonly_text).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&readonly, std::fs::Permissions::from_mode(0o444)).unwrap();
    }
    // A scenario that is not valid on its own, for portfolio rows to name.
    std::fs::write(
        tmp.path().join("invalid-scenario.toml"),
        "name = \"x\"\n[churn]\nmonthly = 1.3\n",
    )
    .unwrap();
    let portfolio = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/portfolio.toml");
    let polarised = tmp.path().join("polarised.toml");
    std::fs::write(
        &polarised,
        "name = \"x\"\n[churn]\nmodel = \"sbg\"\nmonthly = 0.06\npolarisation = 0.05\n",
    )
    .unwrap();
    let correlated = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/owner-hours.toml");
    let mut failures = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let mut cmd = Command::cargo_bin("hustle-sim").unwrap();
        cmd.current_dir(tmp.path());
        // Rows of fit-churn that must write nothing write into this folder.
        let out = tmp.path().join(format!("out{i}"));
        let mut writes_nothing = true;
        // A scenario of --into that must be left as it is, and its text.
        let mut unchanged = None;
        if let Some(args) = row.input.strip_prefix("args: ") {
            let args = args
                .replace("{file}", file.to_str().unwrap())
                .replace("{dir}", dir.to_str().unwrap())
                .replace("{dangling}", dangling.to_str().unwrap())
                .replace(
                    "{scenario}",
                    concat!(
                        env!("CARGO_MANIFEST_DIR"),
                        "/scenarios/niche-saas-tool.toml"
                    ),
                )
                .replace("{polarised}", polarised.to_str().unwrap())
                .replace("{correlated}", correlated.to_str().unwrap())
                .replace("{data}", data.to_str().unwrap())
                .replace("{readonly}", readonly.to_str().unwrap())
                .replace("{portfolio}", portfolio.to_str().unwrap());
            cmd.args(args.split_whitespace());
            writes_nothing = false;
        } else if let Some((format, csv)) = row
            .input
            .strip_prefix("csv: ")
            .map(|c| ("survival", c))
            .or_else(|| {
                row.input
                    .strip_prefix("customers: ")
                    .map(|c| ("customers", c))
            })
        {
            let path = tmp.path().join(format!("row{i}.csv"));
            std::fs::write(&path, csv.replace('⏎', "\n")).unwrap();
            cmd.args(["fit-churn", "--format", format, "-o"])
                .arg(&out)
                .arg(&path);
        } else if let Some(snippet) = row.input.strip_prefix("into: ") {
            let path = tmp.path().join(format!("row{i}.toml"));
            let text = format!("name = \"x\"\n{}\n", snippet.replace('⏎', "\n"));
            std::fs::write(&path, &text).unwrap();
            cmd.args(["fit-churn", "-o"])
                .arg(&out)
                .arg("--into")
                .arg(&path)
                .arg(&data);
            unchanged = Some((path, text));
        } else {
            writes_nothing = false;
            let (raw, snippet) = match row.input.strip_prefix("file-raw: ") {
                Some(s) => (true, s),
                None => (
                    false,
                    row.input
                        .strip_prefix("file: ")
                        .expect("file: or args: input"),
                ),
            };
            let name = format!("row{i}.toml");
            let text = snippet
                .replace('⏎', "\n")
                .replace("{self}", &name)
                .replace("{portfolio}", portfolio.to_str().unwrap());
            let text = if raw {
                text
            } else {
                format!("name = \"x\"\n{text}\n")
            };
            let path = tmp.path().join(name);
            std::fs::write(&path, text).unwrap();
            cmd.args(["check", path.to_str().unwrap()]);
        }
        let result = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&result.stderr);
        if result.status.code() != Some(2) || !stderr.contains(&row.message) {
            failures.push(format!(
                "{}: exit {:?}, expected `{}` in:\n{stderr}",
                row.kind,
                result.status.code(),
                row.message
            ));
        }
        if writes_nothing && out.exists() {
            failures.push(format!("{}: {} was written", row.kind, out.display()));
        }
        if let Some((path, text)) = unchanged
            && std::fs::read_to_string(&path).unwrap() != text
        {
            failures.push(format!("{}: {} was changed", row.kind, path.display()));
        }
    }
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "keep me",
        "a documented error touched a file"
    );
    assert_eq!(
        std::fs::read_to_string(&readonly).unwrap(),
        readonly_text,
        "a documented error changed a read-only scenario"
    );
    assert!(
        !tmp.path().join("no-such-folder").exists(),
        "a documented error created a dangling link's target"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
