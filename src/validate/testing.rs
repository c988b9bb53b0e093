//! The rules' tests' own helper; the projects they check are [`crate::testing`]'s.

pub use crate::testing::{clean, push};

/// The rule ids a project's findings carry.
pub fn rules(findings: &[super::Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.rule.as_str()).collect()
}
