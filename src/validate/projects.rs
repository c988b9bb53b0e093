//! Rules across projects: `duplicate-project`.

use indexmap::IndexMap;

use super::Finding;
use crate::model::Project;

/// `duplicate-project`: the same 主管部门 and 二级项目名称 in two places, a likely
/// resubmission. Each later occurrence names the first.
pub(crate) fn duplicates(projects: &[Project]) -> Vec<(&Project, Finding)> {
    let mut first: IndexMap<(&str, &str), &Project> = IndexMap::new();
    let mut out = Vec::new();
    for p in projects {
        let (Some(dept), Some(name)) = (p.department.as_deref(), p.level2_project.as_deref())
        else {
            continue;
        };
        match first.get(&(dept, name)) {
            Some(earlier) => {
                let s = &earlier.source;
                let message = format!(
                    "项目“{name}”（{dept}）与 {}:{} 中的项目重复，可能是重复报送",
                    s.file, s.sheet
                );
                out.push((
                    p,
                    Finding::new(
                        "duplicate-project",
                        p.cells.get("level2_project").map(String::as_str),
                        message,
                    ),
                ));
            }
            None => {
                first.insert((dept, name), p);
            }
        }
    }
    out
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
        let found = duplicates(std::slice::from_ref(&a));
        assert!(found.is_empty());
        let projects = [a, b, c];
        let found = duplicates(&projects);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].0.source.file, "机关工委（修改版）.xlsx");
        assert!(
            found[0].1.message.contains("机关工委.xlsx:项目1"),
            "{}",
            found[0].1.message
        );
    }
}
