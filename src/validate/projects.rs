//! Rules across projects: `duplicate-project`.

use crate::rule::Rule;
use indexmap::IndexMap;

use super::Finding;
use crate::model::{Project, Source};

/// What the cross-project rule needs of a project: far less than the project, so a
/// batch of any size can be checked without holding every table.
#[derive(Debug, Clone)]
pub struct ProjectKey {
    pub department: Option<String>,
    pub name: Option<String>,
    pub source: Source,
    /// The cell of the 二级项目名称.
    pub cell: Option<String>,
    /// 年度资金总额 and its cell, for `--budget`.
    pub total: Option<rust_decimal::Decimal>,
    pub total_cell: Option<String>,
}

impl ProjectKey {
    pub fn of(p: &Project) -> ProjectKey {
        ProjectKey {
            department: p.department.clone(),
            name: p.level2_project.clone(),
            source: p.source.clone(),
            cell: p.cells.get("level2_project").cloned(),
            total: p.funds.total,
            total_cell: p.cells.get("funds.total").cloned(),
        }
    }
}

/// `duplicate-project`: the same 主管部门 and 二级项目名称 in two places, a likely
/// resubmission. Fed projects in input order, it names the first for each later one.
#[derive(Debug, Default)]
pub struct Duplicates {
    first: IndexMap<(String, String), Source>,
}

impl Duplicates {
    /// The finding for `key` if an earlier project had the same department and name.
    pub(crate) fn check(&mut self, key: &ProjectKey) -> Option<Finding> {
        let (Some(dept), Some(name)) = (key.department.as_deref(), key.name.as_deref()) else {
            return None;
        };
        match self.first.get(&(dept.to_string(), name.to_string())) {
            Some(s) => {
                let message = format!(
                    "项目“{name}”（{dept}）与 {}:{} 中的项目重复，可能是重复报送",
                    s.file, s.sheet
                );
                Some(Finding::new(
                    Rule::DuplicateProject,
                    key.cell.as_deref(),
                    message,
                ))
            }
            None => {
                self.first
                    .insert((dept.to_string(), name.to_string()), key.source.clone());
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::clean;
    use super::*;

    #[test]
    fn a_resubmission_names_the_first() {
        let a = clean();
        let mut b = clean();
        b.source.file = "机关工委（修改版）.xlsx".into();
        let mut c = clean();
        c.level2_project = Some("另一个项目".into());
        let mut d = Duplicates::default();
        assert!(d.check(&ProjectKey::of(&a)).is_none());
        let found = d.check(&ProjectKey::of(&b)).expect("a resubmission");
        assert!(
            found.message.contains("机关工委.xlsx:项目1"),
            "{}",
            found.message
        );
        assert!(d.check(&ProjectKey::of(&c)).is_none());
    }
}
