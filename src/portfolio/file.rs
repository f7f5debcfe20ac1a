//! The portfolio file format (docs/model.md, Portfolios, A portfolio
//! file): TOML in, a checked [`Portfolio`] out.
//!
//! The person's keys (`name`, `description`, `currency`,
//! `horizon_months`, `[owner]`, `[semi_passive]`) are validated by the
//! scenario parser itself, handed a table that holds only them: every
//! uncertain form and every rule of those keys is the scenario's, and its
//! errors name the portfolio file, their source. Each `[[hustle]]` names a
//! scenario, found beside the portfolio file or in the library, overridden
//! through [`Scenario::set`] exactly as `--set` overrides it, and validated
//! on its own.
//!
//! Every error names the portfolio file, and a hustle's error the hustle
//! (`[[hustle]] 2 ("shop.toml")`: its index and its scenario as written).
//! Its source ([`InputError::source_name`]) is the file the bad value is
//! written in: the portfolio file, or the hustle's scenario file for a
//! scenario that is not valid on its own.

use super::keys::{PortfolioSet, Who};
use super::{Hustle, MAX_HUSTLES, Portfolio};
use crate::error::InputError;
use crate::input::{PORTFOLIO_FILE, read_limited};
use crate::model::Model;
use crate::scenario::keys::{SECTIONS, key_kind, suggest};
use crate::scenario::{Scenario, a_type, display_value, library, written};
use std::path::{Path, PathBuf};
use toml::{Table, Value};

/// The top-level key of the hustles, whose presence makes a file a
/// portfolio.
pub const HUSTLE: &str = "hustle";

/// Every top-level key of a portfolio file.
pub const PORTFOLIO_KEYS: [&str; 7] = [
    "name",
    "description",
    "currency",
    "horizon_months",
    "owner",
    "semi_passive",
    HUSTLE,
];

/// The keys of a portfolio's `[owner]`: the person's hours and the worth
/// of an hour.
pub const OWNER_KEYS: [&str; 4] = [
    "capacity_hours_monthly",
    "burnout_hours_monthly",
    "burnout_after_months",
    "hourly_value",
];

/// The keys of a portfolio's `[semi_passive]`, judged on the person's
/// totals.
pub const SEMI_PASSIVE_KEYS: [&str; 4] = [
    "min_net_monthly",
    "max_hours_monthly",
    "min_passivity",
    "sustain_months",
];

/// The keys of one `[[hustle]]`.
pub const HUSTLE_KEYS: [&str; 3] = ["scenario", "start_month", "set"];

/// The owner's keys of the quit rule, which stay each hustle's own.
const QUIT_KEYS: [&str; 2] = ["quit_below_net", "quit_after_months"];

/// How the top-level keys are listed in messages.
const PORTFOLIO_KEY_LIST: &str =
    "name, description, currency, horizon_months, [owner], [semi_passive] and [[hustle]]";

/// Whether TOML text is a portfolio rather than a scenario: it has a
/// top-level `hustle` key (`[[hustle]]` tables), which no scenario has.
/// Text that is not TOML is not a portfolio (reading it as a scenario
/// reports its syntax error).
pub fn is_portfolio(text: &str) -> bool {
    text.contains(HUSTLE) && text.parse::<Table>().is_ok_and(|t| t.contains_key(HUSTLE))
}

/// Whether the file at `path` is a portfolio ([`is_portfolio`]); false
/// for a file that cannot be read (within the size limit) or is not
/// UTF-8, so that reading it as a scenario reports why.
pub fn is_portfolio_file(path: &Path) -> bool {
    if !path.is_file() {
        return false;
    }
    read_limited(path, PORTFOLIO_FILE, |e| InputError::new(e.to_string()))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .is_some_and(|text| is_portfolio(&text))
}

impl Portfolio {
    /// The portfolio a command's argument names, if it names one: a
    /// portfolio file, or, when no file of that name exists, a portfolio of
    /// the built-in library (whose hustles are library scenarios). `None`
    /// for anything else, which is then read as a scenario.
    pub fn locate(arg: &Path) -> Option<Result<Portfolio, InputError>> {
        if is_portfolio_file(arg) {
            return Some(Self::load(arg));
        }
        if arg.exists() {
            return None;
        }
        let name = arg.to_str()?;
        let text = crate::scenario::library::find_portfolio(name)?;
        let stem = name.strip_suffix(".toml").unwrap_or(name);
        Some(Self::parse(
            text,
            &format!("library portfolio {stem}"),
            stem,
            None,
        ))
    }

    /// Reads and validates a portfolio file; the scenarios it names are
    /// found relative to the file's folder, else in the library.
    pub fn load(path: &Path) -> Result<Portfolio, InputError> {
        Self::load_with(path, &[])
    }

    /// [`Portfolio::load`] with changes to its keys
    /// ([`Portfolio::parse_with`]).
    pub fn load_with(path: &Path, with: &[PortfolioSet]) -> Result<Portfolio, InputError> {
        let source = path.display().to_string();
        if path.is_dir() {
            return Err(
                InputError::new(format!("{source}: is a directory, not a portfolio file"))
                    .with_source(&source)
                    .with_allowed("a portfolio file"),
            );
        }
        let cannot_read = |e: std::io::Error| {
            InputError::new(format!("{source}: cannot read the portfolio: {e}"))
                .with_source(&source)
        };
        let text = crate::input::read_text_limited(path, PORTFOLIO_FILE, cannot_read)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "portfolio".into());
        let base = path.parent().unwrap_or(Path::new(""));
        Self::parse_with(&text, &source, &stem, Some(base), with)
    }

    /// Validates portfolio text. `source` names it in messages, `stem` is
    /// its output folder's default name, and `base_dir` is the folder its
    /// hustles' scenario paths are relative to; `None` for a portfolio of
    /// the library, whose hustles are library scenarios.
    pub fn parse(
        text: &str,
        source: &str,
        stem: &str,
        base_dir: Option<&Path>,
    ) -> Result<Portfolio, InputError> {
        Self::parse_with(text, source, stem, base_dir, &[])
    }

    /// [`Portfolio::parse`], then the changes `with` applied, in order: a
    /// person's key as if written in the portfolio's `[owner]` or
    /// `[semi_passive]`, a hustle's key as `--set` applies it to the
    /// hustle's scenario after its own `set` (a key both give takes the
    /// later value). The portfolio must be valid as written; an error that
    /// the changes cause names the portfolio, the hustle and the key as
    /// written (`hustle.2.churn.monthly`).
    pub fn parse_with(
        text: &str,
        source: &str,
        stem: &str,
        base_dir: Option<&Path>,
        with: &[PortfolioSet],
    ) -> Result<Portfolio, InputError> {
        let table: Table = text.parse().map_err(|e: toml::de::Error| {
            InputError::new(format!("{source}: {}", e.to_string().trim_end())).with_source(source)
        })?;
        Reader {
            source,
            table: &table,
            base_dir,
            set_order: set_order(text),
            with,
        }
        .read(stem)
    }
}

struct Reader<'a> {
    source: &'a str,
    table: &'a Table,
    base_dir: Option<&'a Path>,
    /// Each hustle's overridden keys in file order (the TOML table this
    /// module reads keeps no order).
    set_order: Vec<Vec<String>>,
    /// Changes applied after the file is read.
    with: &'a [PortfolioSet],
}

impl Reader<'_> {
    /// An error in `key` of the portfolio file.
    fn err(&self, key: &str, msg: impl std::fmt::Display) -> InputError {
        InputError::for_key(self.source, key, msg)
    }

    fn read(&self, stem: &str) -> Result<Portfolio, InputError> {
        self.check_keys()?;
        if self.table.get("name").is_none() {
            return Err(self.err(
                "name",
                "`name` is required (e.g. name = \"my side businesses\")",
            ));
        }
        let items = self.hustle_tables()?;
        if let Some(s) = self.with.iter().find(|s| match s.key.who {
            Who::Hustle(n) => n == 0 || n > items.len(),
            Who::Person => false,
        }) {
            return Err(self
                .err(
                    &s.key.written(),
                    format!(
                        "{}: the portfolio has {} hustles; N counts them from 1",
                        s.written(),
                        items.len()
                    ),
                )
                .with_value(&s.value)
                .with_allowed(super::keys::allowed(items.len())));
        }
        let person = self.person(stem)?;
        let horizon = person.horizon_months;
        let mut hustles = Vec::with_capacity(items.len());
        for (j, t) in items.into_iter().enumerate() {
            let order = self.set_order.get(j).map_or(&[][..], Vec::as_slice);
            hustles.push(self.hustle(j + 1, t, horizon, &person.currency, order)?);
        }
        Ok(Portfolio {
            source: self.source.to_string(),
            stem: stem.to_string(),
            name: person.name.clone(),
            description: person.description.clone(),
            currency: person.currency.clone(),
            horizon_months: horizon,
            person,
            hustles,
        })
    }

    /// Every key must be a portfolio's; `[owner]` and `[semi_passive]` may
    /// hold only the person's keys.
    fn check_keys(&self) -> Result<(), InputError> {
        for (k, v) in self.table {
            if PORTFOLIO_KEYS.contains(&k.as_str()) {
                continue;
            }
            let e = if k == "correlation" {
                self.err(
                    k,
                    "[[correlation]] is not part of a portfolio: correlations are between one \
                     scenario's own parameters; write them in the hustle's scenario file",
                )
            } else {
                let msg = match nearest(k, &PORTFOLIO_KEYS) {
                    Some(near) => format!("unknown key `{k}`; did you mean `{near}`?"),
                    None if SECTIONS.contains(&k.as_str()) || key_kind(k).is_some() => format!(
                        "unknown key `{k}`; a portfolio takes {PORTFOLIO_KEY_LIST}: a hustle's \
                         scenario keys go in its scenario file or its set"
                    ),
                    None => format!("unknown key `{k}`; a portfolio takes {PORTFOLIO_KEY_LIST}"),
                };
                self.err(k, msg)
            };
            return Err(e.with_value(written(v)).with_allowed(PORTFOLIO_KEY_LIST));
        }
        for (section, keys) in [("owner", &OWNER_KEYS), ("semi_passive", &SEMI_PASSIVE_KEYS)] {
            // A section that is not a table is the scenario parser's to
            // report.
            let Some(Value::Table(t)) = self.table.get(section) else {
                continue;
            };
            let allowed = keys.join(", ");
            for (k, v) in t {
                if keys.contains(&k.as_str()) {
                    continue;
                }
                let path = format!("{section}.{k}");
                let msg = if section == "owner" && QUIT_KEYS.contains(&k.as_str()) {
                    format!(
                        "{path} is not part of a portfolio's [owner]: quitting is each hustle's \
                         own rule, in its scenario (or its set); the person's [owner] takes \
                         {allowed}"
                    )
                } else {
                    match nearest(k, keys) {
                        Some(near) => {
                            format!("unknown key `{path}`; did you mean `{section}.{near}`?")
                        }
                        None => format!(
                            "unknown key `{path}`; a portfolio's [{section}] takes {allowed}"
                        ),
                    }
                };
                return Err(self
                    .err(&path, msg)
                    .with_value(written(v))
                    .with_allowed(allowed));
            }
        }
        Ok(())
    }

    /// The `[[hustle]]` tables: 1 to [`MAX_HUSTLES`] of them.
    fn hustle_tables(&self) -> Result<Vec<&Table>, InputError> {
        let how = "[[hustle]] tables, each with scenario = \"FILE\"";
        let allowed = format!("1 to {MAX_HUSTLES} {how}");
        let items = match self.table.get(HUSTLE) {
            None => &[][..],
            Some(Value::Array(items)) => items.as_slice(),
            Some(v) => {
                let shown = match v {
                    Value::Table(_) => "a single table ([hustle])".to_string(),
                    other => a_type(other),
                };
                return Err(self
                    .err(HUSTLE, format!("hustles are written as {how}, got {shown}"))
                    .with_value(written(v))
                    .with_allowed(allowed));
            }
        };
        if items.is_empty() {
            return Err(self
                .err(
                    HUSTLE,
                    format!("a portfolio needs at least one hustle: {how}"),
                )
                .with_value("0")
                .with_allowed(allowed));
        }
        if items.len() > MAX_HUSTLES {
            return Err(self
                .err(
                    HUSTLE,
                    format!(
                        "{} [[hustle]] tables; a portfolio may have at most {MAX_HUSTLES} hustles",
                        items.len()
                    ),
                )
                .with_value(items.len().to_string())
                .with_allowed(allowed));
        }
        items
            .iter()
            .enumerate()
            .map(|(j, v)| match v {
                Value::Table(t) => Ok(t),
                other => Err(self
                    .err(
                        HUSTLE,
                        format!(
                            "[[hustle]] {} must be a table with scenario = \"FILE\", got {}",
                            j + 1,
                            a_type(other)
                        ),
                    )
                    .with_value(written(other))
                    .with_allowed(allowed.clone())),
            })
            .collect()
    }

    /// The person as a model: the scenario parser's reading of a table
    /// holding only the portfolio's own keys. Its setup months are 0, so
    /// that every horizon the portfolio may have is valid.
    fn person(&self, stem: &str) -> Result<Model, InputError> {
        let mut person = Table::new();
        for k in PORTFOLIO_KEYS.iter().filter(|k| **k != HUSTLE) {
            if let Some(v) = self.table.get(*k) {
                person.insert(k.to_string(), v.clone());
            }
        }
        let setup = Table::from_iter([("months".to_string(), Value::Integer(0))]);
        person.insert("setup".into(), Value::Table(setup));
        let mut scenario = Scenario::from_table(person, self.source, stem);
        let model = scenario.model()?;
        let mut changed = false;
        for s in self.with.iter().filter(|s| s.key.who == Who::Person) {
            scenario
                .set(&s.assignment())
                .map_err(|e| self.changed(&e, s, "", self.source))?;
            changed = true;
        }
        if !changed {
            return Ok(model);
        }
        scenario.model().map_err(|e| {
            let s = self
                .with
                .iter()
                .rev()
                .find(|s| s.key.who == Who::Person && Some(s.key.key.as_str()) == e.key())
                .or_else(|| self.with.iter().rfind(|s| s.key.who == Who::Person))
                .expect("a person's change");
            self.changed(&e, s, "", self.source)
        })
    }

    /// An error that change `s` causes: the message of `e` (a `--set` or
    /// validation error of the person's or the hustle's scenario, read
    /// from `scenario_source`) after the portfolio's name and `at` (the
    /// hustle, or nothing for the person), naming the key as written and
    /// keeping the value and what is allowed.
    fn changed(
        &self,
        e: &InputError,
        s: &PortfolioSet,
        at: &str,
        scenario_source: &str,
    ) -> InputError {
        let tail = e.message();
        let tail = tail
            .strip_prefix(&format!("--set {}: ", s.assignment()))
            .unwrap_or(tail);
        let tail = tail
            .strip_prefix(&format!("{scenario_source}: "))
            .unwrap_or(tail);
        let key = match (s.key.who, e.key()) {
            (Who::Hustle(n), Some(k)) => format!("hustle.{n}.{k}"),
            (Who::Person, Some(k)) => k.to_string(),
            (_, None) => s.key.written(),
        };
        let mut out = InputError::new(format!("{}: {at}{tail}", self.source))
            .with_source(self.source)
            .with_key(key)
            .with_value(e.value().unwrap_or(&s.value));
        if let Some(a) = e.allowed() {
            out = out.with_allowed(a);
        }
        out
    }

    /// `[[hustle]] n`, its scenario loaded, overridden, validated on its
    /// own and given the months it runs in the portfolio.
    fn hustle(
        &self,
        n: usize,
        t: &Table,
        horizon: u32,
        currency: &str,
        order: &[String],
    ) -> Result<Hustle, InputError> {
        let at = match t.get("scenario").and_then(Value::as_str) {
            Some(s) => format!("[[hustle]] {n} ({})", written(&Value::String(s.into()))),
            None => format!("[[hustle]] {n}"),
        };
        let err = |key: &str, msg: String| self.err(key, format!("{at}: {msg}"));
        for (k, v) in t {
            if HUSTLE_KEYS.contains(&k.as_str()) {
                continue;
            }
            let msg = match nearest(k, &HUSTLE_KEYS) {
                Some(near) => format!("unknown key `{k}`; did you mean `{near}`?"),
                None => format!(
                    "unknown key `{k}`; a [[hustle]] takes scenario, start_month and set \
                     (a scenario key goes in its set)"
                ),
            };
            return Err(err(&format!("hustle.{k}"), msg)
                .with_value(written(v))
                .with_allowed("scenario, start_month and set"));
        }
        let scenario_allowed = "a scenario file (relative to the portfolio's folder) or a \
                                library scenario's name, in quotes";
        let name = match t.get("scenario") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(v) => {
                return Err(err(
                    "hustle.scenario",
                    format!(
                        "scenario must name a scenario file or library scenario, got {}",
                        display_value(v)
                    ),
                )
                .with_value(written(v))
                .with_allowed(scenario_allowed));
            }
            None => {
                return Err(err(
                    "hustle.scenario",
                    "needs scenario = \"FILE\", the scenario it runs: a file (relative to the \
                     portfolio's folder) or a library scenario's name"
                        .into(),
                )
                .with_allowed(scenario_allowed));
            }
        };
        let start = self.start_month(t, horizon, &err)?;
        let overrides = self.overrides(t, order, &err)?;
        let (mut scenario, path) = self.resolve(&name, &at)?;
        if scenario.table().contains_key(HUSTLE) {
            let itself = path
                .as_ref()
                .is_some_and(|p| same_file(p, Path::new(self.source)));
            let msg = if itself {
                "names this portfolio itself; a hustle runs a scenario".to_string()
            } else {
                format!(
                    "{} is a portfolio, not a scenario; a hustle runs a scenario (portfolios do \
                     not nest)",
                    scenario.source
                )
            };
            return Err(err("hustle.scenario", msg)
                .with_value(written(&Value::String(name)))
                .with_allowed("a scenario, not a portfolio"));
        }
        for (key, v) in &overrides {
            let assignment = format!("{key}={}", written(v));
            scenario.set(&assignment).map_err(|e| {
                let tail = e
                    .message()
                    .strip_prefix(&format!("--set {assignment}: "))
                    .unwrap_or(e.message());
                rewrap(
                    &e,
                    format!("{}: {at}: set: {tail}", self.source),
                    self.source,
                )
            })?;
        }
        let mut model = scenario.model().map_err(|e| {
            if e.source_name() == Some("--set") {
                // The bad value is an override: the portfolio's.
                let tail = e
                    .message()
                    .strip_prefix(&format!("{}: ", scenario.source))
                    .unwrap_or(e.message());
                rewrap(
                    &e,
                    format!("{}: {at}: set: {tail}", self.source),
                    self.source,
                )
            } else {
                let with_set = if overrides.is_empty() {
                    ""
                } else {
                    " with its set"
                };
                let source = e.source_name().unwrap_or(self.source).to_string();
                let mut wrapped = rewrap(
                    &e,
                    format!(
                        "{}: {at}: the scenario is not valid{with_set}: {}",
                        self.source,
                        e.message()
                    ),
                    &source,
                );
                if wrapped.key().is_none() {
                    wrapped = wrapped.with_key("hustle.scenario");
                }
                wrapped
            }
        })?;
        let mut overrides: Vec<String> = overrides
            .iter()
            .map(|(k, v)| format!("{k}={}", written(v)))
            .collect();
        let changes: Vec<&PortfolioSet> = self
            .with
            .iter()
            .filter(|s| s.key.who == Who::Hustle(n))
            .collect();
        if !changes.is_empty() {
            let at = format!("{at}: ");
            for s in &changes {
                scenario
                    .set(&s.assignment())
                    .map_err(|e| self.changed(&e, s, &at, &scenario.source))?;
                // The later value of a key stands in the hustle's
                // overrides, where the file's set gave it.
                let assignment = format!("{}={}", s.key.key, s.value);
                match overrides
                    .iter()
                    .position(|o| o.split_once('=').map(|(k, _)| k) == Some(&s.key.key))
                {
                    Some(i) => overrides[i] = assignment,
                    None => overrides.push(assignment),
                }
            }
            model = scenario.model().map_err(|e| {
                let s = changes
                    .iter()
                    .rev()
                    .find(|s| Some(s.key.key.as_str()) == e.key())
                    .unwrap_or(changes.last().expect("a change"));
                self.changed(&e, s, &at, &scenario.source)
            })?;
        }
        if model.currency != currency {
            let theirs = written(&Value::String(model.currency.clone()));
            let ours = written(&Value::String(currency.to_string()));
            return Err(err(
                "currency",
                format!(
                    "the scenario's currency is {theirs} and the portfolio's is {ours}; every \
                     hustle's currency must be the portfolio's (change one, or give the hustle \
                     set = {{ currency = {ours} }})"
                ),
            )
            .with_value(theirs)
            .with_allowed(format!("{ours}, the portfolio's currency")));
        }
        model.horizon_months = horizon - start + 1;
        Ok(Hustle {
            scenario: name,
            path,
            start_month: start,
            overrides,
            model,
        })
    }

    /// `start_month`: a whole number within 1..=H, 1 when absent.
    fn start_month(
        &self,
        t: &Table,
        horizon: u32,
        err: &impl Fn(&str, String) -> InputError,
    ) -> Result<u32, InputError> {
        let key = "hustle.start_month";
        let range = format!("1..={horizon}");
        let v = match t.get("start_month") {
            None => return Ok(1),
            Some(Value::Integer(i)) => *i,
            Some(Value::Float(f)) if f.fract() == 0.0 && f.abs() < 1e15 => *f as i64,
            Some(v) => {
                return Err(err(
                    key,
                    format!(
                        "start_month must be a whole number within {range} (the portfolio's \
                         horizon_months is {horizon}), got {}",
                        display_value(v)
                    ),
                )
                .with_value(written(v))
                .with_allowed(format!("a whole number within {range}")));
            }
        };
        if !(1..=i64::from(horizon)).contains(&v) {
            return Err(err(
                key,
                format!(
                    "start_month must be within {range} (the portfolio's horizon_months is \
                     {horizon}), got {v}"
                ),
            )
            .with_value(v.to_string())
            .with_allowed(format!("within {range}")));
        }
        Ok(v as u32)
    }

    /// The overrides of `set`, flattened to dotted keys in file order:
    /// each a scenario key, given once.
    fn overrides<'t>(
        &self,
        t: &'t Table,
        order: &[String],
        err: &impl Fn(&str, String) -> InputError,
    ) -> Result<Vec<(String, &'t Value)>, InputError> {
        let example = "set = { \"churn.monthly\" = 0.08 }";
        let set = match t.get("set") {
            None => return Ok(Vec::new()),
            Some(Value::Table(set)) => set,
            Some(v) => {
                return Err(err(
                    "hustle.set",
                    format!(
                        "set must be a table of scenario keys and their values, as {example}, \
                         got {}",
                        a_type(v)
                    ),
                )
                .with_value(written(v))
                .with_allowed(format!("a table of scenario keys, as {example}")));
            }
        };
        let mut out = Vec::new();
        flatten("", set, &mut out);
        out.sort_by_key(|(k, _)| order.iter().position(|o| o == k).unwrap_or(usize::MAX));
        for (i, (key, v)) in out.iter().enumerate() {
            if key_kind(key).is_none() {
                let msg = match suggest(key) {
                    Some(s) => format!("set: unknown key `{key}`; did you mean `{s}`?"),
                    None => format!(
                        "set: unknown key `{key}`; a set takes scenario keys, such as \
                         churn.monthly (`hustle-sim new FILE` writes every one)"
                    ),
                };
                return Err(err(key, msg)
                    .with_value(written(v))
                    .with_allowed(suggest(key).unwrap_or("a scenario key")));
            }
            if out[..i].iter().any(|(k, _)| k == key) {
                return Err(
                    err(key, format!("set gives {key} twice; give each key once"))
                        .with_value(written(v))
                        .with_allowed("each key once"),
                );
            }
        }
        Ok(out)
    }

    /// The scenario `name` names: the file of that path relative to the
    /// portfolio's folder when there is one, else the library scenario of
    /// that name. A library portfolio (no folder) finds its hustles in the
    /// library only.
    fn resolve(&self, name: &str, at: &str) -> Result<(Scenario, Option<PathBuf>), InputError> {
        let shown = written(&Value::String(name.into()));
        if let Some(base) = self.base_dir {
            let path = base.join(name);
            if path.exists() {
                return match Scenario::from_file(&path) {
                    Ok(s) => Ok((s, Some(path))),
                    Err(e) => {
                        let source = e.source_name().unwrap_or(self.source).to_string();
                        let mut wrapped = rewrap(
                            &e,
                            format!("{}: {at}: {}", self.source, e.message()),
                            &source,
                        );
                        if wrapped.key().is_none() {
                            wrapped = wrapped.with_key("hustle.scenario").with_value(shown);
                        }
                        Err(wrapped)
                    }
                };
            }
        }
        if let Some(text) = library::find(name) {
            let stem = name.strip_suffix(".toml").unwrap_or(name);
            let s = Scenario::parse(text, &format!("{stem} (built-in library)"), stem)?;
            return Ok((s, None));
        }
        let msg = match self.base_dir {
            Some(base) => format!(
                "no scenario file {} (a hustle's path is relative to the portfolio's folder), \
                 nor a library scenario of that name (`hustle-sim list` shows them)",
                base.join(name).display()
            ),
            None => "no library scenario of that name; the hustles of a library portfolio are \
                     library scenarios (`hustle-sim list` shows them)"
                .to_string(),
        };
        Err(self
            .err("hustle.scenario", format!("{at}: {msg}"))
            .with_value(shown)
            .with_allowed(format!(
                "a scenario file, or a library scenario: {}",
                library::names()
            )))
    }
}

/// `e` with a new message and source, its key, value and what is allowed
/// kept.
fn rewrap(e: &InputError, message: String, source: &str) -> InputError {
    let mut out = InputError::new(message).with_source(source);
    if let Some(k) = e.key() {
        out = out.with_key(k);
    }
    if let Some(v) = e.value() {
        out = out.with_value(v);
    }
    if let Some(a) = e.allowed() {
        out = out.with_allowed(a);
    }
    out
}

/// The dotted keys of a `set` table and their values: a table is a value
/// where its path is a scenario key (`{ dist = ... }`) and a section of
/// further keys elsewhere (`{ churn = { monthly = 0.08 } }`).
fn flatten<'t>(prefix: &str, t: &'t Table, out: &mut Vec<(String, &'t Value)>) {
    for (k, v) in t {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Table(inner) if key_kind(&path).is_none() => flatten(&path, inner, out),
            _ => out.push((path, v)),
        }
    }
}

/// Each hustle's `set` keys, flattened as [`flatten`] does, in the order
/// the file writes them (empty where the text does not read as expected:
/// the keys then keep their table order).
fn set_order(text: &str) -> Vec<Vec<String>> {
    use toml_edit::{Document, Item, TableLike};
    fn walk(prefix: &str, t: &dyn TableLike, out: &mut Vec<String>) {
        for (k, item) in t.iter() {
            let path = if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            };
            match item.as_table_like() {
                Some(inner) if key_kind(&path).is_none() => walk(&path, inner, out),
                _ => out.push(path),
            }
        }
    }
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Ok(doc) = Document::parse(body) else {
        return Vec::new();
    };
    let hustles: Vec<Option<&dyn TableLike>> = match doc.get(HUSTLE) {
        Some(Item::ArrayOfTables(a)) => a.iter().map(|t| Some(t as &dyn TableLike)).collect(),
        Some(Item::Value(toml_edit::Value::Array(a))) => a
            .iter()
            .map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
            .collect(),
        _ => Vec::new(),
    };
    hustles
        .into_iter()
        .map(|t| {
            let mut keys = Vec::new();
            if let Some(set) = t.and_then(|t| t.get("set")).and_then(Item::as_table_like) {
                walk("", set, &mut keys);
            }
            keys
        })
        .collect()
}

/// The candidate nearest to `word`, if near enough to be a plausible typo
/// (as scenario keys are suggested).
fn nearest<'k>(word: &str, candidates: &[&'k str]) -> Option<&'k str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), *c))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score >= 0.8)
        .map(|(_, c)| c)
}

/// Whether two paths name the same file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
