//! Pure functions over the model: totals per department, per category and overall,
//! and indicator statistics per project. Exact decimal arithmetic, no I/O.

use indexmap::IndexMap;
use rust_decimal::Decimal;

use crate::model::Project;
use crate::value::Kind;

/// Sums of a group of projects, in 万元.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Tables in the group.
    pub projects: usize,
    /// Their 年度资金总额 added up (a table without one counts 0).
    pub total: Decimal,
    /// Their 财政拨款 added up.
    pub fiscal: Decimal,
    /// Their 非财政拨款 added up.
    pub non_fiscal: Decimal,
}

impl Totals {
    fn add(&mut self, p: &Project) {
        self.projects += 1;
        // Amounts are bounded as they are read (locate), so these cannot reach
        // Decimal's limit in any real batch; saturating keeps a hostile one from a panic.
        self.total = self.total.saturating_add(p.funds.total.unwrap_or_default());
        self.fiscal = self
            .fiscal
            .saturating_add(p.funds.fiscal.unwrap_or_default());
        self.non_fiscal = self
            .non_fiscal
            .saturating_add(p.funds.non_fiscal.unwrap_or_default());
    }
}

/// The totals of all projects.
pub fn grand_total(projects: &[Project]) -> Totals {
    totals(projects)
}

/// The totals of some projects.
pub fn totals<'a>(projects: impl IntoIterator<Item = &'a Project>) -> Totals {
    let mut t = Totals::default();
    projects.into_iter().for_each(|p| t.add(p));
    t
}

/// Projects grouped by a key, in the order the keys first appear.
pub fn group_by(
    projects: &[Project],
    key: impl Fn(&Project) -> String,
) -> IndexMap<String, Vec<&Project>> {
    let mut groups: IndexMap<String, Vec<&Project>> = IndexMap::new();
    for p in projects {
        groups.entry(key(p)).or_default().push(p);
    }
    groups
}

/// The 主管部门 of a project, or a placeholder for a table without one.
pub fn department_of(p: &Project) -> String {
    p.department
        .clone()
        .unwrap_or_else(|| "（未填主管部门）".to_string())
}

/// Totals per 主管部门, in the order departments first appear.
pub fn by_department(projects: &[Project]) -> IndexMap<String, Totals> {
    totals_by(projects, department_of)
}

/// Totals per 一级项目 (the project category), in the order categories first appear.
pub fn by_category(projects: &[Project]) -> IndexMap<String, Totals> {
    totals_by(projects, |p| {
        p.level1_project
            .clone()
            .unwrap_or_else(|| "（未填一级项目）".to_string())
    })
}

fn totals_by(projects: &[Project], key: impl Fn(&Project) -> String) -> IndexMap<String, Totals> {
    let mut out: IndexMap<String, Totals> = IndexMap::new();
    for p in projects {
        out.entry(key(p)).or_default().add(p);
    }
    out
}

/// What a project's indicators are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndicatorStats {
    /// Indicators per 一级指标, in the order they appear.
    pub by_level1: IndexMap<String, usize>,
    /// Indicators whose 指标值 is a comparison with a number (≥95%, ＝1次).
    pub quantitative: usize,
    /// Indicators whose 指标值 is words (有所提升, 良好).
    pub qualitative: usize,
    /// Indicators whose 指标值 is blank, a placeholder or a formula's error value.
    pub missing: usize,
    /// The money-valued 成本指标, in 万元 (what `cost-sum` compares with the total).
    pub cost_money: Decimal,
}

impl IndicatorStats {
    /// How many indicators have an 一级指标 starting with `prefix` (产出, 效益 …).
    pub fn count(&self, prefix: &str) -> usize {
        self.by_level1
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(_, n)| n)
            .sum()
    }

    /// How many indicators the project has, whatever their 指标值.
    pub fn total(&self) -> usize {
        self.quantitative + self.qualitative + self.missing
    }
}

/// The counts a 汇总 row gives of a project's indicators: 产出, 效益 and 满意度
/// indicators, and all of them.
pub type RollupCounts = [usize; 4];

/// [`RollupCounts`] of `p`.
pub fn rollup_counts(p: &Project) -> RollupCounts {
    let s = indicator_stats(p);
    [
        s.count("产出"),
        s.count("效益"),
        s.count("满意度"),
        s.total(),
    ]
}

/// The indicator statistics of one project.
pub fn indicator_stats(p: &Project) -> IndicatorStats {
    let mut s = IndicatorStats::default();
    for i in &p.indicators {
        *s.by_level1.entry(i.level1.clone()).or_default() += 1;
        match i.value.kind() {
            Kind::Quantitative => s.quantitative += 1,
            Kind::Qualitative => s.qualitative += 1,
            Kind::Missing => s.missing += 1,
        }
        s.cost_money = s
            .cost_money
            .saturating_add(crate::framework::money_cost(i).unwrap_or_default());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::clean;

    #[test]
    fn the_seed_department_totals_86_52() {
        let mut projects = Vec::new();
        for (name, total) in [
            ("a", "24.02"),
            ("b", "10.00"),
            ("c", "30.00"),
            ("d", "22.50"),
        ] {
            let mut p = clean();
            p.level2_project = Some(name.into());
            p.funds.total = Some(total.parse().unwrap());
            p.funds.fiscal = p.funds.total;
            projects.push(p);
        }
        let mut other = clean();
        other.department = Some("黔南州财政局".into());
        other.level1_project = Some("特定目标-单位发展专项".into());
        projects.push(other);
        let by = by_department(&projects);
        assert_eq!(
            by.keys().collect::<Vec<_>>(),
            ["中共黔南州直属机关工作委员会", "黔南州财政局"]
        );
        let gw = &by["中共黔南州直属机关工作委员会"];
        assert_eq!(
            (gw.projects, gw.total.to_string(), gw.fiscal.to_string()),
            (4, "86.52".into(), "86.52".into())
        );
        assert_eq!(grand_total(&projects).total.to_string(), "110.54");
        assert_eq!(by_category(&projects).len(), 2);
        let sum: Decimal = by.values().map(|t| t.total).sum();
        assert_eq!(
            sum,
            grand_total(&projects).total,
            "the roll-up of departments equals the whole"
        );
    }

    #[test]
    fn indicator_statistics() {
        let s = indicator_stats(&clean());
        assert_eq!(
            (s.count("产出"), s.count("效益"), s.count("满意度")),
            (7, 1, 1)
        );
        assert_eq!(
            (s.quantitative, s.qualitative, s.missing, s.total()),
            (8, 1, 0, 9)
        );
        assert_eq!(s.cost_money.to_string(), "24.02");
    }
}
