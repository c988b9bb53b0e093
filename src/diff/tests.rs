//! The comparison on projects made here: renamed, added, removed, changed.

use super::*;
use crate::testing::{clean, push};

fn project(name: &str, file: &str, total: &str) -> Project {
    let mut p = clean();
    p.level2_project = Some(name.into());
    p.source.file = file.into();
    p.funds.total = Some(total.parse().unwrap());
    p.cells.insert("level2_project".into(), "F4".into());
    p
}

fn lines(d: &Diff) -> Vec<String> {
    d.changes.iter().map(Change::line).collect()
}

#[test]
fn the_same_batch_has_no_changes() {
    let a = [project("机关党建工作", "a.xlsx", "24.02")];
    let d = diff(&a, &a);
    assert!(d.changes.is_empty());
    assert_eq!(d.summary.unchanged, 1);
    assert_eq!(d.summary.line(), "旧 1 个项目，新 1 个项目：没有变更");
}

#[test]
fn renamed_added_removed_funds_and_indicators() {
    let old = [
        project("机关党建工作", "旧.xlsx", "24.02"),
        project("党员教育培训", "旧.xlsx", "30.00"),
        project("机关档案整理", "旧.xlsx", "5.00"),
    ];
    let mut kept = project("机关党建工作", "新.xlsx", "26.00");
    kept.indicators[1].value = crate::value::Value::parse("≥95%");
    push(
        &mut kept,
        "产出指标",
        "数量指标",
        "党员培训覆盖率",
        "＝100%",
    );
    let mut renamed = project("党建专项经费-党员教育培训", "新.xlsx", "30.00");
    renamed.source.sheet = "项目2".into();
    let added = project("机关食堂改造", "新.xlsx", "12.00");
    let d = diff(&old, &[kept, renamed, added]);
    assert_eq!(
        lines(&d),
        [
            "新.xlsx:项目1!D6: 变更 “机关党建工作”的年度资金总额 24.02 → 26.00 万元（+1.98）",
            "新.xlsx:项目1!E12: 变更 “机关党建工作”的指标“创建合格率”：＝100% → ≥95%",
            "新.xlsx:项目1!D20: 新增 “机关党建工作”的指标“党员培训覆盖率” ＝100%（产出指标/数量指标）",
            "新.xlsx:项目2!F4: 更名 项目“党员教育培训” → “党建专项经费-党员教育培训”（中共黔南州直属机关工作委员会）",
            "新.xlsx:项目1!F4: 新增 项目“机关食堂改造”（中共黔南州直属机关工作委员会，年度资金总额 12.00 万元，9 个指标）",
            "旧.xlsx:项目1!F4: 删除 项目“机关档案整理”（中共黔南州直属机关工作委员会，年度资金总额 5.00 万元，9 个指标）",
        ]
    );
    let s = &d.summary;
    assert_eq!(
        (s.added, s.removed, s.renamed, s.changed, s.unchanged),
        (1, 1, 1, 1, 0)
    );
    assert_eq!(
        s.line(),
        "旧 3 个项目，新 3 个项目：新增 1 个，删除 1 个，更名 1 个，有变更 1 个；共 6 处变更"
    );
    let funds = &d.changes[0];
    assert_eq!(funds.difference, Some("1.98".parse().unwrap()));
    assert_eq!(
        (funds.old.as_deref(), funds.new.as_deref()),
        (Some("24.02"), Some("26.00"))
    );
    let renamed = &d.projects[1];
    assert_eq!(renamed.status, Some(Kind::Renamed));
    assert_eq!(renamed.old_project.as_deref(), Some("党员教育培训"));
}

#[test]
fn a_renamed_indicator_is_one_change() {
    let old = [project("机关党建工作", "a.xlsx", "24.02")];
    let mut new = project("机关党建工作", "a.xlsx", "24.02");
    new.indicators[1].name = "党支部创建合格率".into();
    let d = diff(&old, &[new]);
    assert_eq!(
        lines(&d),
        ["a.xlsx:项目1!D12: 更名 “机关党建工作”的指标“创建合格率” → “党支部创建合格率”"]
    );
    assert_eq!(d.changes[0].target, "indicator.name");
}

#[test]
fn unlike_projects_are_not_taken_for_a_rename() {
    let old = [project("机关档案整理", "a.xlsx", "5.00")];
    let mut new = project("机关食堂改造", "b.xlsx", "12.00");
    new.indicators.truncate(2);
    let d = diff(&old, &[new]);
    let kinds: Vec<Kind> = d.changes.iter().map(|c| c.kind).collect();
    assert_eq!(kinds, [Kind::Added, Kind::Removed]);
}

#[test]
fn name_similarity_forgives_a_word_added() {
    assert!(name_similarity("党员教育培训", "党建专项经费-党员教育培训") >= 0.5);
    assert!(name_similarity("机关档案整理", "机关食堂改造") < 0.4);
}

#[test]
fn a_table_that_lost_its_department_is_still_the_project() {
    let old = [project("机关党建工作", "a.xlsx", "24.02")];
    let mut new = project("机关党建工作", "b.xlsx", "24.02");
    new.department = None;
    new.cells.insert("department".into(), "C5".into());
    let d = diff(&old, &[new]);
    assert_eq!(
        lines(&d),
        [
            "b.xlsx:项目1!C5: 变更 “机关党建工作”的主管部门：“中共黔南州直属机关工作委员会” → “（空）”"
        ]
    );
    assert_eq!(d.changes[0].department, "中共黔南州直属机关工作委员会");
    assert_eq!(d.projects[0].department, "中共黔南州直属机关工作委员会");
}
