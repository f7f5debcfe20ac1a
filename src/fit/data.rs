//! Reading churn data: survival tables and customer lists (CSV), reduced to
//! [`Lifetimes`]. Every error names the file, the line and what is wrong.
//!
//! **Survival tables** (`--format survival`, the default) have a header
//! with `period` and `alive`, and optionally `cohort`. Each cohort's rows
//! run `period = 0, 1, 2, ...` without gaps; `alive` at period 0 is the
//! cohort's size, and at period t the customers still active after t
//! renewals. Counts never rise. Each cohort is right-censored at its own
//! last period, so cohorts of different ages are fitted jointly.
//!
//! **Customer lists** (`--format customers`) have one row per customer with
//! `start` and `end` columns (other columns, as in a payment platform's
//! export, are ignored): ISO dates `YYYY-MM-DD` (a time after the date,
//! `2024-03-05T10:00:00Z` or `2024-03-05 10:00`, is ignored), `end` empty
//! while the customer is active. Monthly renewal periods are counted by
//! calendar month, as subscription billing does: the n-th renewal of a
//! customer who started on date s falls on s plus n months, the day clamped
//! to the month's last day (a start on 31 January renews on 28 or 29
//! February, then 31 March). Then:
//!
//! - a customer with an `end` renewed at every renewal dated strictly
//!   before `end` and churned in the period after the last of them. An end
//!   *on* a renewal date is a subscription cancelled at the end of its
//!   paid period, which did not renew that day.
//! - an active customer renewed at every renewal dated on or before the
//!   as-of date (`--as-of`, default the latest date in the file) and is
//!   censored there: still active after that many renewals.
//!
//! So `start 2024-01-10, end 2024-02-10` churned in period 1 (no renewal
//! paid), `end 2024-02-11` in period 2, and an active customer with that
//! start seen `--as-of 2024-03-09` is censored after 1 renewal.

use super::lifetimes::Lifetimes;
use crate::error::InputError;
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// The layout of a data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `period,alive[,cohort]` survival counts.
    Survival,
    /// One row per customer with `start,end` dates.
    Customers,
}

impl Format {
    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Survival => "survival",
            Format::Customers => "customers",
        }
    }
}

/// A calendar date (proleptic Gregorian).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// A valid date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month))
            .then_some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`, ignoring a time that follows after `T` or a
    /// space.
    pub fn parse(s: &str) -> Result<Date, String> {
        let bad = || format!("expected a date as YYYY-MM-DD, got \"{s}\"");
        let date = match s.find(['T', ' ']) {
            Some(i) => &s[..i],
            None => s,
        };
        let parts: Vec<&str> = date.split('-').collect();
        let [y, m, d] = parts[..] else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let num = |p: &str| -> Result<u32, String> {
            if p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (y, m, d) = (num(y)?, num(m)?, num(d)?);
        Date::new(y as i32, m, d).ok_or_else(|| format!("{date} is not a calendar date"))
    }

    /// The month index `12 * year + month`, for month arithmetic.
    fn month_index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    /// How many renewals of a subscription started on `self` fall on or
    /// before `date` (`inclusive`) or strictly before it. The n-th renewal
    /// is `self` plus n calendar months, its day clamped to the month's
    /// length.
    pub fn renewals_until(self, date: Date, inclusive: bool) -> u32 {
        let m = date.month_index() - self.month_index();
        if m <= 0 {
            return 0;
        }
        // The m-th renewal falls in `date`'s month; earlier ones before it.
        let day = self.day.min(days_in_month(date.year, date.month));
        let counted = if inclusive {
            day <= date.day
        } else {
            day < date.day
        };
        (if counted { m } else { m - 1 }) as u32
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One cohort of a survival table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cohort {
    /// The `cohort` value, if the table has that column.
    pub label: Option<String>,
    /// Customers active after 0, 1, 2, ... renewals.
    pub alive: Vec<u64>,
}

/// What a data file held, beyond its lifetimes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observations {
    /// A survival table.
    Survival {
        /// Its cohorts, in order of first appearance.
        cohorts: Vec<Cohort>,
    },
    /// A customer list.
    Customers {
        /// Customers listed.
        customers: u64,
        /// Of which active (no `end`).
        active: u64,
        /// The date active customers are censored at.
        as_of: Date,
    },
}

/// A data file, read and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// The file, for messages.
    pub source: String,
    /// What it held.
    pub observations: Observations,
    /// Its lifetimes by renewal period.
    pub lifetimes: Lifetimes,
}

impl Dataset {
    /// The format it was read as.
    pub fn format(&self) -> Format {
        match self.observations {
            Observations::Survival { .. } => Format::Survival,
            Observations::Customers { .. } => Format::Customers,
        }
    }

    /// The survival counts, when the data are a single cohort: then
    /// survival can be shown as customers rather than shares.
    pub fn single_cohort(&self) -> Option<&[u64]> {
        match &self.observations {
            Observations::Survival { cohorts } if cohorts.len() == 1 => Some(&cohorts[0].alive),
            _ => None,
        }
    }
}

/// Reads a data file in `format`. `as_of` applies to customer lists only.
pub fn read(path: &Path, format: Format, as_of: Option<Date>) -> Result<Dataset, InputError> {
    let source = path.display().to_string();
    if path.is_dir() {
        return Err(InputError::new(format!(
            "{source}: is a directory, not a data file"
        )));
    }
    let bytes = crate::input::read_limited(path, crate::input::DATA_FILE, |e| {
        InputError::new(format!("{source}: cannot read the data: {e}"))
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        InputError::new(format!(
            "{source}: is not UTF-8 text (invalid byte at offset {}); save it as UTF-8 CSV",
            e.utf8_error().valid_up_to()
        ))
    })?;
    match format {
        Format::Survival => {
            if let Some(d) = as_of {
                return Err(InputError::new(format!(
                    "--as-of {d} applies only to --format customers"
                )));
            }
            parse_survival(&text, &source)
        }
        Format::Customers => parse_customers(&text, &source, as_of),
    }
}

/// A CSV reader over `text`: header row, fields trimmed, `#` comment
/// lines and blank lines skipped, every row as long as the header.
fn reader(text: &str) -> csv::Reader<&[u8]> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(text.as_bytes())
}

fn csv_error(source: &str, e: &csv::Error) -> InputError {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => InputError::new(format!(
            "{source}: line {}: {len} fields, but the header has {expected_len}",
            pos.as_ref().map(|p| p.line()).unwrap_or(0)
        )),
        _ => InputError::new(format!("{source}: {e}")),
    }
}

/// The header's column names, lowercased; an empty file and a column
/// named twice are errors.
fn header(
    source: &str,
    rdr: &mut csv::Reader<&[u8]>,
    expected: &str,
) -> Result<Vec<String>, InputError> {
    let h = rdr.headers().map_err(|e| csv_error(source, &e))?;
    if h.iter().all(|f| f.is_empty()) {
        return Err(InputError::new(format!(
            "{source}: the file is empty; expected a header line `{expected}` and data rows"
        )));
    }
    let cols: Vec<String> = h.iter().map(|f| f.to_ascii_lowercase()).collect();
    for (j, c) in cols.iter().enumerate() {
        if let Some(i) = cols[..j].iter().position(|earlier| earlier == c) {
            let named = if c.is_empty() {
                "a column without a name".to_string()
            } else {
                format!("column `{c}`")
            };
            return Err(InputError::new(format!(
                "{source}: line 1: {named} appears twice (columns {} and {}); each column may appear once",
                i + 1,
                j + 1
            ))
            .with_source(source)
            .with_key(c.as_str())
            .with_allowed("each column once"));
        }
    }
    Ok(cols)
}

fn column(source: &str, cols: &[String], name: &str, hint: &str) -> Result<usize, InputError> {
    cols.iter().position(|c| c == name).ok_or_else(|| {
        InputError::new(format!(
            "{source}: line 1: no `{name}` column (the header has {}){hint}",
            cols.iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })
}

/// Most customers a data file may hold in all: every sum over them (churn
/// events, renewals faced) stays far below 2^53, so it is exact both as a
/// whole number and as a floating-point one.
pub const MAX_CUSTOMERS: u64 = 1_000_000_000_000;

/// [`MAX_CUSTOMERS`] as messages show it.
const MAX_CUSTOMERS_SHOWN: &str = "1,000,000,000,000";

/// A whole number >= 0 in column `name`; `allowed` says which, for
/// messages (e.g. "a count of customers, a whole number >= 0").
fn whole(source: &str, line: u64, name: &str, raw: &str, allowed: &str) -> Result<u64, InputError> {
    let err = |what: String| {
        InputError::new(format!("{source}: line {line}: `{name}` {what}"))
            .with_source(source)
            .with_key(name)
            .with_value(raw)
            .with_allowed(allowed)
    };
    if raw.is_empty() {
        return Err(err(format!("is missing; it is {allowed}")));
    }
    if let Ok(n) = raw.parse::<u64>() {
        return Ok(n);
    }
    match raw.parse::<f64>() {
        Ok(x) if x < 0.0 => Err(err(format!("is negative ({raw}); it is {allowed}"))),
        Ok(x) if x.is_finite() && x.fract() == 0.0 && x < 9e15 => Ok(x as u64),
        Ok(x) if x.is_finite() && x.fract() == 0.0 => Ok(u64::MAX),
        _ => Err(err(format!("must be {allowed}, got \"{raw}\""))),
    }
}

/// A count of customers: a whole number from 0 to [`MAX_CUSTOMERS`].
fn count(source: &str, line: u64, name: &str, raw: &str) -> Result<u64, InputError> {
    let allowed = "a count of customers, a whole number >= 0";
    let n = whole(source, line, name, raw, allowed)?;
    if n > MAX_CUSTOMERS {
        return Err(InputError::new(format!(
            "{source}: line {line}: `{name}` is {raw}, more than the {MAX_CUSTOMERS_SHOWN} customers a data file may hold"
        ))
        .with_source(source)
        .with_key(name)
        .with_value(raw)
        .with_allowed(format!("at most {MAX_CUSTOMERS_SHOWN}")));
    }
    Ok(n)
}

/// Parses a survival table (see the module docs).
pub fn parse_survival(text: &str, source: &str) -> Result<Dataset, InputError> {
    let mut rdr = reader(text);
    let cols = header(source, &mut rdr, "period,alive")?;
    let customers_hint = if cols.iter().any(|c| c == "start") && cols.iter().any(|c| c == "end") {
        "; this looks like a customer list: use --format customers"
    } else {
        ""
    };
    let period_col = column(source, &cols, "period", customers_hint)?;
    let alive_col = column(source, &cols, "alive", customers_hint)?;
    let cohort_col = cols.iter().position(|c| c == "cohort");
    if let Some(c) = cols
        .iter()
        .find(|c| !matches!(c.as_str(), "period" | "alive" | "cohort"))
    {
        return Err(InputError::new(format!(
            "{source}: line 1: unknown column `{c}`; a survival table has `period`, `alive` and optionally `cohort`{customers_hint}"
        )));
    }

    let mut cohorts: Vec<Cohort> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    // Cohort sizes so far; counts never rise, so every sum over the data
    // is at most this.
    let mut total: u64 = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(source, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let period = whole(
            source,
            line,
            "period",
            &rec[period_col],
            "a renewal period, a whole number >= 0 (0 is the cohort's start)",
        )?;
        let alive = count(source, line, "alive", &rec[alive_col])?;
        let label = match cohort_col {
            Some(c) if rec[c].is_empty() => {
                return Err(InputError::new(format!(
                    "{source}: line {line}: `cohort` is missing"
                )));
            }
            Some(c) => Some(rec[c].to_string()),
            None => None,
        };
        let key = label.clone().unwrap_or_default();
        let named = label
            .as_ref()
            .map(|l| format!("cohort {l}: "))
            .unwrap_or_default();
        let i = *index.entry(key).or_insert_with(|| {
            cohorts.push(Cohort {
                label,
                alive: Vec::new(),
            });
            cohorts.len() - 1
        });
        let cohort = &mut cohorts[i];
        let expected = cohort.alive.len() as u64;
        if period != expected {
            let what = if expected == 0 {
                "each cohort starts at period 0 with its size".to_string()
            } else if period < expected {
                format!(
                    "period {period} appears twice or out of order; periods must run 0, 1, 2, ... without gaps"
                )
            } else {
                format!("period {expected} is missing; periods must run 0, 1, 2, ... without gaps")
            };
            return Err(InputError::new(format!(
                "{source}: line {line}: {named}expected period {expected}, got {}: {what}",
                &rec[period_col]
            )));
        }
        if period == 0 {
            total += alive;
            if total > MAX_CUSTOMERS {
                return Err(InputError::new(format!(
                    "{source}: line {line}: {named}alive {alive} at period 0 brings the customers to {total} in all, more than the {MAX_CUSTOMERS_SHOWN} a data file may hold"
                ))
                .with_source(source)
                .with_key("alive")
                .with_value(alive.to_string())
                .with_allowed(format!("at most {MAX_CUSTOMERS_SHOWN} customers in all")));
            }
        }
        if period == 0 && alive == 0 {
            return Err(InputError::new(format!(
                "{source}: line {line}: {named}alive at period 0 is the cohort's size and must be at least 1"
            )));
        }
        if let Some(&prev) = cohort.alive.last()
            && alive > prev
        {
            return Err(InputError::new(format!(
                "{source}: line {line}: {named}alive rises from {prev} at period {} to {alive} at period {period}; survival counts can only fall (count returning customers as new ones)",
                period - 1
            )));
        }
        cohort.alive.push(alive);
    }
    if cohorts.is_empty() {
        return Err(InputError::new(format!(
            "{source}: no data rows after the header"
        )));
    }
    let mut lifetimes = Lifetimes::new();
    for c in &cohorts {
        // Rising counts were refused above, with their line.
        lifetimes.add_survival(&c.alive)?;
    }
    Ok(Dataset {
        source: source.to_string(),
        observations: Observations::Survival { cohorts },
        lifetimes,
    })
}

/// Most months an `--as-of` date may lie after the latest date of a
/// customer list: beyond, every active customer would be censored at a
/// tenure no data speak for.
pub const MAX_MONTHS_AFTER_DATA: u32 = 1200;

/// Parses a customer list (see the module docs). `as_of` defaults to the
/// latest date in the file.
pub fn parse_customers(
    text: &str,
    source: &str,
    as_of: Option<Date>,
) -> Result<Dataset, InputError> {
    let mut rdr = reader(text);
    let cols = header(source, &mut rdr, "start,end")?;
    let survival_hint = if cols.iter().any(|c| c == "period") && cols.iter().any(|c| c == "alive") {
        "; this looks like a survival table: use --format survival"
    } else {
        ""
    };
    let start_col = column(source, &cols, "start", survival_hint)?;
    let end_col = column(source, &cols, "end", survival_hint)?;

    let mut rows: Vec<(u64, Date, Option<Date>)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| csv_error(source, &e))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let date = |col: usize, name: &str| -> Result<Option<Date>, InputError> {
            let raw = &rec[col];
            if raw.is_empty() {
                return Ok(None);
            }
            Date::parse(raw)
                .map(Some)
                .map_err(|m| InputError::new(format!("{source}: line {line}: `{name}`: {m}")))
        };
        let Some(start) = date(start_col, "start")? else {
            return Err(InputError::new(format!(
                "{source}: line {line}: `start` is missing; every customer needs a start date"
            )));
        };
        let end = date(end_col, "end")?;
        if let Some(e) = end
            && e < start
        {
            return Err(InputError::new(format!(
                "{source}: line {line}: dates out of order: end {e} is before start {start}"
            )));
        }
        rows.push((line, start, end));
    }
    if rows.is_empty() {
        return Err(InputError::new(format!(
            "{source}: no data rows after the header"
        )));
    }
    let as_of = match as_of {
        Some(d) => {
            let latest = rows
                .iter()
                .map(|&(_, s, e)| e.unwrap_or(s))
                .max()
                .expect("rows is not empty");
            let months = latest.renewals_until(d, true);
            if months > MAX_MONTHS_AFTER_DATA {
                return Err(InputError::new(format!(
                    "{source}: --as-of {d} is {months} months after the latest date in the file ({latest}); at most {MAX_MONTHS_AFTER_DATA} (100 years) are allowed"
                )));
            }
            for &(line, start, end) in &rows {
                let latest = end.unwrap_or(start);
                if latest > d {
                    let which = if end.is_some() { "end" } else { "start" };
                    return Err(InputError::new(format!(
                        "{source}: line {line}: {which} {latest} is after --as-of {d}; the as-of date is when the data were exported, so no date can be later"
                    )));
                }
            }
            d
        }
        None => rows
            .iter()
            .map(|&(_, s, e)| e.unwrap_or(s))
            .max()
            .expect("rows is not empty"),
    };
    let mut lifetimes = Lifetimes::new();
    let mut active = 0;
    for &(_, start, end) in &rows {
        match end {
            Some(e) => lifetimes.add_churned(start.renewals_until(e, false) + 1, 1),
            None => {
                active += 1;
                lifetimes.add_censored(start.renewals_until(as_of, true), 1);
            }
        }
    }
    Ok(Dataset {
        source: source.to_string(),
        observations: Observations::Customers {
            customers: rows.len() as u64,
            active,
            as_of,
        },
        lifetimes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn dates_parse_strictly() {
        assert_eq!(d("2024-02-29"), Date::new(2024, 2, 29).unwrap());
        assert_eq!(d("2024-03-05T10:00:00Z"), d("2024-03-05"));
        assert_eq!(d("2024-03-05 10:00"), d("2024-03-05"));
        assert!(
            Date::parse("2023-02-29")
                .unwrap_err()
                .contains("not a calendar date")
        );
        for bad in [
            "2024-3-5",
            "05/03/2024",
            "2024-03",
            "",
            "+024-01-01",
            "2024-1a-01",
        ] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(d("2024-01-09").to_string(), "2024-01-09");
    }

    #[test]
    fn renewals_fall_on_the_same_day_each_month_clamped_to_month_end() {
        let s = d("2024-01-10");
        assert_eq!(s.renewals_until(d("2024-01-31"), true), 0);
        assert_eq!(s.renewals_until(d("2024-02-09"), true), 0);
        assert_eq!(s.renewals_until(d("2024-02-10"), true), 1);
        assert_eq!(s.renewals_until(d("2024-02-10"), false), 0);
        assert_eq!(s.renewals_until(d("2024-02-11"), false), 1);
        assert_eq!(s.renewals_until(d("2025-01-10"), true), 12);
        // A start on the 31st renews on the last day of shorter months.
        let s = d("2024-01-31");
        assert_eq!(s.renewals_until(d("2024-02-29"), true), 1); // leap year
        assert_eq!(s.renewals_until(d("2024-02-28"), true), 0);
        assert_eq!(s.renewals_until(d("2024-03-30"), true), 1);
        assert_eq!(s.renewals_until(d("2024-03-31"), true), 2);
        assert_eq!(d("2023-01-31").renewals_until(d("2023-02-28"), true), 1);
        // Same day or earlier: nothing.
        assert_eq!(s.renewals_until(s, true), 0);
    }

    #[test]
    fn customer_rows_become_churn_and_censoring() {
        let text = "id,start,end,plan\n\
                    a,2024-01-10,2024-02-10,pro\n\
                    b,2024-01-10,2024-02-11,pro\n\
                    c,2024-01-10,,pro\n\
                    d,2024-03-01,,basic\n";
        let ds = parse_customers(text, "c.csv", Some(d("2024-03-09"))).unwrap();
        let lt = &ds.lifetimes;
        assert_eq!((lt.churned(1), lt.churned(2)), (1, 1));
        assert_eq!((lt.censored(0), lt.censored(1)), (1, 1));
        assert_eq!(
            ds.observations,
            Observations::Customers {
                customers: 4,
                active: 2,
                as_of: d("2024-03-09")
            }
        );
        // Default as-of: the latest date in the file, here 2024-03-01.
        let ds = parse_customers(text, "c.csv", None).unwrap();
        let Observations::Customers { as_of, .. } = ds.observations else {
            panic!()
        };
        assert_eq!(as_of, d("2024-03-01"));
    }

    fn err_s(text: &str) -> String {
        parse_survival(text, "s.csv").unwrap_err().to_string()
    }

    fn err_c(text: &str) -> String {
        parse_customers(text, "c.csv", None)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn survival_tables_with_cohorts_are_fitted_jointly() {
        let text = "cohort,period,alive\n# a comment\nA,0,10\nB,0,5\nA,1,8\nB,1,4\nA,2,7\n\n";
        let ds = parse_survival(text, "s.csv").unwrap();
        let Observations::Survival { cohorts } = &ds.observations else {
            panic!()
        };
        assert_eq!(cohorts.len(), 2);
        assert_eq!(cohorts[0].alive, vec![10, 8, 7]);
        let lt = &ds.lifetimes;
        assert_eq!((lt.churned(1), lt.churned(2)), (3, 1));
        assert_eq!((lt.censored(1), lt.censored(2)), (4, 7));
        assert!(ds.single_cohort().is_none());
        let ds = parse_survival("\u{feff}Period,Alive\n0,10\n1,9.0\n", "s.csv").unwrap();
        assert_eq!(ds.single_cohort(), Some(&[10, 9][..]));
    }

    #[test]
    fn bad_survival_tables_say_where_and_what() {
        assert!(err_s("").contains("s.csv: the file is empty"));
        assert!(err_s("period,alive\n").contains("no data rows"));
        let e = err_s("period,alive\n0,100\n1,90\n2,95\n");
        assert!(
            e.contains("line 4: alive rises from 90 at period 1 to 95"),
            "{e}"
        );
        let e = err_s("period,alive\n0,100\n1,-3\n");
        assert!(e.contains("line 3: `alive` is negative"), "{e}");
        let e = err_s("period,alive\n0,100\n1,\n");
        assert!(e.contains("line 3: `alive` is missing"), "{e}");
        let e = err_s("period,alive\n0,100\n2,80\n");
        assert!(
            e.contains("line 3: expected period 1, got 2: period 1 is missing"),
            "{e}"
        );
        let e = err_s("period,alive\n1,100\n");
        assert!(e.contains("starts at period 0"), "{e}");
        let e = err_s("period,alive\n0,0\n");
        assert!(e.contains("at least 1"), "{e}");
        let e = err_s("period,alive\n0,100\n1,9.5\n");
        assert!(e.contains("whole number"), "{e}");
        let e = err_s("period,alive\n0,100,3\n");
        assert!(e.contains("line 2: 3 fields, but the header has 2"), "{e}");
        let e = err_s("period,alive,notes\n0,100,x\n");
        assert!(e.contains("unknown column `notes`"), "{e}");
        let e = err_s("start,end\n2024-01-01,\n");
        assert!(e.contains("use --format customers"), "{e}");
        let e = err_s("cohort,period,alive\nA,0,10\nA,1,8\nA,1,7\n");
        assert!(
            e.contains("line 4: cohort A: expected period 2, got 1"),
            "{e}"
        );
    }

    #[test]
    fn bad_customer_lists_say_where_and_what() {
        assert!(err_c("").contains("c.csv: the file is empty"));
        assert!(err_c("start,end\n").contains("no data rows"));
        let e = err_c("start,end\n2024-01-01,2023-12-31\n");
        assert!(
            e.contains("line 2: dates out of order: end 2023-12-31 is before start 2024-01-01"),
            "{e}"
        );
        let e = err_c("start,end\n,2024-01-01\n");
        assert!(e.contains("line 2: `start` is missing"), "{e}");
        let e = err_c("start,end\n2024-01-01,\n2024-13-01,\n");
        assert!(
            e.contains("line 3: `start`: 2024-13-01 is not a calendar date"),
            "{e}"
        );
        let e = err_c("begin,end\n2024-01-01,\n");
        assert!(e.contains("no `start` column"), "{e}");
        let e = parse_customers("start,end\n2024-05-01,\n", "c.csv", Some(d("2024-04-30")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 2: start 2024-05-01 is after --as-of 2024-04-30"),
            "{e}"
        );
    }
}
