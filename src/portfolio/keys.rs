//! The keys of a portfolio that `compare --with`, `sweep --param` and
//! `sensitivity` change: the person's (`owner.capacity_hours_monthly`,
//! `semi_passive.min_net_monthly`, ...), and a hustle's scenario keys
//! written `hustle.N.KEY`, N counting the hustles from 1 in file order
//! (`hustle.2.churn.monthly`). A hustle's key means what `--set` means to
//! that hustle's scenario; the person's what it means in the portfolio's
//! `[owner]` or `[semi_passive]`.

use super::file::{OWNER_KEYS, SEMI_PASSIVE_KEYS};
use crate::error::InputError;
use crate::scenario::keys::{Param, key_kind, suggest};

/// Whose key it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Who {
    /// The person: the portfolio's `[owner]` and `[semi_passive]`.
    Person,
    /// Hustle N, counting from 1 in file order.
    Hustle(usize),
}

/// A key of a portfolio: whose it is and the key itself (a person's key
/// as the portfolio writes it, or a scenario key of the hustle).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortfolioKey {
    /// Whose key it is.
    pub who: Who,
    /// The key: `owner.hourly_value`, or a hustle's `churn.monthly`.
    pub key: String,
}

/// The person's keys, `[owner]`'s then `[semi_passive]`'s.
pub fn person_keys() -> impl Iterator<Item = String> {
    OWNER_KEYS.iter().map(|k| format!("owner.{k}")).chain(
        SEMI_PASSIVE_KEYS
            .iter()
            .map(|k| format!("semi_passive.{k}")),
    )
}

/// What a portfolio of `hustles` hustles takes, in messages.
pub fn allowed(hustles: usize) -> String {
    format!(
        "a person's key ({}) or hustle.N.KEY, N within 1..={hustles} and KEY a key of that \
         hustle's scenario",
        person_keys().collect::<Vec<_>>().join(", ")
    )
}

impl PortfolioKey {
    /// The person's key `key`.
    pub fn person(key: impl Into<String>) -> Self {
        PortfolioKey {
            who: Who::Person,
            key: key.into(),
        }
    }

    /// Scenario key `key` of hustle `n` (from 1).
    pub fn hustle(n: usize, key: impl Into<String>) -> Self {
        PortfolioKey {
            who: Who::Hustle(n),
            key: key.into(),
        }
    }

    /// Reads a key as written (`owner.hourly_value`,
    /// `hustle.2.churn.monthly`) for a portfolio of `hustles` hustles. An
    /// input error with the key and what is allowed otherwise: the
    /// message says what is wrong, with the nearest valid key where there
    /// is one (the caller names the argument and the key before it).
    pub fn parse(written: &str, hustles: usize) -> Result<Self, InputError> {
        let written = written.trim();
        let err = |msg: String| {
            InputError::new(msg)
                .with_key(written)
                .with_allowed(allowed(hustles))
        };
        if let Some(rest) = written.strip_prefix("hustle.") {
            let (n, key) = rest.split_once('.').unwrap_or((rest, ""));
            let n = match n.parse::<usize>() {
                Ok(n) if (1..=hustles).contains(&n) => n,
                Ok(n) => {
                    return Err(err(format!(
                        "the portfolio has no hustle {n}; N counts its {hustles} hustle{} \
                         from 1 in file order (hustle.N.KEY, N within 1..={hustles})",
                        if hustles == 1 { "" } else { "s" }
                    )));
                }
                Err(_) => {
                    return Err(err(
                        "a hustle's key is hustle.N.KEY, N its number from 1 in file order \
                         (e.g. hustle.1.churn.monthly)"
                            .to_string(),
                    ));
                }
            };
            if key == "start_month" || key == "scenario" || key == "set" {
                return Err(err(format!(
                    "a hustle's {key} is written in the portfolio file; hustle.N.KEY takes a \
                     key of the hustle's scenario"
                )));
            }
            if key_kind(key).is_none() {
                let hint = match suggest(key) {
                    Some(s) => format!("; did you mean `hustle.{n}.{s}`?"),
                    None => String::new(),
                };
                return Err(err(format!("unknown scenario key `{key}`{hint}")));
            }
            return Ok(PortfolioKey::hustle(n, key));
        }
        if person_keys().any(|k| k == written) {
            return Ok(PortfolioKey::person(written));
        }
        let msg = match written {
            "owner.quit_below_net" | "owner.quit_after_months" => format!(
                "not the person's key: quitting is each hustle's own rule; write \
                 hustle.N.{written}"
            ),
            k if key_kind(k).is_some() => format!(
                "a scenario key; a portfolio takes it for one hustle, as hustle.N.{k} (N \
                 within 1..={hustles}), or a person's key"
            ),
            k => match nearest_person_key(k) {
                Some(near) => format!("unknown key `{k}`; did you mean `{near}`?"),
                None => format!("unknown key `{k}`"),
            },
        };
        Err(err(msg))
    }

    /// The key as written: `owner.hourly_value`, `hustle.2.churn.monthly`.
    pub fn written(&self) -> String {
        match self.who {
            Who::Person => self.key.clone(),
            Who::Hustle(n) => format!("hustle.{n}.{}", self.key),
        }
    }

    /// The real-valued parameter the key sets, if it is one.
    pub fn param(&self) -> Option<Param> {
        Param::from_key(&self.key)
    }
}

/// The person's key nearest to `word`, if near enough to be a typo.
fn nearest_person_key(word: &str) -> Option<String> {
    person_keys()
        .map(|k| (strsim::jaro_winkler(word, &k), k))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .filter(|(score, _)| *score >= 0.85)
        .map(|(_, k)| k)
}

/// One change to a portfolio: a key and its value, TOML as `--set` takes
/// it (an empty value removes the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortfolioSet {
    /// The key.
    pub key: PortfolioKey,
    /// Its value as written.
    pub value: String,
}

impl PortfolioSet {
    /// Reads `KEY=VALUE` for a portfolio of `hustles` hustles.
    pub fn parse(assignment: &str, hustles: usize) -> Result<Self, InputError> {
        let Some((key, value)) = assignment.split_once('=') else {
            return Err(InputError::new(format!("`{assignment}` is not KEY=VALUE"))
                .with_value(assignment)
                .with_allowed("KEY=VALUE"));
        };
        Ok(PortfolioSet {
            key: PortfolioKey::parse(key, hustles)?,
            value: value.trim().to_string(),
        })
    }

    /// The assignment `--set` takes, for the person's or the hustle's
    /// scenario: `KEY=VALUE` without `hustle.N.`.
    pub fn assignment(&self) -> String {
        format!("{}={}", self.key.key, self.value)
    }

    /// The assignment as written: `hustle.2.churn.monthly=0.1`.
    pub fn written(&self) -> String {
        format!("{}={}", self.key.written(), self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_person_or_a_hustle_by_its_number() {
        assert_eq!(
            PortfolioKey::parse("owner.capacity_hours_monthly", 2).unwrap(),
            PortfolioKey::person("owner.capacity_hours_monthly")
        );
        assert_eq!(
            PortfolioKey::parse("semi_passive.sustain_months", 2).unwrap(),
            PortfolioKey::person("semi_passive.sustain_months")
        );
        let k = PortfolioKey::parse("hustle.2.churn.monthly", 2).unwrap();
        assert_eq!(k, PortfolioKey::hustle(2, "churn.monthly"));
        assert_eq!(k.written(), "hustle.2.churn.monthly");
        assert_eq!(k.param(), Some(Param::ChurnMonthly));
        let s = PortfolioSet::parse("hustle.1.owner.quit_below_net = -50", 2).unwrap();
        assert_eq!(s.assignment(), "owner.quit_below_net=-50");
        assert_eq!(s.written(), "hustle.1.owner.quit_below_net=-50");
    }

    #[test]
    fn other_forms_say_what_is_wrong_and_what_is_allowed() {
        for (bad, says) in [
            ("hustle.3.churn.monthly", "the portfolio has no hustle 3"),
            ("hustle.0.churn.monthly", "the portfolio has no hustle 0"),
            ("hustle.two.churn.monthly", "hustle.N.KEY, N its number"),
            ("hustle.churn.monthly", "hustle.N.KEY, N its number"),
            (
                "hustle.1.churn.montly",
                "did you mean `hustle.1.churn.monthly`?",
            ),
            ("hustle.1", "unknown scenario key ``"),
            ("hustle.1.", "unknown scenario key ``"),
            (
                "hustle.1.start_month",
                "start_month is written in the portfolio file",
            ),
            (
                "churn.monthly",
                "as hustle.N.churn.monthly (N within 1..=2)",
            ),
            ("owner.quit_below_net", "quitting is each hustle's own rule"),
            (
                "owner.capacity_hours",
                "did you mean `owner.capacity_hours_monthly`?",
            ),
            ("horizon_months", "a portfolio takes it for one hustle"),
            ("zzz", "unknown key `zzz`"),
        ] {
            let e = PortfolioKey::parse(bad, 2).unwrap_err();
            assert!(e.message().contains(says), "{bad}: {e}");
            assert_eq!(e.key(), Some(bad));
            let allowed = e.allowed().unwrap();
            assert!(
                allowed.contains("owner.hourly_value") && allowed.contains("hustle.N.KEY"),
                "{allowed}"
            );
        }
        let e = PortfolioSet::parse("owner.hourly_value", 2).unwrap_err();
        assert!(e.message().contains("is not KEY=VALUE"), "{e}");
    }
}
