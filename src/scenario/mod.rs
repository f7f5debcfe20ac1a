//! The scenario file format: TOML in, a checked [`Model`] out.
//!
//! Parsing and validation are kept apart: a file becomes a `toml::Table`
//! (syntax errors carry line and column), `--set` overrides edit that table
//! by dotted key, and [`Scenario::model`] walks it against the key registry
//! in [`keys`], so that every error names its source and key path and an
//! unknown key gets the nearest valid one suggested.

pub mod keys;
pub mod library;
pub mod template;
pub mod uncertain;

use crate::churn::SbgForm;
use crate::error::InputError;
use crate::model::{AcquisitionModel, ChurnModel, Correlation, Model, Origin, bound_in};
use keys::{Bound, KeyKind, MAX_MAGNITUDE, NPARAMS, Param, SECTIONS, key_kind, suggest};
use std::collections::BTreeSet;
use std::path::Path;
use toml::{Table, Value};
use uncertain::{SpecError, Uncertain};

/// Longest `name` (and `currency`) a scenario may have, in characters: a
/// title that charts and tables can still show.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest `description`, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// The built-in default scenario, compiled into the binary.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/niche-saas-tool.toml");
/// File stem of the built-in default scenario (its output folder's name).
pub const DEFAULT_STEM: &str = "niche-saas-tool";

/// A scenario as read, before validation, with any overrides applied.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Where it came from, for error messages: a path or "built-in default".
    pub source: String,
    /// File stem, for default output folder names.
    pub stem: String,
    table: Table,
    overridden: BTreeSet<String>,
}

impl Scenario {
    /// Parses scenario text.
    pub fn parse(text: &str, source: &str, stem: &str) -> Result<Self, InputError> {
        let table: Table = text.parse().map_err(|e: toml::de::Error| {
            InputError::new(format!("{source}: {}", e.to_string().trim_end())).with_source(source)
        })?;
        Ok(Self::from_table(table, source, stem))
    }

    /// A scenario of an already parsed table (a portfolio's person is one).
    pub(crate) fn from_table(table: Table, source: &str, stem: &str) -> Self {
        Scenario {
            source: source.to_string(),
            stem: stem.to_string(),
            table,
            overridden: BTreeSet::new(),
        }
    }

    /// The table as read, with the overrides applied so far.
    pub(crate) fn table(&self) -> &Table {
        &self.table
    }

    /// Reads and parses a scenario file.
    pub fn from_file(path: &Path) -> Result<Self, InputError> {
        let source = path.display().to_string();
        if path.is_dir() {
            return Err(InputError::new(format!(
                "{source}: is a directory, not a scenario file (try `hustle-sim list {source}`)"
            ))
            .with_source(source)
            .with_allowed("a scenario file"));
        }
        let cannot_read = |e: std::io::Error| {
            InputError::new(format!("{source}: cannot read the scenario: {e}")).with_source(&source)
        };
        let text = crate::input::read_text_limited(path, crate::input::SCENARIO_FILE, cannot_read)?;
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "scenario".into());
        Self::parse(&text, &source, &stem)
    }

    /// The scenario an argument names: the file at `arg` when there is
    /// one, else the library scenario of that name ([`library`]), else the
    /// error of reading the file, with a pointer to the library.
    pub fn locate(arg: &Path) -> Result<Self, InputError> {
        let e = match Self::from_file(arg) {
            Ok(s) => return Ok(s),
            Err(e) if arg.exists() => return Err(e),
            Err(e) => e,
        };
        let name = arg.to_string_lossy();
        if let Some(text) = library::find(&name) {
            let stem = name.strip_suffix(".toml").unwrap_or(&name).to_string();
            return Self::parse(text, &format!("{stem} (built-in library)"), &stem);
        }
        let mut hint = InputError::new(format!(
            "{}; nor is it a library scenario (`hustle-sim list` shows them)",
            e.message()
        ))
        .with_allowed(format!(
            "a scenario file, or a library scenario: {}",
            library::names()
        ));
        if let Some(source) = e.source_name() {
            hint = hint.with_source(source);
        }
        Err(hint)
    }

    /// The built-in default scenario.
    pub fn builtin_default() -> Self {
        Self::parse(DEFAULT_SCENARIO, "built-in default scenario", DEFAULT_STEM)
            .expect("the built-in scenario parses")
    }

    /// Applies `KEY=VALUE`, where VALUE is a TOML value (a bare word is taken
    /// as a string; an empty VALUE removes the key).
    pub fn set(&mut self, assignment: &str) -> Result<(), InputError> {
        let origin = format!("--set {assignment}");
        let Some((key, raw)) = assignment.split_once('=') else {
            return Err(InputError::new(format!(
                "{origin}: expected KEY=VALUE, e.g. churn.monthly=0.08"
            ))
            .with_source("--set")
            .with_value(assignment)
            .with_allowed("KEY=VALUE"));
        };
        let key = key.trim();
        let raw = raw.trim();
        let err = |msg: String| {
            InputError::new(format!("{origin}: {msg}"))
                .with_source("--set")
                .with_key(key)
                .with_value(raw)
        };
        if key_kind(key).is_none() {
            return Err(unknown_key(err(unknown_key_message(key)), key));
        }
        let (section, leaf) = match key.split_once('.') {
            Some((s, l)) => (Some(s), l),
            None => (None, key),
        };
        let target = match section {
            None => &mut self.table,
            Some(s) => {
                let entry = self
                    .table
                    .entry(s.to_string())
                    .or_insert_with(|| Value::Table(Table::new()));
                match entry {
                    Value::Table(t) => t,
                    other => {
                        return Err(err(format!(
                            "`{s}` in the scenario is {}, not a section",
                            a_type(other)
                        )));
                    }
                }
            }
        };
        if raw.is_empty() {
            target.remove(leaf);
        } else {
            target.insert(leaf.to_string(), parse_toml_value(raw));
        }
        self.overridden.insert(key.to_string());
        Ok(())
    }

    /// The keys overridden (`--set`, a `--with` variant, a sweep's value),
    /// each as `KEY=VALUE` with its final value written as TOML (an empty
    /// value for a key removed), in key order: what a run that differs
    /// from its file reports, and what its default output folder is
    /// named after ([`crate::output::tweaked_stem`]). Empty for the file
    /// as it is.
    pub fn overrides(&self) -> Vec<String> {
        self.overridden
            .iter()
            .map(|key| {
                let value = match key.split_once('.') {
                    Some((s, k)) => self.table.get(s).and_then(|t| t.get(k)),
                    None => self.table.get(key.as_str()),
                };
                format!("{key}={}", value.map(written).unwrap_or_default())
            })
            .collect()
    }

    /// Validates the scenario into a [`Model`].
    pub fn model(&self) -> Result<Model, InputError> {
        Builder {
            source: &self.source,
            table: &self.table,
            overridden: &self.overridden,
        }
        .build()
    }
}

/// A `--set` value: TOML if it parses as such, else the text as a string
/// (so `--set churn.model=sbg` and `--set 'acquisition.rate=5 to 15'` work
/// without inner quotes).
fn parse_toml_value(raw: &str) -> Value {
    format!("v = {raw}")
        .parse::<Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(raw.to_string()))
}

fn unknown_key_message(path: &str) -> String {
    match suggest(path) {
        Some(s) => format!("unknown key `{path}`; did you mean `{s}`?"),
        None => format!(
            "unknown key `{path}`; valid sections are {}",
            section_list()
        ),
    }
}

/// An unknown-key error with what is allowed, where its message lists it.
fn unknown_key(e: InputError, path: &str) -> InputError {
    match suggest(path) {
        Some(_) => e,
        None => e.with_allowed(section_list()),
    }
}

/// "[name], [horizon], ...": every section, as error messages list them.
fn section_list() -> String {
    SECTIONS.map(|s| format!("[{s}]")).join(", ")
}

/// What an uncertain parameter may be, as its error messages say.
const UNCERTAIN_FORMS: &str = uncertain::FORMS;

/// A value as written in TOML (text in quotes, tables inline).
pub(crate) fn written(v: &Value) -> String {
    match v {
        Value::Table(t) => {
            let fields: Vec<_> = t
                .iter()
                .map(|(k, v)| format!("{k} = {}", written(v)))
                .collect();
            format!("{{ {} }}", fields.join(", "))
        }
        Value::Array(a) => {
            let items: Vec<_> = a.iter().map(written).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

struct Builder<'a> {
    source: &'a str,
    table: &'a Table,
    overridden: &'a BTreeSet<String>,
}

impl Builder<'_> {
    /// An error in `key`: the message is prefixed with the scenario's
    /// source, as every scenario error is; the structured source is `--set`
    /// when the key's value came from an override.
    fn err(&self, key: &str, msg: impl std::fmt::Display) -> InputError {
        let e = InputError::for_key(self.source, key, msg);
        if self.overridden.contains(key) {
            e.with_source("--set")
        } else {
            e
        }
    }

    fn get(&self, path: &str) -> Option<&Value> {
        match path.split_once('.') {
            Some((s, k)) => self.table.get(s)?.as_table()?.get(k),
            None => self.table.get(path),
        }
    }

    fn section_present(&self, s: &str) -> bool {
        self.table.get(s).is_some()
    }

    /// Every key present must be known, and sections must be tables.
    fn check_keys(&self) -> Result<(), InputError> {
        for (k, v) in self.table {
            if k == crate::portfolio::file::HUSTLE {
                return Err(self
                    .err(
                        k,
                        "is a portfolio ([[hustle]] tables), not a scenario; this command takes scenarios",
                    )
                    .with_allowed("a scenario"));
            }
            if SECTIONS.contains(&k.as_str()) {
                let Value::Table(t) = v else {
                    return Err(self
                        .err(
                            k,
                            format!("`{k}` must be a section ([{k}]), got {}", a_type(v)),
                        )
                        .with_value(written(v))
                        .with_allowed(format!("a section ([{k}])")));
                };
                for sk in t.keys() {
                    let path = format!("{k}.{sk}");
                    if key_kind(&path).is_none() {
                        return Err(unknown_key(
                            self.err(&path, unknown_key_message(&path)),
                            &path,
                        ));
                    }
                }
            } else if let Value::Table(_) = v {
                // An unknown section: suggest the nearest section.
                let near = SECTIONS
                    .iter()
                    .map(|s| (strsim::jaro_winkler(k, s), *s))
                    .max_by(|a, b| a.0.total_cmp(&b.0))
                    .filter(|(score, _)| *score >= 0.8);
                return Err(match near {
                    Some((_, s)) => {
                        self.err(k, format!("unknown section [{k}]; did you mean [{s}]?"))
                    }
                    None => self
                        .err(
                            k,
                            format!(
                                "unknown section [{k}]; valid sections are {}",
                                section_list()
                            ),
                        )
                        .with_allowed(section_list()),
                });
            } else if k == CORRELATION {
                // Checked with the parameters it names (`correlations`).
            } else if key_kind(k).is_none() || k.contains('.') {
                if strsim::jaro_winkler(k, CORRELATION) >= 0.8 {
                    return Err(self.err(
                        k,
                        format!("unknown key `{k}`; did you mean [[{CORRELATION}]]?"),
                    ));
                }
                return Err(unknown_key(self.err(k, unknown_key_message(k)), k));
            }
        }
        Ok(())
    }

    fn text(&self, path: &str) -> Result<Option<String>, InputError> {
        match self.get(path) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(self
                .err(
                    path,
                    format!("{path} must be text (in quotes), got {}", a_type(v)),
                )
                .with_value(written(v))
                .with_allowed("text (in quotes)")),
        }
    }

    fn integer(&self, path: &str, default: i64) -> Result<i64, InputError> {
        let Some(KeyKind::Integer { min, max }) = key_kind(path) else {
            unreachable!("{path} is an integer key")
        };
        let v = match self.get(path) {
            None => return Ok(default),
            Some(Value::Integer(i)) => *i,
            Some(Value::Float(f)) if f.fract() == 0.0 && f.is_finite() => *f as i64,
            Some(v) => {
                return Err(self
                    .err(
                        path,
                        format!(
                            "{path} must be a whole number within {min}..={max}, got {}",
                            display_value(v)
                        ),
                    )
                    .with_value(written(v))
                    .with_allowed(format!("a whole number within {min}..={max}")));
            }
        };
        if !(min..=max).contains(&v) {
            return Err(self
                .err(
                    path,
                    format!("{path} must be within {min}..={max}, got {v}"),
                )
                .with_value(v.to_string())
                .with_allowed(format!("within {min}..={max}")));
        }
        Ok(v)
    }

    fn choice(&self, path: &str, default: &'static str) -> Result<&'static str, InputError> {
        let Some(KeyKind::Choice(options)) = key_kind(path) else {
            unreachable!("{path} is a choice key")
        };
        let one_of = || {
            let names: Vec<_> = options.iter().map(|o| format!("\"{o}\"")).collect();
            format!("one of {}", names.join(" or "))
        };
        let wrong = |v: &Value, shown: String| {
            self.err(path, format!("{path} must be {}, got {shown}", one_of()))
                .with_value(written(v))
                .with_allowed(one_of())
        };
        match self.get(path) {
            None => Ok(default),
            Some(v @ Value::String(s)) => options
                .iter()
                .copied()
                .find(|o| o == s)
                .ok_or_else(|| wrong(v, format!("\"{s}\""))),
            Some(v) => Err(wrong(v, display_value(v))),
        }
    }

    /// Reads parameter `p`, whose valid values are `bound`: a fixed value
    /// outside them is an error (with the fraction it may have meant, for
    /// a percentage written where a fraction belongs).
    fn param(&self, p: Param, bound: Bound) -> Result<Option<Uncertain>, InputError> {
        let key = p.key();
        let Some(v) = self.get(key) else {
            return Ok(None);
        };
        let err = |msg: String| self.err(key, msg).with_value(written(v));
        let spec_err = |e: SpecError| err(format!("{key}: {e}")).with_allowed(e.allowed);
        let u = parse_uncertain(v).map_err(spec_err)?;
        u.check().map_err(spec_err)?;
        if let Uncertain::Fixed { value } = u
            && !bound.contains(value)
        {
            return Err(err(format!(
                "{key} must be {bound}, got {}{}",
                show_number(value),
                percent_hint(key, &u, bound)
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default()
            ))
            .with_allowed(bound.to_string()));
        }
        if let Some(x) = u.numbers().into_iter().find(|x| x.abs() > MAX_MAGNITUDE) {
            return Err(err(format!(
                "{key}: {} is beyond the simulator's range (magnitudes up to {MAX_MAGNITUDE:e})",
                show_number(x)
            ))
            .with_allowed(format!("magnitudes up to {MAX_MAGNITUDE:e}")));
        }
        Ok(Some(u))
    }

    fn build(&self) -> Result<Model, InputError> {
        self.check_keys()?;
        let name = self
            .text("name")?
            .ok_or_else(|| self.err("name", "`name` is required (e.g. name = \"my hustle\")"))?;
        let description = self.text("description")?.unwrap_or_default();
        let currency = self.text("currency")?.unwrap_or_else(|| "USD".into());
        for (key, text, most) in [
            ("name", &name, MAX_NAME_CHARS),
            ("description", &description, MAX_DESCRIPTION_CHARS),
            ("currency", &currency, MAX_NAME_CHARS),
        ] {
            let chars = text.chars().count();
            if chars > most {
                return Err(self
                    .err(
                        key,
                        format!("{key} is {chars} characters long; at most {most} are allowed"),
                    )
                    .with_allowed(format!("text of at most {most} characters")));
            }
        }
        let horizon = self.integer("horizon_months", 24)?;
        let setup_months = self.integer("setup.months", 1)?;
        if setup_months >= horizon {
            return Err(self
                .err(
                    "setup.months",
                    format!(
                        "setup.months must be below horizon_months ({horizon}), got {setup_months}"
                    ),
                )
                .with_value(setup_months.to_string())
                .with_allowed(format!("below horizon_months ({horizon})")));
        }
        let acquisition = match self.choice("acquisition.model", "poisson")? {
            "bass" => AcquisitionModel::Bass,
            _ => AcquisitionModel::Poisson,
        };
        let churn = match self.choice("churn.model", "constant")? {
            "sbg" => ChurnModel::Sbg,
            _ => ChurnModel::Constant,
        };
        let (sbg_form, left_out) = self.churn_form(churn)?;
        let quit_after = self.integer("owner.quit_after_months", 6)?;
        let burnout_after = self.integer("owner.burnout_after_months", 3)?;
        let semi_passive = self.section_present("semi_passive");
        let sustain = self.integer("semi_passive.sustain_months", 3)?;

        let mut params = Vec::with_capacity(NPARAMS);
        let mut origins = Vec::with_capacity(NPARAMS);
        for p in Param::ALL {
            let given = self.param(p, bound_in(p, churn))?;
            // A key of the file's churn that an override of churn.model
            // has replaced takes no part (`churn_form`).
            let given = given.filter(|_| !left_out.contains(&p));
            let used = self.param_used(p, acquisition, churn, sbg_form, semi_passive);
            if given.is_some() && !used {
                let mut e = self.err(p.key(), self.misplaced_message(p, acquisition, churn));
                if let Some(v) = self.get(p.key()) {
                    e = e.with_value(written(v));
                }
                return Err(e);
            }
            let required = used && p.spec().default.is_none() && !may_be_absent(p);
            if given.is_none() && required {
                let context = match p {
                    Param::MarketSize | Param::Innovation | Param::Imitation => {
                        "with acquisition.model = \"bass\""
                    }
                    Param::ChurnAlpha | Param::ChurnBeta => {
                        "with churn.model = \"sbg\" (or churn.monthly and churn.polarisation instead of both)"
                    }
                    _ => "when the scenario has a [semi_passive] section",
                };
                return Err(self.err(
                    p.key(),
                    format!("{} is required {context} ({})", p.key(), p.spec().meaning),
                ));
            }
            let origin = match (&given, used) {
                (Some(_), _) if self.overridden.contains(p.key()) => Origin::Override,
                (Some(_), _) => Origin::File,
                (None, true) if !may_be_absent(p) => Origin::Default,
                (None, _) => Origin::Unused,
            };
            params.push(given.unwrap_or_else(|| Uncertain::fixed(placeholder(p))));
            origins.push(origin);
        }
        if semi_passive {
            self.check_semi_passive(&params)?;
        }
        self.check_mostly_valid(&params, &origins, churn)?;
        let correlations = self.correlations(&params, &origins)?;
        Ok(Model {
            name,
            description,
            currency,
            horizon_months: horizon as u32,
            setup_months: setup_months as u32,
            acquisition,
            churn,
            sbg_form,
            quit_after_months: quit_after as u32,
            burnout_after_months: burnout_after as u32,
            semi_passive_sustain_months: semi_passive.then_some(sustain as u32),
            params,
            origins,
            correlations,
        })
    }

    /// `[semi_passive]` needs a limit besides `min_net_monthly`: hours,
    /// passivity or both; and a passivity limit needs an hourly value that
    /// can be above 0.
    fn check_semi_passive(&self, params: &[Uncertain]) -> Result<(), InputError> {
        let given = |p: Param| self.get(p.key()).is_some();
        if !given(Param::SemiPassiveMaxHours) && !given(Param::SemiPassiveMinPassivity) {
            return Err(self
                .err(
                    "semi_passive",
                    "[semi_passive] needs semi_passive.max_hours_monthly or semi_passive.min_passivity (or both) besides min_net_monthly",
                )
                .with_allowed("max_hours_monthly, min_passivity or both"));
        }
        let key = Param::SemiPassiveMinPassivity.key();
        if let Some(v) = self.get(key)
            && params[Param::HourlyValue as usize] == Uncertain::fixed(0.0)
        {
            let source_of_zero = if self.overridden.contains(Param::HourlyValue.key()) {
                "is set to 0"
            } else if self.get(Param::HourlyValue.key()).is_some() {
                "is 0"
            } else {
                "is 0 (its default)"
            };
            return Err(self
                .err(
                    key,
                    format!(
                        "{key} needs owner.hourly_value above 0, and owner.hourly_value {source_of_zero}: with an hourly value of 0 every month with positive net has passivity 1"
                    ),
                )
                .with_value(written(v))
                .with_allowed("only with owner.hourly_value > 0 or uncertain"));
        }
        Ok(())
    }

    /// The `[[correlation]]` tables: each names two different uncertain
    /// parameters, no pair twice, with a fixed rank strictly between -1 and
    /// 1, and together they must be consistent (a positive definite
    /// matrix, docs/model.md, *Correlated inputs*).
    fn correlations(
        &self,
        params: &[Uncertain],
        origins: &[Origin],
    ) -> Result<Vec<Correlation>, InputError> {
        let Some(v) = self.table.get(CORRELATION) else {
            return Ok(Vec::new());
        };
        let how = "[[correlation]] tables, each with params = [KEY, KEY] and rank";
        let tables: Vec<&Table> = match v {
            Value::Array(items) if items.iter().all(Value::is_table) => {
                items.iter().filter_map(Value::as_table).collect()
            }
            other => {
                return Err(self
                    .err(
                        CORRELATION,
                        format!("correlations are written as {how}, got {}", a_type(other)),
                    )
                    .with_value(written(other))
                    .with_allowed(how));
            }
        };
        let mut out: Vec<Correlation> = Vec::with_capacity(tables.len());
        for (i, t) in tables.into_iter().enumerate() {
            let n = i + 1;
            let table_err = |key: &str, msg: String| {
                self.err(key, format!("[[correlation]] {n}: {msg}"))
                    .with_value(written(&Value::Table(t.clone())))
            };
            for k in t.keys() {
                if k != "params" && k != "rank" {
                    let hint =
                        if strsim::jaro_winkler(k, "params") >= strsim::jaro_winkler(k, "rank") {
                            "params"
                        } else {
                            "rank"
                        };
                    return Err(table_err(
                        &format!("{CORRELATION}.{k}"),
                        format!("unknown key `{k}`; a correlation takes params and rank (did you mean `{hint}`?)"),
                    )
                    .with_allowed("params and rank"));
                }
            }
            let params_key = "correlation.params";
            let names: Vec<&str> = match t.get("params") {
                Some(Value::Array(a)) if a.len() == 2 && a.iter().all(Value::is_str) => {
                    a.iter().filter_map(Value::as_str).collect()
                }
                Some(other) => {
                    return Err(self
                        .err(
                            params_key,
                            format!(
                                "[[correlation]] {n}: params must name two parameters, as params = [\"acquisition.rate\", \"churn.beta\"], got {}",
                                written(other)
                            ),
                        )
                        .with_value(written(other))
                        .with_allowed("two parameter keys in quotes"));
                }
                None => {
                    return Err(table_err(
                        params_key,
                        "needs params = [KEY, KEY], the two parameters it correlates".into(),
                    )
                    .with_allowed("two parameter keys in quotes"));
                }
            };
            let shown = written(t.get("params").expect("read above"));
            let mut pair = [Param::SetupHours; 2];
            for (slot, name) in pair.iter_mut().zip(&names) {
                let p = self.correlated_param(n, name, &shown, params, origins)?;
                *slot = p;
            }
            if pair[0] == pair[1] {
                return Err(self
                    .err(
                        params_key,
                        format!(
                            "[[correlation]] {n}: params names {} twice; a correlation needs two different parameters",
                            pair[0].key()
                        ),
                    )
                    .with_value(shown)
                    .with_allowed("two different parameter keys"));
            }
            if let Some(j) = out
                .iter()
                .position(|c| c.params == pair || c.params == [pair[1], pair[0]])
            {
                return Err(self
                    .err(
                        params_key,
                        format!(
                            "[[correlation]] {n}: {} and {} are already correlated by [[correlation]] {}; name a pair once",
                            pair[0].key(),
                            pair[1].key(),
                            j + 1
                        ),
                    )
                    .with_value(shown)
                    .with_allowed("each pair of parameters at most once"));
            }
            let rank_key = "correlation.rank";
            let rank_allowed = "a number with -1 < rank < 1";
            let rank = match t.get("rank") {
                Some(v @ (Value::Integer(_) | Value::Float(_))) => {
                    let r = number(v).expect("numeric");
                    if !(r > -1.0 && r < 1.0) {
                        return Err(self
                            .err(
                                rank_key,
                                format!(
                                    "[[correlation]] {n} ({} and {}): rank must be a number with -1 < rank < 1, got {}",
                                    pair[0].key(),
                                    pair[1].key(),
                                    show_number(r)
                                ),
                            )
                            .with_value(written(v))
                            .with_allowed(rank_allowed));
                    }
                    r
                }
                Some(other) => {
                    return Err(self
                        .err(
                            rank_key,
                            format!(
                                "[[correlation]] {n} ({} and {}): rank must be a fixed number with -1 < rank < 1, got {}",
                                pair[0].key(),
                                pair[1].key(),
                                display_value(other)
                            ),
                        )
                        .with_value(written(other))
                        .with_allowed(rank_allowed));
                }
                None => {
                    return Err(table_err(
                        rank_key,
                        format!(
                            "({} and {}) needs rank, their Spearman rank correlation",
                            pair[0].key(),
                            pair[1].key()
                        ),
                    )
                    .with_allowed(rank_allowed));
                }
            };
            out.push(Correlation { params: pair, rank });
        }
        if !out.is_empty() && crate::sim::copula::Copula::new(&out).is_none() {
            let names: Vec<String> = out.iter().map(Correlation::describe).collect();
            return Err(self
                .err(
                    CORRELATION,
                    format!(
                        "the correlations of {} cannot hold together: no joint distribution has them (their matrix is not positive definite); weaken one of them",
                        names.join(", ")
                    ),
                )
                .with_value(names.join(", "))
                .with_allowed("correlations whose matrix of 2 sin(pi rank / 6) is positive definite"));
        }
        Ok(out)
    }

    /// The parameter a correlation names: a real-valued key that is
    /// uncertain in this scenario.
    fn correlated_param(
        &self,
        n: usize,
        name: &str,
        shown: &str,
        params: &[Uncertain],
        origins: &[Origin],
    ) -> Result<Param, InputError> {
        let params_key = "correlation.params";
        let Some(p) = Param::from_key(name) else {
            let msg = if key_kind(name).is_some() {
                format!(
                    "[[correlation]] {n}: {name} is not a real-valued parameter; only those can be correlated"
                )
            } else {
                match keys::suggest_param(name) {
                    Some(s) => format!(
                        "[[correlation]] {n}: unknown parameter `{name}`; did you mean `{s}`?"
                    ),
                    None => format!(
                        "[[correlation]] {n}: unknown parameter `{name}`; a correlation names real-valued parameters such as acquisition.rate"
                    ),
                }
            };
            return Err(self
                .err(params_key, msg)
                .with_value(shown)
                .with_allowed("real-valued parameter keys"));
        };
        let uncertain = "an uncertain value (\"a to b\" or a { dist = ... } table)";
        if self.get(name).is_some() && origins[p as usize] == Origin::Unused {
            return Err(self
                .err(
                    name,
                    format!(
                        "[[correlation]] {n}: {name} takes no part in this scenario (its churn.model does not use it), so it cannot be correlated"
                    ),
                )
                .with_allowed("a parameter this scenario uses"));
        }
        match self.get(name) {
            None => Err(self
                .err(
                    name,
                    format!(
                        "[[correlation]] {n}: {name} is not set in this scenario, so it cannot be correlated; give it {uncertain}"
                    ),
                )
                .with_allowed(format!("{uncertain} while a [[correlation]] names it"))),
            Some(v) if params[p as usize].is_fixed() => Err(self
                .err(
                    name,
                    format!(
                        "[[correlation]] {n}: {name} is fixed at {} in this scenario, so it cannot be correlated; give it {uncertain}",
                        written(v)
                    ),
                )
                .with_value(written(v))
                .with_allowed(format!("{uncertain} while a [[correlation]] names it"))),
            Some(_) => Ok(p),
        }
    }

    /// Whether parameter `p` takes part in this scenario's model.
    fn param_used(
        &self,
        p: Param,
        acq: AcquisitionModel,
        churn: ChurnModel,
        form: SbgForm,
        sp: bool,
    ) -> bool {
        use Param::*;
        let sbg = churn == ChurnModel::Sbg;
        match p {
            AcquisitionRate | AcquisitionGrowth => acq == AcquisitionModel::Poisson,
            MarketSize | Innovation | Imitation => acq == AcquisitionModel::Bass,
            ChurnMonthly => {
                !sbg || matches!(
                    form,
                    SbgForm::MonthlyPolarisation | SbgForm::AlphaBetaAtMonthly
                )
            }
            ChurnAlpha | ChurnBeta => sbg && form != SbgForm::MonthlyPolarisation,
            ChurnPolarisation => {
                sbg && matches!(
                    form,
                    SbgForm::MonthlyPolarisation | SbgForm::AlphaBetaAtPolarisation
                )
            }
            SemiPassiveMinNet | SemiPassiveMaxHours | SemiPassiveMinPassivity => sp,
            _ => true,
        }
    }

    /// How the churn keys give an sbg churn's alpha and beta, and which of
    /// the file's churn keys an override leaves out (docs/model.md, *Churn
    /// in people's terms*):
    ///
    /// - alpha and beta, or monthly and polarisation, as the file gives
    ///   them (both pairs in the file is an error);
    /// - an override of a whole pair replaces the file's other pair;
    /// - an override of `churn.monthly` alone on a file with alpha and beta
    ///   keeps their polarisation and moves the first-renewal churn, one of
    ///   `churn.polarisation` alone keeps the first-renewal churn;
    /// - `--set churn.model=...` leaves out the file's keys that the new
    ///   model does not take (constant churn then needs `churn.monthly`).
    fn churn_form(&self, churn: ChurnModel) -> Result<(SbgForm, Vec<Param>), InputError> {
        use Param::{ChurnAlpha as A, ChurnBeta as B, ChurnMonthly as M, ChurnPolarisation as P};
        let given = |p: Param| self.get(p.key()).is_some();
        let over = |p: Param| given(p) && self.overridden.contains(p.key());
        let from_file = |p: Param| given(p) && !over(p);
        let model_over = self.overridden.contains("churn.model");
        let keys = |ps: &[Param]| ps.iter().map(|p| p.key()).collect::<Vec<_>>().join(" and ");
        if churn == ChurnModel::Constant {
            let left_out: Vec<Param> = [A, B, P]
                .into_iter()
                .filter(|&p| model_over && from_file(p))
                .collect();
            if !left_out.is_empty() && !given(M) {
                return Err(self
                    .err(
                        M.key(),
                        format!(
                            "--set churn.model=constant: this scenario gives its churn as {}, which constant churn does not take; set churn.monthly too, the chance a customer leaves at each renewal (e.g. --set churn.monthly=0.06)",
                            keys(&left_out)
                        ),
                    )
                    .with_source("--set")
                    .with_allowed("churn.monthly with churn.model = \"constant\""));
            }
            return Ok((SbgForm::AlphaBeta, left_out));
        }
        let both_pairs = "churn.alpha and churn.beta, or churn.monthly and churn.polarisation";
        if (over(A) || over(B))
            && (over(M) || over(P))
            && (over(A) && over(B) || over(M) && over(P))
        {
            return Err(self
                .err(
                    "churn",
                    "the overrides give the sbg churn twice, as churn.alpha and churn.beta and as churn.monthly and churn.polarisation; set one pair",
                )
                .with_source("--set")
                .with_allowed(both_pairs));
        }
        let in_file = |ps: [Param; 2]| ps.into_iter().filter(|&p| from_file(p)).collect();
        if over(A) && over(B) {
            return Ok((SbgForm::AlphaBeta, in_file([M, P])));
        }
        if over(M) && over(P) {
            return Ok((SbgForm::MonthlyPolarisation, in_file([A, B])));
        }
        let (ab, mp) = (given(A) || given(B), given(M) || given(P));
        if !mp {
            return Ok((SbgForm::AlphaBeta, Vec::new()));
        }
        if !ab {
            for (missing, other, what) in [
                (M, P, "the chance a customer leaves at its first renewal"),
                (
                    P,
                    M,
                    "how unlike customers are, 1 / (alpha + beta + 1), strictly between 0 and 1",
                ),
            ] {
                if !given(missing) {
                    return Err(self.err(
                        missing.key(),
                        format!(
                            "{} is required with churn.model = \"sbg\" and {} ({what}; or give churn.alpha and churn.beta instead)",
                            missing.key(),
                            other.key()
                        ),
                    ).with_allowed(both_pairs));
                }
            }
            return Ok((SbgForm::MonthlyPolarisation, Vec::new()));
        }
        // Both pairs: alpha and beta from the file, one of the other pair
        // set on top of them.
        if (from_file(M) || from_file(P))
            && let Some(p) = [A, B].into_iter().find(|&p| over(p))
        {
            return Err(self
                    .err(
                        p.key(),
                        format!(
                            "this scenario gives its sbg churn as churn.monthly and churn.polarisation, so {} alone has nothing to pair with; set churn.monthly or churn.polarisation, or churn.alpha and churn.beta both",
                            p.key()
                        ),
                    )
                    .with_allowed(both_pairs));
        }
        if given(A) && given(B) {
            if over(M) && !given(P) {
                return Ok((SbgForm::AlphaBetaAtMonthly, Vec::new()));
            }
            if over(P) && !given(M) {
                return Ok((SbgForm::AlphaBetaAtPolarisation, Vec::new()));
            }
        }
        let written: Vec<Param> = [A, B, M, P].into_iter().filter(|&p| given(p)).collect();
        Err(self
            .err(
                "churn",
                format!(
                    "the sbg churn is given twice ({}); give churn.alpha and churn.beta, or churn.monthly and churn.polarisation (a --set of churn.monthly or churn.polarisation alone adjusts alpha and beta)",
                    keys(&written)
                ),
            )
            .with_allowed(both_pairs))
    }

    /// An uncertain parameter whose draws mostly (more than half) fall
    /// outside its valid range is an error, not a run of clamped values;
    /// a percentage written where a fraction belongs is named as such.
    fn check_mostly_valid(
        &self,
        params: &[Uncertain],
        origins: &[Origin],
        churn: ChurnModel,
    ) -> Result<(), InputError> {
        for p in Param::ALL {
            let i = p as usize;
            if origins[i] == Origin::Unused || params[i].is_fixed() {
                continue;
            }
            let bound = bound_in(p, churn);
            let chance = crate::model::clamp_chance(&params[i], bound);
            if chance <= MOSTLY {
                continue;
            }
            let key = p.key();
            let v = self.get(key).expect("an uncertain value is written");
            let hint = percent_hint(key, &params[i], bound)
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            return Err(self
                .err(
                    key,
                    format!(
                        "{key}: {} of the draws of {} fall outside its valid range ({bound}) and would be clamped{hint}",
                        share_text(chance),
                        written(v)
                    ),
                )
                .with_value(written(v))
                .with_allowed(format!("a value or distribution mostly {bound}")));
        }
        Ok(())
    }

    fn misplaced_message(&self, p: Param, acq: AcquisitionModel, churn: ChurnModel) -> String {
        use Param::*;
        match p {
            AcquisitionRate | AcquisitionGrowth | MarketSize | Innovation | Imitation => format!(
                "{} does not apply to acquisition.model = \"{}\" (poisson takes rate and growth; bass takes market_size, innovation and imitation)",
                p.key(),
                if acq == AcquisitionModel::Bass {
                    "bass"
                } else {
                    "poisson"
                }
            ),
            _ => format!(
                "{} does not apply to churn.model = \"{}\" (constant takes monthly; sbg takes alpha and beta, or monthly and polarisation)",
                p.key(),
                if churn == ChurnModel::Sbg {
                    "sbg"
                } else {
                    "constant"
                }
            ),
        }
    }
}

/// The top-level key of the `[[correlation]]` tables.
const CORRELATION: &str = "correlation";

/// More than this share of a parameter's draws outside its valid range is
/// an error (docs/model.md, *Uncertain parameters*).
pub const MOSTLY: f64 = 0.5;

/// A share as a person reads it: "100 %", "73 %", "0.35 %".
fn share_text(p: f64) -> String {
    let pct = p * 100.0;
    if pct >= 99.95 && p < 1.0 {
        "over 99.9 %".into()
    } else if pct >= 1.0 {
        format!("{:.0} %", pct)
    } else {
        format!("{:.2} %", pct)
    }
}

/// For a parameter whose valid values are a fraction (within 0 and 1),
/// written as a percentage: the value divided by 100 when that is valid
/// (mostly, for a distribution), as "did you mean ...?".
pub fn percent_hint(key: &str, u: &Uncertain, bound: Bound) -> Option<String> {
    let fraction = matches!(
        bound,
        Bound::Closed(0.0, 1.0) | Bound::HalfOpen(0.0, 1.0) | Bound::Open(0.0, 1.0)
    );
    if !fraction || u.numbers().iter().all(|x| x.abs() <= 1.0) {
        return None;
    }
    let scaled = u.scaled(0.01)?;
    let valid = match scaled {
        Uncertain::Fixed { value } => bound.contains(value),
        ref d => crate::model::clamp_chance(d, bound) <= MOSTLY,
    };
    valid.then(|| {
        let percent = match u {
            Uncertain::LogInterval { p5, p95 } | Uncertain::NormalInterval { p5, p95 } => {
                format!(" (or \"{p5}% to {p95}%\")")
            }
            Uncertain::Fixed { value } => format!(" (or \"{value}%\")"),
            _ => String::new(),
        };
        format!(
            "{key} is a fraction: did you mean {}{percent}?",
            scaled.written()
        )
    })
}

/// Whether a parameter without a default may be left out where it is used,
/// meaning "no limit": burnout, the owner's capacity and the semi-passive
/// limits on hours and passivity.
fn may_be_absent(p: Param) -> bool {
    matches!(
        p,
        Param::BurnoutHoursMonthly
            | Param::CapacityHoursMonthly
            | Param::SemiPassiveMaxHours
            | Param::SemiPassiveMinPassivity
    )
}

/// Value used for a parameter its scenario does not use; it still takes its
/// uniform so the parameter stream stays aligned. An absent limit is one
/// that nothing reaches.
fn placeholder(p: Param) -> f64 {
    match p.spec().default {
        Some(d) => d,
        None => match p {
            Param::MarketSize | Param::ChurnAlpha | Param::ChurnBeta => 1.0,
            Param::BurnoutHoursMonthly
            | Param::CapacityHoursMonthly
            | Param::SemiPassiveMaxHours => f64::INFINITY,
            Param::SemiPassiveMinPassivity => f64::NEG_INFINITY,
            _ => 0.0,
        },
    }
}

pub(crate) fn display_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Table(_) | Value::Array(_) => a_type(v),
        other => other.to_string(),
    }
}

/// "an integer", "a string", ...: a value's TOML type with its article.
pub(crate) fn a_type(v: &Value) -> String {
    let t = v.type_str();
    let article = if t.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {t}")
}

/// A number as a person would write it: plain for ordinary magnitudes,
/// scientific beyond (1e300, not three hundred digits).
pub fn show_number(x: f64) -> String {
    if x != 0.0 && (x.abs() >= 1e7 || x.abs() < 1e-4) && x.is_finite() {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

/// Reads a number, an `"a to b"` interval or a `{ dist = ... }` table.
pub fn parse_uncertain(v: &Value) -> Result<Uncertain, SpecError> {
    match v {
        Value::Integer(_) | Value::Float(_) => {
            let x = number(v).expect("numeric");
            if !x.is_finite() {
                return Err(SpecError::new(
                    format!("must be a finite number, got {x}"),
                    "a finite number",
                ));
            }
            Ok(Uncertain::fixed(x))
        }
        Value::String(s) => Uncertain::parse_interval(s),
        Value::Table(t) => parse_dist_table(t),
        other => Err(SpecError::new(
            format!(
                "must be a number, \"a to b\" or a {{ dist = ... }} table, got {}",
                a_type(other)
            ),
            UNCERTAIN_FORMS,
        )),
    }
}

const DISTS: [(&str, &[&str]); 7] = [
    ("uniform", &["min", "max"]),
    ("triangular", &["min", "mode", "max"]),
    ("pert", &["min", "mode", "max"]),
    ("normal", &["mean", "sd"]),
    ("lognormal", &["median", "p95"]),
    ("beta", &["alpha", "beta"]),
    ("fixed", &["value"]),
];

fn parse_dist_table(t: &Table) -> Result<Uncertain, SpecError> {
    let names = DISTS.map(|(d, _)| format!("\"{d}\"")).join(", ");
    let one_of = format!("dist one of {names}");
    let dist = match t.get("dist") {
        Some(Value::String(s)) => s.as_str(),
        Some(other) => {
            return Err(SpecError::new(
                format!(
                    "`dist` must be one of {names}, got {}",
                    display_value(other)
                ),
                one_of,
            ));
        }
        None => {
            return Err(SpecError::new(
                format!("a distribution table needs `dist`, one of {names}"),
                one_of,
            ));
        }
    };
    let Some((_, fields)) = DISTS.iter().find(|(d, _)| *d == dist) else {
        return Err(SpecError::new(
            format!("unknown dist \"{dist}\"; use one of {names}"),
            one_of,
        ));
    };
    let takes = format!("dist \"{dist}\" with {}", fields.join(", "));
    for k in t.keys().filter(|k| k.as_str() != "dist") {
        if !fields.contains(&k.as_str()) {
            let hint = fields
                .iter()
                .max_by(|a, b| strsim::jaro_winkler(k, a).total_cmp(&strsim::jaro_winkler(k, b)))
                .map(|f| format!("; did you mean `{f}`?"))
                .unwrap_or_default();
            return Err(SpecError::new(
                format!(
                    "unknown field `{k}` for dist \"{dist}\" (it takes {}){hint}",
                    fields.join(", ")
                ),
                takes,
            ));
        }
    }
    let field = |name: &str| -> Result<f64, SpecError> {
        let v = t.get(name).ok_or_else(|| {
            SpecError::new(
                format!(
                    "dist \"{dist}\" needs `{name}` (it takes {})",
                    fields.join(", ")
                ),
                takes.clone(),
            )
        })?;
        number(v).ok_or_else(|| {
            SpecError::new(
                format!("`{name}` must be a number, got {}", display_value(v)),
                format!("`{name}` a number"),
            )
        })
    };
    Ok(match dist {
        "uniform" => Uncertain::Uniform {
            min: field("min")?,
            max: field("max")?,
        },
        "triangular" => Uncertain::Triangular {
            min: field("min")?,
            mode: field("mode")?,
            max: field("max")?,
        },
        "pert" => Uncertain::Pert {
            min: field("min")?,
            mode: field("mode")?,
            max: field("max")?,
        },
        "normal" => Uncertain::Normal {
            mean: field("mean")?,
            sd: field("sd")?,
        },
        "lognormal" => Uncertain::Lognormal {
            median: field("median")?,
            p95: field("p95")?,
        },
        "beta" => Uncertain::Beta {
            alpha: field("alpha")?,
            beta: field("beta")?,
        },
        _ => Uncertain::fixed(field("value")?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Result<Model, String> {
        Scenario::parse(text, "t.toml", "t")
            .and_then(|s| s.model())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn minimal_scenario_takes_every_default() {
        let m = model("name = \"x\"").unwrap();
        assert_eq!(m.horizon_months, 24);
        assert_eq!(m.setup_months, 1);
        assert_eq!(m.currency, "USD");
        assert_eq!(m.quit_after_months, 6);
        assert_eq!(m.burnout_after_months, 3);
        assert!(m.semi_passive_sustain_months.is_none());
        assert!(!m.burnout_enabled());
        assert_eq!(m.origin(Param::ChurnMonthly), Origin::Default);
        assert_eq!(m.origin(Param::ChurnAlpha), Origin::Unused);
    }

    #[test]
    fn errors_name_the_key_and_allowed_values() {
        let e = model("name = \"x\"\n[churn]\nmonthly = 1.3").unwrap_err();
        assert_eq!(
            e,
            "t.toml: churn.monthly must be within 0..=1, got 1.3; churn.monthly is a fraction: did you mean 0.013 (or \"1.3%\")?"
        );
        let e = model("name = \"x\"\n[churn]\nmontly = 0.1").unwrap_err();
        assert!(e.contains("did you mean `churn.monthly`"), "{e}");
        let e = model("name = \"x\"\n[churn\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = model("name = \"x\"\nhorizon_months = 24\n[setup]\nmonths = 24").unwrap_err();
        assert!(e.contains("setup.months must be below"), "{e}");
        let e = model(
            "name = \"x\"\n[acquisition]\nmodel = \"bass\"\nmarket_size = 100\ninnovation = 0.01",
        )
        .unwrap_err();
        assert!(e.contains("acquisition.imitation is required"), "{e}");
        let e = model("name = \"x\"\n[semi_passive]\nmin_net_monthly = 100").unwrap_err();
        assert!(
            e.contains(
                "[semi_passive] needs semi_passive.max_hours_monthly or semi_passive.min_passivity"
            ),
            "{e}"
        );
        let e = model("name = \"x\"\n[churn]\nmonthly = { dist = \"triangular\", min = 0, mode = 2, max = 1 }").unwrap_err();
        assert!(e.contains("churn.monthly: mode must lie within"), "{e}");
        let e = model("name = \"x\"\n[churn]\nmonthly = nan").unwrap_err();
        assert!(e.contains("finite"), "{e}");
        let e = model("name = \"x\"\n[churn]\nalpha = 1").unwrap_err();
        assert!(e.contains("does not apply to churn.model"), "{e}");
    }

    fn error(text: &str) -> InputError {
        Scenario::parse(text, "t.toml", "t")
            .and_then(|s| s.model())
            .unwrap_err()
    }

    /// (source, key, value, allowed) of an error.
    fn fields(e: &InputError) -> [Option<&str>; 4] {
        [e.source_name(), e.key(), e.value(), e.allowed()]
    }

    #[test]
    fn errors_carry_source_key_value_and_allowed() {
        let e = error("name = \"x\"\n[churn]\nmonthly = 1.3");
        assert!(
            e.message()
                .starts_with("t.toml: churn.monthly must be within 0..=1, got 1.3;"),
            "{e}"
        );
        let f = fields(&e);
        assert_eq!(
            f,
            [
                Some("t.toml"),
                Some("churn.monthly"),
                Some("1.3"),
                Some("within 0..=1")
            ]
        );
        let e = error("name = \"x\"\n[pricing]\nmonthly = -5");
        assert_eq!(fields(&e)[2..], [Some("-5"), Some(">= 0")]);
        let e = error("name = \"x\"\nhorizon_months = \"long\"");
        assert_eq!(
            fields(&e),
            [
                Some("t.toml"),
                Some("horizon_months"),
                Some("\"long\""),
                Some("a whole number within 1..=120")
            ]
        );
        let e = error("name = \"x\"\n[acquisition]\nmodel = \"viral\"");
        assert_eq!(
            fields(&e)[1..],
            [
                Some("acquisition.model"),
                Some("\"viral\""),
                Some("one of \"poisson\" or \"bass\"")
            ]
        );
        let e =
            error("name = \"x\"\n[acquisition]\nrate = { dist = \"normal\", mean = 5, sd = 0 }");
        assert_eq!(e.key(), Some("acquisition.rate"));
        assert_eq!(e.value(), Some("{ dist = \"normal\", mean = 5, sd = 0 }"));
        assert_eq!(e.allowed(), Some("sd > 0"));
        // Every form of uncertain value says what its broken rule allows.
        for (value, allowed) in [
            ("\"40 to 20\"", "a < b"),
            ("\"lots\"", uncertain::FORMS),
            ("[1, 2]", uncertain::FORMS),
            (
                "{ dist = \"gamma\", shape = 2 }",
                "dist one of \"uniform\", \"triangular\", \"pert\", \"normal\", \"lognormal\", \"beta\", \"fixed\"",
            ),
            (
                "{ dist = \"uniform\", min = 1, mxa = 2 }",
                "dist \"uniform\" with min, max",
            ),
            (
                "{ dist = \"uniform\", min = 1 }",
                "dist \"uniform\" with min, max",
            ),
            (
                "{ dist = \"triangular\", min = 1, mode = 9, max = 5 }",
                "min <= mode <= max (1..=5)",
            ),
            (
                "{ dist = \"lognormal\", median = 10, p95 = 5 }",
                "p95 > median > 0",
            ),
            (
                "{ dist = \"beta\", alpha = 0, beta = 3 }",
                "alpha > 0 and beta > 0",
            ),
            (
                "{ dist = \"uniform\", min = \"a\", max = 2 }",
                "`min` a number",
            ),
        ] {
            let e = error(&format!("name = \"x\"\n[acquisition]\nrate = {value}"));
            assert_eq!(
                [e.key(), e.allowed()],
                [Some("acquisition.rate"), Some(allowed)],
                "{}",
                e.message()
            );
            assert!(e.value().is_some());
        }
        let e = error("name = \"x\"\n[acquisition]\nrate = 1e300");
        assert_eq!(e.allowed(), Some("magnitudes up to 1e9"));
        let e = error("name = \"x\"\n[setup]\nmonths = 24");
        assert_eq!(
            fields(&e)[2..],
            [Some("24"), Some("below horizon_months (24)")]
        );
        let e = error("name = \"x\"\n[churn]\nmontly = 0.1");
        assert_eq!(fields(&e)[..2], [Some("t.toml"), Some("churn.montly")]);
        let e = error("description = \"no name\"");
        assert_eq!(fields(&e)[..2], [Some("t.toml"), Some("name")]);
        let e = error("name = \"x\"\n[semi_passive]\nmin_net_monthly = 500");
        assert_eq!(e.key(), Some("semi_passive"));
        assert_eq!(
            e.allowed(),
            Some("max_hours_monthly, min_passivity or both")
        );
        // A syntax error has a source but no key.
        let e = error("name = \"x\"\n[churn\n");
        assert_eq!(fields(&e)[..2], [Some("t.toml"), None]);
    }

    #[test]
    fn override_errors_name_set_as_their_source() {
        let mut s = Scenario::parse("name = \"x\"", "t.toml", "t").unwrap();
        let e = s.set("churn.montly=0.1").unwrap_err();
        assert_eq!(
            fields(&e)[..3],
            [Some("--set"), Some("churn.montly"), Some("0.1")]
        );
        s.set("churn.monthly=2").unwrap();
        let e = s.model().unwrap_err();
        // The message is unchanged (it names the scenario); the field says
        // where the value came from.
        assert_eq!(
            e.message(),
            "t.toml: churn.monthly must be within 0..=1, got 2; churn.monthly is a fraction: did you mean 0.02 (or \"2%\")?"
        );
        assert_eq!(
            fields(&e)[..3],
            [Some("--set"), Some("churn.monthly"), Some("2")]
        );
        let e = s.set("churn.monthly").unwrap_err();
        assert_eq!(e.allowed(), Some("KEY=VALUE"));
    }

    #[test]
    fn overrides_are_validated_like_the_file() {
        let mut s = Scenario::parse("name = \"x\"", "t.toml", "t").unwrap();
        s.set("churn.monthly=0.08").unwrap();
        s.set("acquisition.rate=\"5 to 15\"").unwrap();
        s.set("churn.model=constant").unwrap();
        let m = s.model().unwrap();
        assert_eq!(*m.param(Param::ChurnMonthly), Uncertain::fixed(0.08));
        assert_eq!(m.origin(Param::ChurnMonthly), Origin::Override);
        assert!(matches!(
            m.param(Param::AcquisitionRate),
            Uncertain::LogInterval { .. }
        ));
        assert!(
            s.set("churn.montly=0.1")
                .unwrap_err()
                .to_string()
                .contains("churn.monthly")
        );
        s.set("churn.monthly=2").unwrap();
        assert!(s.model().is_err());
        s.set("churn.monthly=").unwrap();
        assert_eq!(
            s.model().unwrap().origin(Param::ChurnMonthly),
            Origin::Default
        );
    }

    const CORRELATED: &str = "name = \"x\"\n\
        [acquisition]\nrate = \"2 to 8\"\n\
        [churn]\nmodel = \"sbg\"\nalpha = 1\nbeta = { dist = \"uniform\", min = 3, max = 9 }\n\
        [pricing]\nmonthly = { dist = \"normal\", mean = 20, sd = 4 }\n";

    #[test]
    fn owner_hours_keys_take_their_defaults_and_limits() {
        let m = model("name = \"x\"").unwrap();
        assert!(!m.uses_owner_hours_keys());
        assert!(!m.capacity_enabled());
        assert_eq!(m.origin(Param::ReworkProbability), Origin::Default);
        assert_eq!(m.origin(Param::CapacityHoursMonthly), Origin::Unused);
        assert_eq!(m.origin(Param::SemiPassiveMinPassivity), Origin::Unused);
        let m = model(
            "name = \"x\"\n[owner]\ncapacity_hours_monthly = 40\nhourly_value = 20\n\
             [effort]\nrework_probability = 0.1\nrework_hours = \"2 to 9\"\n\
             [semi_passive]\nmin_net_monthly = 100\nmin_passivity = 0.5",
        )
        .unwrap();
        assert!(m.uses_owner_hours_keys() && m.capacity_enabled());
        assert_eq!(m.origin(Param::SemiPassiveMaxHours), Origin::Unused);
        assert_eq!(
            *m.param(Param::CapacityHoursMonthly),
            Uncertain::fixed(40.0)
        );
        // A key at its neutral value still counts as used.
        let m = model("name = \"x\"\n[effort]\nrework_probability = 0").unwrap();
        assert!(m.uses_owner_hours_keys());
        for bad in [
            "[owner]\ncapacity_hours_monthly = 0",
            "[effort]\nrework_probability = 1.5",
            "[effort]\nrework_hours = -1",
            "[owner]\nhourly_value = 20\n[semi_passive]\nmin_net_monthly = 0\nmin_passivity = 2",
        ] {
            let e = error(&format!("name = \"x\"\n{bad}"));
            assert!(e.key().is_some() && e.allowed().is_some(), "{e}");
        }
    }

    #[test]
    fn min_passivity_needs_an_hourly_value_that_can_be_above_zero() {
        let sp = "[semi_passive]\nmin_net_monthly = 0\nmin_passivity = 0.5";
        for owner in ["", "[owner]\nhourly_value = 0\n"] {
            let e = error(&format!("name = \"x\"\n{owner}{sp}"));
            assert_eq!(e.key(), Some("semi_passive.min_passivity"));
            assert_eq!(e.value(), Some("0.5"));
            assert!(e.message().contains("owner.hourly_value"), "{e}");
        }
        // Uncertain, or above 0: fine.
        for owner in ["hourly_value = \"0 to 40\"", "hourly_value = 25"] {
            model(&format!("name = \"x\"\n[owner]\n{owner}\n{sp}")).unwrap();
        }
        // The same through --set, which is named as the source.
        let mut s = Scenario::parse(
            &format!("name = \"x\"\n[owner]\nhourly_value = 25\n{sp}"),
            "t.toml",
            "t",
        )
        .unwrap();
        s.set("owner.hourly_value=0").unwrap();
        let e = s.model().unwrap_err();
        assert!(e.message().contains("is set to 0"), "{e}");
    }

    #[test]
    fn correlations_are_read_and_checked() {
        let ok = format!(
            "{CORRELATED}[[correlation]]\nparams = [\"churn.beta\", \"acquisition.rate\"]\nrank = 0.4\n"
        );
        let m = model(&ok).unwrap();
        assert_eq!(m.correlations.len(), 1);
        assert_eq!(
            m.correlations[0].params,
            [Param::ChurnBeta, Param::AcquisitionRate]
        );
        assert!(m.uses_owner_hours_keys());
        let case = |table: &str| error(&format!("{CORRELATED}[[correlation]]\n{table}\n"));
        // An unknown key: the nearest parameter.
        let e = case("params = [\"acquisition.rat\", \"churn.beta\"]\nrank = 0.4");
        assert!(
            e.message().contains("did you mean `acquisition.rate`"),
            "{e}"
        );
        assert_eq!(e.key(), Some("correlation.params"));
        assert_eq!(e.value(), Some("[\"acquisition.rat\", \"churn.beta\"]"));
        // A key that is not real-valued.
        let e = case("params = [\"churn.model\", \"churn.beta\"]\nrank = 0.4");
        assert!(e.message().contains("not a real-valued parameter"), "{e}");
        // A fixed key, and one not set.
        let e = case("params = [\"churn.alpha\", \"churn.beta\"]\nrank = 0.4");
        assert_eq!(e.key(), Some("churn.alpha"));
        assert!(e.message().contains("churn.alpha is fixed at 1"), "{e}");
        let e = case("params = [\"costs.fixed_monthly\", \"churn.beta\"]\nrank = 0.4");
        assert!(e.message().contains("is not set in this scenario"), "{e}");
        // The same key twice; a pair twice (either order).
        let e = case("params = [\"churn.beta\", \"churn.beta\"]\nrank = 0.4");
        assert!(e.message().contains("names churn.beta twice"), "{e}");
        let e = error(&format!(
            "{ok}[[correlation]]\nparams = [\"acquisition.rate\", \"churn.beta\"]\nrank = 0.1\n"
        ));
        assert!(
            e.message()
                .contains("already correlated by [[correlation]] 1"),
            "{e}"
        );
        // rank: within -1..1 exclusive, and a fixed number.
        for rank in ["1", "-1", "1.5", "\"0.2 to 0.4\"", "nan"] {
            let e = case(&format!(
                "params = [\"acquisition.rate\", \"churn.beta\"]\nrank = {rank}"
            ));
            assert_eq!(e.key(), Some("correlation.rank"), "{e}");
            assert_eq!(e.allowed(), Some("a number with -1 < rank < 1"));
        }
        // Missing and unknown fields; not an array of tables.
        let e = case("params = [\"acquisition.rate\", \"churn.beta\"]");
        assert!(e.message().contains("needs rank"), "{e}");
        let e = case("params = [\"acquisition.rate\", \"churn.beta\"]\nrnak = 0.3");
        assert!(e.message().contains("did you mean `rank`"), "{e}");
        let e = case("params = \"acquisition.rate\"\nrank = 0.3");
        assert!(e.message().contains("must name two parameters"), "{e}");
        let e = error(&format!("correlation = 0.4\n{CORRELATED}"));
        assert_eq!(e.key(), Some("correlation"));
        let e = error(&format!("{CORRELATED}[[corelation]]\nrank = 0.3\n"));
        assert!(e.message().contains("did you mean [[correlation]]"), "{e}");
    }

    #[test]
    fn inconsistent_correlations_are_named() {
        let pair = |a: &str, b: &str, r: f64| {
            format!("[[correlation]]\nparams = [\"{a}\", \"{b}\"]\nrank = {r}\n")
        };
        let text = format!(
            "{CORRELATED}{}{}{}",
            pair("acquisition.rate", "churn.beta", 0.9),
            pair("acquisition.rate", "pricing.monthly", 0.9),
            pair("churn.beta", "pricing.monthly", -0.9)
        );
        let e = error(&text);
        assert_eq!(e.key(), Some("correlation"));
        for named in [
            "acquisition.rate and churn.beta (rank 0.9)",
            "acquisition.rate and pricing.monthly (rank 0.9)",
            "churn.beta and pricing.monthly (rank -0.9)",
        ] {
            assert!(e.message().contains(named), "{e}");
        }
        assert!(e.message().contains("not positive definite"), "{e}");
    }

    #[test]
    fn pinning_a_correlated_parameter_through_set_is_an_error() {
        let ok = format!(
            "{CORRELATED}[[correlation]]\nparams = [\"churn.beta\", \"acquisition.rate\"]\nrank = 0.4\n"
        );
        let mut s = Scenario::parse(&ok, "t.toml", "t").unwrap();
        s.set("churn.beta=5").unwrap();
        let e = s.model().unwrap_err();
        assert_eq!(
            fields(&e)[..3],
            [Some("--set"), Some("churn.beta"), Some("5")]
        );
        // Overrides of the new keys are read like any other.
        let mut s = Scenario::parse(&ok, "t.toml", "t").unwrap();
        s.set("owner.capacity_hours_monthly=\"30 to 60\"").unwrap();
        s.set("effort.rework_probability=0.2").unwrap();
        let m = s.model().unwrap();
        assert_eq!(m.origin(Param::CapacityHoursMonthly), Origin::Override);
        assert!(matches!(
            m.param(Param::CapacityHoursMonthly),
            Uncertain::LogInterval { .. }
        ));
        assert_eq!(*m.param(Param::ReworkProbability), Uncertain::fixed(0.2));
    }

    const SBG_AB: &str = "name = \"x\"\n[churn]\nmodel = \"sbg\"\nalpha = 1\nbeta = \"10 to 20\"\n";
    const SBG_MP: &str =
        "name = \"x\"\n[churn]\nmodel = \"sbg\"\nmonthly = 0.06\npolarisation = 0.05\n";

    fn with_sets(text: &str, sets: &[&str]) -> Result<Model, InputError> {
        let mut s = Scenario::parse(text, "t.toml", "t").unwrap();
        for a in sets {
            s.set(a)?;
        }
        s.model()
    }

    #[test]
    fn sbg_churn_is_written_as_alpha_and_beta_or_as_monthly_and_polarisation() {
        use Param::{ChurnAlpha, ChurnBeta, ChurnMonthly, ChurnPolarisation};
        let m = model(SBG_AB).unwrap();
        assert_eq!(m.sbg_form, SbgForm::AlphaBeta);
        assert_eq!(m.origin(ChurnMonthly), Origin::Unused);
        assert_eq!(m.origin(ChurnPolarisation), Origin::Unused);
        let m = model(SBG_MP).unwrap();
        assert_eq!(m.sbg_form, SbgForm::MonthlyPolarisation);
        for (p, origin) in [
            (ChurnMonthly, Origin::File),
            (ChurnPolarisation, Origin::File),
            (ChurnAlpha, Origin::Unused),
            (ChurnBeta, Origin::Unused),
        ] {
            assert_eq!(m.origin(p), origin, "{}", p.key());
        }
        // Under sbg churn.monthly is strictly between 0 and 1.
        let e = error(&SBG_MP.replace("monthly = 0.06", "monthly = 0"));
        assert_eq!(e.allowed(), Some("strictly between 0 and 1"));
        // Half a pair is not enough, and both pairs in a file are too many.
        let e = error(&SBG_MP.replace("polarisation = 0.05\n", ""));
        assert_eq!(e.key(), Some("churn.polarisation"));
        assert!(
            e.message().contains("churn.polarisation is required"),
            "{e}"
        );
        let e = error(&SBG_MP.replace("monthly = 0.06\n", ""));
        assert_eq!(e.key(), Some("churn.monthly"));
        let e = error(&format!("{SBG_AB}monthly = 0.06\n"));
        assert_eq!(e.key(), Some("churn"));
        assert!(e.message().contains("the sbg churn is given twice"), "{e}");
        // Polarisation belongs to sbg.
        let e = error("name = \"x\"\n[churn]\nmonthly = 0.06\npolarisation = 0.1");
        assert!(
            e.message()
                .contains("churn.polarisation does not apply to churn.model = \"constant\""),
            "{e}"
        );
    }

    #[test]
    fn setting_one_churn_key_on_alpha_and_beta_keeps_the_other_measure() {
        use Param::{ChurnAlpha, ChurnMonthly, ChurnPolarisation};
        let m = with_sets(SBG_AB, &["churn.monthly=0.08"]).unwrap();
        assert_eq!(m.sbg_form, SbgForm::AlphaBetaAtMonthly);
        assert_eq!(m.origin(ChurnMonthly), Origin::Override);
        assert_eq!(m.origin(ChurnAlpha), Origin::File);
        let m = with_sets(SBG_AB, &["churn.polarisation=0.2"]).unwrap();
        assert_eq!(m.sbg_form, SbgForm::AlphaBetaAtPolarisation);
        assert_eq!(m.origin(ChurnPolarisation), Origin::Override);
        // A whole pair replaces the other.
        let m = with_sets(SBG_AB, &["churn.monthly=0.08", "churn.polarisation=0.2"]).unwrap();
        assert_eq!(m.sbg_form, SbgForm::MonthlyPolarisation);
        assert_eq!(m.origin(ChurnAlpha), Origin::Unused);
        let m = with_sets(SBG_MP, &["churn.alpha=2", "churn.beta=30"]).unwrap();
        assert_eq!(m.sbg_form, SbgForm::AlphaBeta);
        assert_eq!(m.origin(ChurnMonthly), Origin::Unused);
        // Half of alpha and beta has nothing to pair with.
        let e = with_sets(SBG_MP, &["churn.alpha=2"]).unwrap_err();
        assert_eq!(e.key(), Some("churn.alpha"));
        assert_eq!(e.source_name(), Some("--set"));
        // Both pairs by override.
        let e = with_sets(
            SBG_AB,
            &["churn.alpha=2", "churn.beta=30", "churn.monthly=0.1"],
        )
        .unwrap_err();
        assert!(e.message().contains("set one pair"), "{e}");
    }

    #[test]
    fn overriding_the_churn_model_leaves_out_the_file_keys_it_does_not_take() {
        use Param::{ChurnAlpha, ChurnMonthly};
        let m = with_sets(SBG_AB, &["churn.model=constant", "churn.monthly=0.08"]).unwrap();
        assert_eq!(m.churn, ChurnModel::Constant);
        assert_eq!(*m.param(ChurnMonthly), Uncertain::fixed(0.08));
        assert_eq!(m.origin(ChurnAlpha), Origin::Unused);
        // Constant churn without a rate would silently be no churn.
        let e = with_sets(SBG_AB, &["churn.model=constant"]).unwrap_err();
        assert_eq!(e.key(), Some("churn.monthly"));
        assert!(e.message().contains("set churn.monthly too"), "{e}");
        // From a monthly polarised churn, its first-renewal churn stays.
        let m = with_sets(SBG_MP, &["churn.model=constant"]).unwrap();
        assert_eq!(*m.param(ChurnMonthly), Uncertain::fixed(0.06));
        // From constant to sbg: the polarisation is needed.
        let constant = "name = \"x\"\n[churn]\nmonthly = 0.06\n";
        let e = with_sets(constant, &["churn.model=sbg"]).unwrap_err();
        assert_eq!(e.key(), Some("churn.polarisation"));
        let m = with_sets(constant, &["churn.model=sbg", "churn.polarisation=0.1"]).unwrap();
        assert_eq!(m.sbg_form, SbgForm::MonthlyPolarisation);
        // Without an override of the model a key of the other one is
        // still an error.
        assert!(with_sets(SBG_AB, &["churn.monthly=0.08", "churn.model=sbg"]).is_ok());
        let e = error(&format!("{SBG_AB}[pricing]\nmonthly = 5\n").replace("sbg", "constant"));
        assert!(e.message().contains("does not apply"), "{e}");
    }

    #[test]
    fn percentages_are_read_as_fractions() {
        let m = model("name = \"x\"\n[churn]\nmonthly = \"5% to 10%\"").unwrap();
        assert_eq!(
            *m.param(Param::ChurnMonthly),
            Uncertain::LogInterval { p5: 0.05, p95: 0.1 }
        );
        let m = model("name = \"x\"\n[churn]\nmonthly = \"6%\"").unwrap();
        assert_eq!(*m.param(Param::ChurnMonthly), Uncertain::fixed(0.06));
        let e = error("name = \"x\"\n[churn]\nmonthly = \"5 to 10%\"");
        assert_eq!(e.allowed(), Some("\"a to b\" or \"a% to b%\""));
    }

    #[test]
    fn draws_mostly_outside_the_valid_range_are_an_error_with_a_hint() {
        let e = error("name = \"x\"\n[churn]\nmonthly = \"5 to 10\"");
        assert_eq!(e.key(), Some("churn.monthly"));
        assert_eq!(e.value(), Some("\"5 to 10\""));
        assert!(
            e.message().contains(
                "100 % of the draws of \"5 to 10\" fall outside its valid range (within 0..=1)"
            ),
            "{e}"
        );
        assert!(
            e.message().contains(
                "churn.monthly is a fraction: did you mean \"0.05 to 0.1\" (or \"5% to 10%\")?"
            ),
            "{e}"
        );
        // Through --set, named as the source.
        let e = with_sets("name = \"x\"", &["churn.monthly=\"5 to 10\""]).unwrap_err();
        assert_eq!(e.source_name(), Some("--set"));
        // A distribution that is not a percentage gets no hint.
        let e = error("name = \"x\"\n[pricing]\nmonthly = \"-40 to -10\"");
        assert!(!e.message().contains("did you mean"), "{e}");
        // Half or fewer outside: allowed (and clamped, with a warning).
        model("name = \"x\"\n[churn]\nmonthly = { dist = \"uniform\", min = -0.1, max = 0.1 }")
            .unwrap();
    }

    #[test]
    fn builtin_default_is_valid() {
        Scenario::builtin_default().model().unwrap();
    }
}
