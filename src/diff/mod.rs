//! What changed between two batches (`jixiao diff OLD NEW`): last year's tables and this
//! year's, or a first submission and the second. Pure: projects in, changes out.
//!
//! Projects are matched by 主管部门 + 二级项目名称 after folding (as `--expect` and
//! `--budget` match names); what is left on each side is paired by similarity — of the
//! names, and of the indicators they hold — so a renamed project is reported as renamed,
//! with both names, not as one removed and one added. Indicators within a project are
//! matched the same way.

mod indicators;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::model::Project;
use crate::season::{NEAR, key, similarity};
use crate::value::money;

/// What happened to a thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only in NEW: a project or indicator that last year's tables did not have.
    Added,
    /// Only in OLD: dropped from NEW.
    Removed,
    /// The same project or indicator under another name (close enough to be taken
    /// for it).
    Renamed,
    /// In both, with a different value (an amount, a 指标值, a goal).
    Changed,
}

impl Kind {
    /// The word a line starts with: 新增, 删除, 更名, 变更.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Added => "新增",
            Kind::Removed => "删除",
            Kind::Renamed => "更名",
            Kind::Changed => "变更",
        }
    }
}

/// A cell of one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    /// The workbook, as findings name it.
    pub file: String,
    /// The worksheet holding the table.
    pub sheet: String,
    /// The A1 cell, when the change is about one cell rather than a whole table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
}

impl Place {
    fn of(p: &Project, cell: Option<&str>) -> Place {
        Place {
            file: p.source.file.clone(),
            sheet: p.source.sheet.clone(),
            cell: cell.map(str::to_string),
        }
    }

    /// `file:sheet!C7`, as findings name a cell.
    pub fn describe(&self) -> String {
        let mut s = format!("{}:{}", self.file, self.sheet);
        if let Some(cell) = &self.cell {
            s.push('!');
            s.push_str(cell);
        }
        s
    }
}

/// One change, on one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Whether the thing was added, removed, renamed or changed.
    pub kind: Kind,
    /// What changed: `project`, `department`, `level1_project`, `implementer`, `goal`,
    /// `funds.total` (`funds.fiscal`, `funds.non_fiscal`, `funds.other.上年结转` …),
    /// `indicator` (added or removed), `indicator.name`, `indicator.value`,
    /// `indicator.level`.
    pub target: String,
    /// The project's 主管部门, as NEW has it (OLD's for a removed project).
    pub department: String,
    /// The project's name (二级项目名称), as NEW has it (OLD's for a removed one).
    pub project: String,
    /// The indicator's name (NEW's, OLD's for a removed one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// The value before, as written (amounts in 万元); none for what was added.
    pub old: Option<String>,
    /// The value after, as written (amounts in 万元); none for what was removed.
    pub new: Option<String>,
    /// For an amount: new − old, in 万元.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub difference: Option<Decimal>,
    /// Where OLD has it; none for what was added.
    pub old_place: Option<Place>,
    /// Where NEW has it; none for what was removed.
    pub new_place: Option<Place>,
    /// What changed in Chinese, after the kind's word (`“机关党建工作”的年度资金总额 …`).
    pub message: String,
}

impl Change {
    /// Where the change is seen: NEW's cell, OLD's for what was removed.
    pub fn place(&self) -> Option<&Place> {
        match self.kind {
            Kind::Removed => self.old_place.as_ref(),
            _ => self.new_place.as_ref().or(self.old_place.as_ref()),
        }
    }

    /// What changed, in a word or two: 项目, 年度资金总额, 指标“创建合格率” ….
    pub fn item(&self) -> String {
        match self.target.as_str() {
            "project" => "项目".to_string(),
            "department" => "主管部门".to_string(),
            "level1_project" => "一级项目名称".to_string(),
            "implementer" => "实施单位".to_string(),
            "goal" => "年度总体目标".to_string(),
            "funds.total" => "年度资金总额".to_string(),
            "funds.fiscal" => "财政拨款".to_string(),
            "funds.non_fiscal" => "非财政拨款".to_string(),
            t if t.starts_with("indicator") => {
                format!("指标“{}”", self.indicator.as_deref().unwrap_or_default())
            }
            t => t.strip_prefix("funds.other.").unwrap_or(t).to_string(),
        }
    }

    /// The concise line: `file:sheet!cell: 变更 …`.
    pub fn line(&self) -> String {
        let text = format!("{} {}", self.kind.word(), self.message);
        match self.place() {
            Some(p) => crate::report::escape_controls(&format!("{}: {text}", p.describe())),
            None => crate::report::escape_controls(&text),
        }
    }
}

/// How a project fares between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectRow {
    /// The project's 主管部门 (NEW's, OLD's for a removed project).
    pub department: String,
    /// The project's name (NEW's, OLD's for a removed project).
    pub project: String,
    /// OLD's name, when the project was renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_project: Option<String>,
    /// 年度资金总额 in OLD, in 万元.
    pub old_total: Option<Decimal>,
    /// 年度资金总额 in NEW, in 万元.
    pub new_total: Option<Decimal>,
    /// `added`, `removed`, `renamed`, `changed`, or none: the same on both sides.
    pub status: Option<Kind>,
    /// Changes within the project (its rename included).
    pub changes: usize,
    /// OLD's table, when OLD has the project.
    pub old_place: Option<Place>,
    /// NEW's table, when NEW has the project.
    pub new_place: Option<Place>,
}

/// Everything that changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// NEW's projects in order (their changes in turn), then those removed, in OLD's.
    pub changes: Vec<Change>,
    /// Every project of either side, one row each, as the 项目对比 sheet lists them.
    pub projects: Vec<ProjectRow>,
    /// The counts the last line of the report gives.
    pub summary: Summary,
}

/// Counts of projects and of changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Tables read on the OLD side.
    pub old_projects: usize,
    /// Tables read on the NEW side.
    pub new_projects: usize,
    /// Projects only in NEW.
    pub added: usize,
    /// Projects only in OLD.
    pub removed: usize,
    /// Projects in both under different names.
    pub renamed: usize,
    /// Projects in both, under one name, with any change (each project is counted in
    /// exactly one of added, removed, renamed, changed and unchanged).
    pub changed: usize,
    /// Projects the same on both sides.
    pub unchanged: usize,
    /// Change lines in all, every project's together.
    pub changes: usize,
}

impl Summary {
    /// The closing line: `旧 4 个项目，新 4 个项目：新增 1 个，删除 1 个，…；共 7 处变更`.
    pub fn line(&self) -> String {
        let head = format!(
            "旧 {} 个项目，新 {} 个项目",
            self.old_projects, self.new_projects
        );
        if self.changes == 0 {
            return format!("{head}：没有变更");
        }
        let parts: Vec<String> = [
            ("新增", self.added),
            ("删除", self.removed),
            ("更名", self.renamed),
            ("有变更", self.changed),
            ("未变", self.unchanged),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(w, n)| format!("{w} {n} 个"))
        .collect();
        format!("{head}：{}；共 {} 处变更", parts.join("，"), self.changes)
    }
}

/// Name similarity: the better of the edit ratio and the share of character pairs in
/// common (Dice), which forgives a word moved or added (党员教育培训 → 党建专项经费-党员教育培训).
pub(crate) fn name_similarity(a: &str, b: &str) -> f64 {
    similarity(a, b).max(dice(a, b))
}

fn dice(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| -> Vec<(char, char)> {
        let c: Vec<char> = s.chars().collect();
        let mut p: Vec<(char, char)> = c.windows(2).map(|w| (w[0], w[1])).collect();
        p.sort_unstable();
        p
    };
    let (x, y) = (pairs(a), pairs(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    // Common pairs, counted as often as both have them.
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (x.len() + y.len()) as f64
}

/// A project's names as matched.
struct Keys {
    dept: String,
    name: String,
    indicators: Vec<String>,
}

impl Keys {
    fn of(p: &Project) -> Keys {
        let mut indicators: Vec<String> = p.indicators.iter().map(|i| key(&i.name)).collect();
        indicators.sort_unstable();
        indicators.dedup();
        Keys {
            dept: key(p.department.as_deref().unwrap_or_default()),
            name: key(p.level2_project.as_deref().unwrap_or_default()),
            indicators,
        }
    }
}

/// The share of indicator names two projects have in common (Jaccard).
fn overlap(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let common = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    common as f64 / (a.len() + b.len() - common) as f64
}

/// Pairs OLD's projects with NEW's: by name, then the rest by similarity. Returns for
/// each of NEW's projects its OLD one, if any.
fn pair_projects(old: &[Project], new: &[Project]) -> Vec<Option<usize>> {
    let old_keys: Vec<Keys> = old.iter().map(Keys::of).collect();
    let new_keys: Vec<Keys> = new.iter().map(Keys::of).collect();
    let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, k) in old_keys.iter().enumerate().rev() {
        by_name
            .entry((k.dept.as_str(), k.name.as_str()))
            .or_default()
            .push(i);
    }
    let mut paired: Vec<Option<usize>> = new_keys
        .iter()
        .map(|k| {
            by_name
                .get_mut(&(k.dept.as_str(), k.name.as_str()))
                .and_then(Vec::pop)
        })
        .collect();
    let mut taken = vec![false; old.len()];
    for o in paired.iter().flatten() {
        taken[*o] = true;
    }
    // The rest: alike departments (compared once a pair of departments), then alike
    // names, or alike names and indicators.
    let by_dept = |keys: &[Keys], skip: &dyn Fn(usize) -> bool| {
        let mut g: indexmap::IndexMap<String, Vec<usize>> = indexmap::IndexMap::new();
        for (i, k) in keys.iter().enumerate().filter(|(i, _)| !skip(*i)) {
            g.entry(k.dept.clone()).or_default().push(i);
        }
        g
    };
    let new_depts = by_dept(&new_keys, &|n| paired[n].is_some());
    let old_depts = by_dept(&old_keys, &|o| taken[o]);
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (nd, ns) in &new_depts {
        for (od, os) in &old_depts {
            // A table that lost (or gained) its 主管部门 is still the same project.
            let ds = if nd.is_empty() || od.is_empty() {
                NEAR
            } else {
                similarity(nd, od)
            };
            if ds < NEAR {
                continue;
            }
            for &n in ns {
                for &o in os {
                    let (nk, ok) = (&new_keys[n], &old_keys[o]);
                    let names = name_similarity(&nk.name, &ok.name);
                    if names < 0.4 {
                        continue;
                    }
                    let content = overlap(&nk.indicators, &ok.indicators);
                    if names >= NEAR || content >= 0.5 {
                        pairs.push((ds + names + content, n, o));
                    }
                }
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, n, o) in pairs {
        if paired[n].is_none() && !taken[o] {
            paired[n] = Some(o);
            taken[o] = true;
        }
    }
    paired
}

fn name(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

/// Compares two batches' projects (each project once: resubmissions resolved first).
pub fn diff(old: &[Project], new: &[Project]) -> Diff {
    let paired = pair_projects(old, new);
    let mut out = Diff::default();
    let mut seen = vec![false; old.len()];
    for (n, p) in new.iter().enumerate() {
        let Some(o) = paired[n] else {
            out.changes.push(project_change(Kind::Added, p));
            out.projects.push(row(None, Some(p), Some(Kind::Added), 0));
            continue;
        };
        seen[o] = true;
        let q = &old[o];
        let changes = compare(q, p);
        let renamed = changes.iter().any(|c| c.target == "project");
        let status = if renamed {
            Some(Kind::Renamed)
        } else if changes.is_empty() {
            None
        } else {
            Some(Kind::Changed)
        };
        out.projects
            .push(row(Some(q), Some(p), status, changes.len()));
        out.changes.extend(changes);
    }
    for (o, q) in old.iter().enumerate() {
        if !seen[o] {
            out.changes.push(project_change(Kind::Removed, q));
            out.projects
                .push(row(Some(q), None, Some(Kind::Removed), 0));
        }
    }
    let count = |k: Option<Kind>| out.projects.iter().filter(|r| r.status == k).count();
    out.summary = Summary {
        old_projects: old.len(),
        new_projects: new.len(),
        added: count(Some(Kind::Added)),
        removed: count(Some(Kind::Removed)),
        renamed: count(Some(Kind::Renamed)),
        changed: count(Some(Kind::Changed)),
        unchanged: count(None),
        changes: out.changes.len(),
    };
    out
}

fn row(
    old: Option<&Project>,
    new: Option<&Project>,
    status: Option<Kind>,
    changes: usize,
) -> ProjectRow {
    let shown = new.or(old).expect("a project on one side");
    let department = [new, old]
        .into_iter()
        .flatten()
        .find_map(|p| p.department.clone().filter(|d| !d.is_empty()))
        .unwrap_or_default();
    let old_name = old.map(|q| name(&q.level2_project));
    ProjectRow {
        department,
        project: name(&shown.level2_project),
        old_project: old_name.filter(|n| new.is_some() && *n != name(&shown.level2_project)),
        old_total: old.and_then(|q| q.funds.total),
        new_total: new.and_then(|p| p.funds.total),
        status,
        changes,
        old_place: old.map(|q| Place::of(q, q.cells.get("level2_project").map(String::as_str))),
        new_place: new.map(|p| Place::of(p, p.cells.get("level2_project").map(String::as_str))),
    }
}

/// A change about `p` as a whole project.
fn base(kind: Kind, target: &str, p: &Project) -> Change {
    Change {
        kind,
        target: target.to_string(),
        department: name(&p.department),
        project: name(&p.level2_project),
        indicator: None,
        old: None,
        new: None,
        difference: None,
        old_place: None,
        new_place: None,
        message: String::new(),
    }
}

fn project_change(kind: Kind, p: &Project) -> Change {
    let department = crate::aggregate::department_of(p);
    let place = Some(Place::of(
        p,
        p.cells.get("level2_project").map(String::as_str),
    ));
    let total = p
        .funds
        .total
        .map(|t| format!("，年度资金总额 {} 万元", money(t)))
        .unwrap_or_default();
    let mut c = base(kind, "project", p);
    c.message = format!(
        "项目“{}”（{department}{total}，{} 个指标）",
        c.project,
        p.indicators.len()
    );
    match kind {
        Kind::Removed => {
            c.old = Some(c.project.clone());
            c.old_place = place;
        }
        _ => {
            c.new = Some(c.project.clone());
            c.new_place = place;
        }
    }
    c
}

/// Text shortened for a line (a goal runs to hundreds of characters).
fn short(s: &str) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 24 {
        return one_line;
    }
    one_line.chars().take(24).collect::<String>() + "…"
}

/// Everything that changed within a project present on both sides.
fn compare(q: &Project, p: &Project) -> Vec<Change> {
    let mut out = Vec::new();
    let at = |p: &Project, field: &str| Some(Place::of(p, p.cells.get(field).map(String::as_str)));
    let change =
        |kind: Kind, target: &str, field: &str, old: Option<String>, new: Option<String>| {
            let mut c = base(kind, target, p);
            c.old = old;
            c.new = new;
            c.old_place = at(q, field);
            c.new_place = at(p, field);
            c
        };
    let texts = [
        (
            "level2_project",
            "project",
            &q.level2_project,
            &p.level2_project,
        ),
        ("department", "department", &q.department, &p.department),
        (
            "level1_project",
            "level1_project",
            &q.level1_project,
            &p.level1_project,
        ),
        ("implementer", "implementer", &q.implementer, &p.implementer),
        ("goal", "goal", &q.goal, &p.goal),
    ];
    for (field, target, a, b) in texts {
        let same = key(a.as_deref().unwrap_or_default()) == key(b.as_deref().unwrap_or_default());
        if same {
            continue;
        }
        let shown = |o: &Option<String>| match o.as_deref().map(crate::text::clean) {
            Some(t) if !t.is_empty() => t.to_string(),
            _ => "（空）".to_string(),
        };
        let (old, new) = (shown(a), shown(b));
        // A name that changed is renamed; one that appeared or went is changed.
        let both = a.as_deref().is_some_and(|t| !t.trim().is_empty())
            && b.as_deref().is_some_and(|t| !t.trim().is_empty());
        let kind = if matches!(target, "project" | "department") && both {
            Kind::Renamed
        } else {
            Kind::Changed
        };
        let mut c = change(kind, target, field, a.clone(), b.clone());
        c.message = match target {
            "project" => format!("项目“{old}” → “{new}”（{}）", c.department),
            "department" => format!("“{}”的主管部门：“{old}” → “{new}”", c.project),
            "goal" => format!(
                "“{}”的年度总体目标：“{}” → “{}”",
                c.project,
                short(&old),
                short(&new)
            ),
            _ => format!("“{}”的{}：“{old}” → “{new}”", c.project, c.item()),
        };
        out.push(c);
    }
    // Each amount by its cell's name in the model: funds.total, funds.other.上年结转 ….
    let mut funds: Vec<(String, Option<Decimal>, Option<Decimal>)> = vec![
        ("funds.total".into(), q.funds.total, p.funds.total),
        ("funds.fiscal".into(), q.funds.fiscal, p.funds.fiscal),
        (
            "funds.non_fiscal".into(),
            q.funds.non_fiscal,
            p.funds.non_fiscal,
        ),
    ];
    let mut labels: Vec<&String> = q.funds.other.keys().collect();
    labels.extend(
        p.funds
            .other
            .keys()
            .filter(|k| !q.funds.other.contains_key(*k)),
    );
    for label in labels {
        funds.push((
            format!("funds.other.{label}"),
            q.funds.other.get(label).copied(),
            p.funds.other.get(label).copied(),
        ));
    }
    for (target, a, b) in funds {
        if a == b {
            continue;
        }
        let shown = |d: Option<Decimal>| d.map_or("未填".to_string(), |d| money(d).to_string());
        let mut c = change(
            Kind::Changed,
            &target,
            &target,
            a.map(|d| money(d).to_string()),
            b.map(|d| money(d).to_string()),
        );
        c.difference = a.zip(b).map(|(a, b)| money(b.saturating_sub(a)));
        let by = c
            .difference
            .map(|d| {
                if d > Decimal::ZERO {
                    format!("（+{d}）")
                } else {
                    format!("（{d}）")
                }
            })
            .unwrap_or_default();
        c.message = format!(
            "“{}”的{} {} → {} 万元{by}",
            c.project,
            c.item(),
            shown(a),
            shown(b)
        );
        out.push(c);
    }
    out.extend(indicators::compare(q, p));
    // A table that lost its 主管部门 is named by the one it had.
    if p.department.as_deref().is_none_or(str::is_empty) {
        for c in &mut out {
            c.department = name(&q.department);
        }
    }
    out
}
