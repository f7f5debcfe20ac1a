//! Inputs mutated from seeds: the scenario library, the test data and the
//! committed corpus, changed by byte flips, truncation, line duplication,
//! deletion and swaps, splicing with another seed, and numbers replaced by
//! extreme ones.

use super::grammar::EXTREME_NUMBERS;
use super::rng::Rng;
use std::path::{Path, PathBuf};

/// Largest mutated file: far below the size a reader refuses, so that the
/// values, not the size, are what gets tested.
pub const MAX_LEN: usize = 200_000;

/// The seed files, by kind, in a fixed order.
#[derive(Debug, Default)]
pub struct Seeds {
    /// Scenario files.
    pub scenarios: Vec<(PathBuf, Vec<u8>)>,
    /// Survival tables and customer lists.
    pub csvs: Vec<(PathBuf, Vec<u8>)>,
}

impl Seeds {
    /// Reads the seeds under the repository root.
    pub fn load(root: &Path) -> Seeds {
        let mut seeds = Seeds::default();
        for dir in ["scenarios", "tests/data", "tests/fuzz_corpus"] {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("{dir}: {e}"))
                .map(|e| e.unwrap().path())
                .filter(|p| p.is_file())
                .collect();
            paths.sort();
            for p in paths {
                let bytes = std::fs::read(&p).unwrap();
                match p.extension().and_then(|e| e.to_str()) {
                    Some("toml") => seeds.scenarios.push((p, bytes)),
                    Some("csv") => seeds.csvs.push((p, bytes)),
                    _ => {}
                }
            }
        }
        assert!(seeds.scenarios.len() >= 10 && !seeds.csvs.is_empty());
        seeds
    }
}

/// Tokens worth inserting into a scenario or a CSV.
const TOKENS: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "1e308",
    "5e-324",
    "-",
    "=",
    "[",
    "]",
    "[[",
    "\"",
    "'",
    "\"\"\"",
    ",",
    "\n",
    "\r\n",
    "\r",
    "#",
    "9999-12-31",
    "0000-01-01",
    "0",
    "{",
    "}",
    "\\",
    "\\u0000",
    "dist",
    " to ",
    "\u{feff}",
    "\u{0}",
    "[churn]\n",
    "model = \"sbg\"\n",
    "model = \"bass\"\n",
    "[semi_passive]\n",
    "cohort,",
    ",,",
    "é",
    "🚀",
    "\t",
    "1_000_000_000",
];

const INTERESTING_BYTES: &[u8] = &[
    0, 0x7f, 0xff, 0x80, 0xc3, b'\r', b'\n', b'"', b'=', b'[', b']', b'#', b',', b'-', b'.', b'e',
    b'0', b'9', b' ', b'\t', b'\\', b'{', b'}',
];

fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// Byte ranges of the numbers in `bytes` (digits with `.`, `e`, `-`, `_`).
fn numbers(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() {
            let start = if i > 0 && bytes[i - 1] == b'-' {
                i - 1
            } else {
                i
            };
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_digit() || matches!(bytes[j], b'.' | b'e' | b'E' | b'_'))
            {
                j += 1;
            }
            out.push((start, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// One random change to `bytes`; `others` are seeds of the same kind to
/// splice with.
fn mutate_once(r: &mut Rng, bytes: &mut Vec<u8>, others: &[(PathBuf, Vec<u8>)]) {
    let len = bytes.len();
    match r.weighted(&[6, 5, 6, 4, 3, 6, 5, 3, 4, 45, 2, 2, 3]) {
        0 if len > 0 => {
            let i = r.below(len);
            bytes[i] ^= 1 << r.below(8);
        }
        1 if len > 0 => {
            let i = r.below(len);
            bytes[i] = *r.pick(INTERESTING_BYTES);
        }
        2 => {
            let i = r.below(len + 1);
            let t = r.pick(TOKENS).as_bytes().to_vec();
            bytes.splice(i..i, t);
        }
        3 if len > 0 => {
            let i = r.below(len);
            let n = r.range(1, 16.min((len - i) as i64)) as usize;
            bytes.drain(i..i + n);
        }
        4 if len > 0 => {
            bytes.truncate(r.below(len));
        }
        5 => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                let i = r.below(ls.len());
                let times = if r.chance(0.9) {
                    1
                } else {
                    r.range(2, 200) as usize
                };
                for _ in 0..times {
                    ls.insert(i, ls[i].clone());
                }
                *bytes = ls.concat();
            }
        }
        6 => {
            let mut ls = lines(bytes);
            if !ls.is_empty() {
                ls.remove(r.below(ls.len()));
                *bytes = ls.concat();
            }
        }
        7 => {
            let mut ls = lines(bytes);
            if ls.len() > 1 {
                let (a, b) = (r.below(ls.len()), r.below(ls.len()));
                ls.swap(a, b);
                *bytes = ls.concat();
            }
        }
        8 if !others.is_empty() => {
            let other = &r.pick(others).1;
            let ours = lines(bytes);
            let theirs = lines(other);
            let cut = r.below(ours.len() + 1);
            let from = r.below(theirs.len() + 1);
            *bytes = [ours[..cut].concat(), theirs[from..].concat()].concat();
        }
        9 => {
            let ns = numbers(bytes);
            if !ns.is_empty() {
                let (s, e) = *r.pick(&ns);
                let new = if r.chance(0.7) {
                    r.pick(EXTREME_NUMBERS).to_string()
                } else {
                    // A nearby value: off by one, scaled, negated.
                    let old = String::from_utf8_lossy(&bytes[s..e]).replace('_', "");
                    match old.parse::<f64>() {
                        Ok(x) => format!(
                            "{:?}",
                            *r.pick(&[x + 1.0, x - 1.0, -x, x * 1e6, x / 1e6, x * 2.0, 0.0])
                        ),
                        Err(_) => "0".into(),
                    }
                };
                bytes.splice(s..e, new.into_bytes());
            }
        }
        10 => {
            let mut crlf = Vec::new();
            for &b in bytes.iter() {
                if b == b'\n' {
                    crlf.push(b'\r');
                }
                crlf.push(b);
            }
            *bytes = crlf;
        }
        11 => {
            bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
        }
        _ => {
            // A random byte anywhere.
            let i = r.below(len + 1);
            bytes.insert(i, r.below(256) as u8);
        }
    }
}

/// `seed` changed one to a few times.
pub fn mutate(r: &mut Rng, seed: &[u8], others: &[(PathBuf, Vec<u8>)]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    let n = 1 + r.weighted(&[50, 25, 15, 10]);
    for _ in 0..n {
        mutate_once(r, &mut bytes, others);
        bytes.truncate(MAX_LEN);
    }
    bytes
}

#[test]
fn numbers_are_found_with_their_signs() {
    assert_eq!(numbers(b"a = -1.5e3\nb = 2"), vec![(4, 10), (15, 16)]);
}
