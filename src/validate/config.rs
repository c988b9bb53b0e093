//! Severities and thresholds of the rules: defaults, a TOML file, `--deny` and `--allow`.
//!
//! ```toml
//! # jixiao.toml
//! [rules.cost-sum]
//! severity = "error"        # error | warning | off
//! tolerance = "0.01"        # 万元
//!
//! [rules.missing-unit]
//! severity = "off"
//! ```

use crate::rule::{Rule, UnknownRule};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::model::{Diagnostic, Severity};

/// What a rule's findings become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The rule's findings are errors: the exit status becomes 1.
    Error,
    /// The rule's findings are warnings.
    Warning,
    /// The rule's findings are dropped.
    Off,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleConfig {
    severity: Option<Level>,
    tolerance: Option<Decimal>,
}

/// Why a configuration file was refused; it says which file, and the cause below it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read as a settings file.
    #[error("无法读取配置文件 {}", path.display())]
    Read {
        /// The configuration file, as given.
        path: PathBuf,
        /// What went wrong reading it.
        #[source]
        source: crate::SettingsFileError,
    },
    /// The file's text is not a configuration of the rules.
    #[error("无法读取配置文件 {}", path.display())]
    Invalid {
        /// The configuration file, as given.
        path: PathBuf,
        /// What is wrong with its text.
        #[source]
        source: InvalidConfig,
    },
}

/// Why a configuration's text was refused.
#[derive(Debug, thiserror::Error)]
pub enum InvalidConfig {
    /// Not valid TOML, or a key or value the configuration does not have.
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// A `[rules.…]` table for a rule id that does not exist.
    #[error(transparent)]
    UnknownRule(#[from] UnknownRule),
}

/// The configuration of the rules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    rules: BTreeMap<String, RuleConfig>,
}

impl Config {
    /// Reads a TOML configuration file.
    ///
    /// # Errors
    /// [`ConfigError::Read`] when the file is not a regular file or is past 1 MB, or
    /// cannot be read; [`ConfigError::Invalid`] when it is not valid TOML or names an
    /// unknown rule.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let text = crate::small_file::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_toml(&text).map_err(|source| ConfigError::Invalid {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Parses a TOML configuration.
    ///
    /// # Errors
    /// When the text is not valid TOML or names an unknown rule.
    pub fn from_toml(text: &str) -> Result<Config, InvalidConfig> {
        let config: Config = toml::from_str(text)?;
        for id in config.rules.keys() {
            id.parse::<Rule>()?;
        }
        Ok(config)
    }

    /// Sets a rule's level, as `--deny` (error) and `--allow` (off) do.
    ///
    /// # Errors
    /// [`UnknownRule`] when no rule has that id.
    pub fn set(&mut self, id: &str, level: Level) -> Result<(), UnknownRule> {
        let rule: Rule = id.parse()?;
        self.rules
            .entry(rule.as_str().to_string())
            .or_default()
            .severity = Some(level);
        Ok(())
    }

    /// The amount two sums may differ by, in 万元 (default 0: exact).
    pub fn tolerance(&self, id: &str) -> Decimal {
        self.rules
            .get(id)
            .and_then(|r| r.tolerance)
            .unwrap_or_default()
            .abs()
    }

    /// The diagnostic with its configured severity, or `None` when the rule is off.
    pub fn apply(&self, mut d: Diagnostic) -> Option<Diagnostic> {
        match self.rules.get(d.rule.as_str()).and_then(|r| r.severity) {
            Some(Level::Off) => None,
            Some(Level::Error) => {
                d.severity = Severity::Error;
                Some(d)
            }
            Some(Level::Warning) => {
                d.severity = Severity::Warning;
                Some(d)
            }
            None => Some(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_toml_and_flags() {
        let mut c =
            Config::from_toml("[rules.cost-sum]\nseverity = \"error\"\ntolerance = \"0.01\"\n")
                .unwrap();
        assert_eq!(c.tolerance("cost-sum"), "0.01".parse().unwrap());
        assert_eq!(c.tolerance("funds-sum"), Decimal::ZERO);
        let d = Diagnostic::file(Rule::CostSum, "a.xlsx", "x");
        assert_eq!(c.apply(d.clone()).unwrap().severity, Severity::Error);
        c.set("cost-sum", Level::Off).unwrap();
        assert!(c.apply(d).is_none());
        assert!(c.set("no-such-rule", Level::Off).is_err());
        assert!(Config::from_toml("[rules.nope]\nseverity = \"off\"").is_err());
        assert!(Config::from_toml("[rules.cost-sum]\nseverity = \"loud\"").is_err());
    }
}
