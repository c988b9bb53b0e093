//! The indicator model every table is mapped into, whatever its layout.
//!
//! Field names are a contract with other systems (see README): keep them, add freely.
//! Money is `Decimal` in 万元, serialised as a string ("24.02"). Every value keeps
//! the cell it came from.

use indexmap::IndexMap;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::rule::Rule;
pub use crate::rule::Severity;
use crate::value::Value;

/// Where a table was found: the file, its sheet and the A1 range it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Source {
    /// The workbook as findings name it: the path given or walked, or
    /// `archive.zip/inner.xlsx` for a workbook read from a .zip.
    pub file: String,
    /// The worksheet's name as the workbook spells it.
    pub sheet: String,
    /// The cells the table covers, as an A1 range (`A1:F27`).
    pub range: String,
    /// Codes a budget system wrote before names (`820001-某某镇人民政府`), by field:
    /// the names in the model are without them. `None` when there are none, as in
    /// most tables: boxed, since every table and every version's key holds a source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codes: Option<Box<IndexMap<String, String>>>,
}

/// One performance target table: a project's header block and its indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Project {
    /// Where the table was read.
    pub source: Source,
    /// The title above the table (黔南州2024年项目支出绩效目标批复表), as written.
    pub title: Option<String>,
    /// Which table of the year this is, from its title: 申报, 批复, 监控 or 自评.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    /// The budget year, read from the title (黔南州2024年… gives 2024).
    pub year: Option<u16>,
    /// 一级项目名称: the project category.
    pub level1_project: Option<String>,
    /// 二级项目名称: the project itself.
    pub level2_project: Option<String>,
    /// 主管部门.
    pub department: Option<String>,
    /// 实施单位.
    pub implementer: Option<String>,
    /// Always "万元": amounts are normalised to it.
    pub unit: String,
    /// The unit the table was written in ("元" or "万元").
    pub source_unit: String,
    /// The 资金情况 block: what the project is funded with this year.
    pub funds: Funds,
    /// What the year's budget became, in a 自评表 or 监控表 (年初预算数, 全年预算数,
    /// 全年执行数 … of 年度资金总额).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<Box<Execution>>,
    /// 年度总体目标, exactly as written.
    pub goal: Option<String>,
    /// The 实施期 (multi-year) goal, where the table gives one beside the annual goal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_period: Option<String>,
    /// 实际完成情况 of the goal, in a 自评表.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goal_actual: Option<String>,
    /// The indicator grid's rows, top to bottom.
    pub indicators: Vec<Indicator>,
    /// The A1 cell of each header field, by field name (`department` → `C5`).
    pub cells: IndexMap<String, String>,
}

/// The 资金情况 block, in 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Funds {
    /// 年度资金总额.
    pub total: Option<Decimal>,
    /// 财政拨款.
    pub fiscal: Option<Decimal>,
    /// 非财政拨款.
    pub non_fiscal: Option<Decimal>,
    /// Any other listed source (上年结转, 自有资金 beside 非财政拨款, …), by label.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub other: IndexMap<String, Decimal>,
    /// The whole period's amount (中期, 实施期, 项目总预算) beside the annual one: not
    /// part of the year's sum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Decimal>,
}

impl Funds {
    /// 年度资金总额, 财政拨款 and 非财政拨款, those present, to change in place.
    pub fn main_mut(&mut self) -> impl Iterator<Item = &mut Decimal> {
        [&mut self.total, &mut self.fiscal, &mut self.non_fiscal]
            .into_iter()
            .flatten()
    }
}

/// The 项目资金 columns of a 自评表 (财预〔2020〕10号: 年初预算数 | 全年预算数 | 全年执行数 |
/// 分值 | 执行率 | 得分) or 监控表 (年初预算数 | 1-N月执行数 | 执行率), on the 年度资金总额
/// line. Amounts in 万元; the rate and score as written, for `score` to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Execution {
    /// 年初预算数.
    pub initial: Option<Decimal>,
    /// 全年预算数 (the budget after the year's adjustments).
    pub budget: Option<Decimal>,
    /// 全年执行数 (监控表: executed so far).
    pub executed: Option<Decimal>,
    /// 全年预计执行数 (监控表).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Decimal>,
    /// 分值 of 预算执行率.
    pub weight: Option<Decimal>,
    /// 执行率, as written.
    pub rate: Option<String>,
    /// 得分, as written.
    pub score: Option<String>,
}

/// One row of the indicator grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Indicator {
    /// 一级指标 (产出指标, 效益指标, …).
    pub level1: String,
    /// 二级指标 (数量指标, 社会效益指标, …).
    pub level2: String,
    /// 三级指标: the indicator's name, written by the department.
    pub name: String,
    /// 指标值: the target as written, with the operator, number and unit read from it.
    pub value: Value,
    /// 说明 / 备注.
    pub note: Option<String>,
    /// 指标性质 (定量/定性) where the table has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nature: Option<String>,
    /// 指标方向 (正向/反向) where the table has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<String>,
    /// 权重 / 分值 where the table has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<Decimal>,
    /// 评分标准 where the table has it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<String>,
    /// 实际完成值 (自评表) or the value reached so far (监控表), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// 得分 (自评表), as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    /// 偏差原因分析及改进措施.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
    /// Every other column of the grid, by its header as written: nothing is dropped.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub extra: IndexMap<String, String>,
    /// The A1 cell of the 指标值.
    pub cell: String,
    /// The A1 cell of each column read.
    pub cells: IndicatorCells,
}

impl Indicator {
    /// An indicator with its four essential parts and nothing else: no note, no
    /// optional columns, no cells.
    pub fn new(level1: &str, level2: &str, name: &str, value: Value) -> Indicator {
        Indicator {
            level1: level1.to_string(),
            level2: level2.to_string(),
            name: name.to_string(),
            value,
            note: None,
            nature: None,
            direction: None,
            weight: None,
            scoring: None,
            actual: None,
            score: None,
            deviation: None,
            extra: IndexMap::new(),
            cell: String::new(),
            cells: IndicatorCells::default(),
        }
    }
}

/// Where each part of an indicator was read; a merged value reports its merge's
/// first cell, a 一级/二级 carried down an unmerged run the cell it was written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct IndicatorCells {
    /// The 一级指标's cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level1: Option<String>,
    /// The 二级指标's cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level2: Option<String>,
    /// The 三级指标's (the name's) cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The 指标值's cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The 说明 / 备注 cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The 分值 cell of a 自评表's row, where the grid has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    /// The 实际完成值 cell of a 自评表's or 监控表's row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// The 得分 cell of a 自评表's row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<String>,
    /// The 偏差原因分析及改进措施 cell of a 自评表's row.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation: Option<String>,
}

/// A column of a 自评表's or 监控表's 项目资金 block: what the reader finds by its header
/// and what a stage's layout writes there (`value = "executed"` in its TOML).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FundColumn {
    /// 年初预算数.
    Initial,
    /// 全年预算数 (调整后预算数).
    Budget,
    /// 全年执行数, 1-N月执行数, 实际支出数: the department's.
    Executed,
    /// 全年预计执行数 (监控表): the department's.
    Expected,
    /// 分值 of 预算执行率.
    Weight,
    /// 执行率 = 执行数 ÷ 全年预算数 (a formula where jixiao writes it).
    Rate,
    /// 得分 of 预算执行率 (a formula where jixiao writes it).
    Score,
}

/// A problem in a submission: data, not an error. It names the file, sheet and cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The rule's severity, or the one the configuration gave it.
    pub severity: Severity,
    /// The rule it was found under; in JSON its stable id (`funds-sum`).
    pub rule: Rule,
    /// The workbook, as [`Source::file`] names it.
    pub file: String,
    /// The worksheet, unless the finding is about the whole file.
    pub sheet: Option<String>,
    /// The A1 cell (`D6`) the finding is about, when there is one.
    pub cell: Option<String>,
    /// What is wrong, in Chinese.
    pub message: String,
}

impl Diagnostic {
    /// A finding about a whole file, with its rule's severity.
    pub fn file(rule: Rule, file: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: rule.severity(),
            rule,
            file: file.to_string(),
            sheet: None,
            cell: None,
            message: message.into(),
        }
    }

    /// A finding about one cell of a project's sheet, with its rule's severity.
    pub fn at(rule: Rule, source: &Source, cell: Option<&str>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: rule.severity(),
            rule,
            file: source.file.clone(),
            sheet: Some(source.sheet.clone()),
            cell: cell.map(str::to_string),
            message: message.into(),
        }
    }
}

/// What `extract` produces: every project found, and every finding on the way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Extraction {
    /// Every table found, in input order.
    pub projects: Vec<Project>,
    /// The reader's findings: files refused, cells left out, labels not understood.
    pub diagnostics: Vec<Diagnostic>,
    /// The files read, as findings name them, in input order.
    #[serde(default, skip)]
    pub files: Vec<String>,
    /// What was left out while walking the folders (files that are no spreadsheets,
    /// pipes and devices, folders reached twice through a link), one line each in
    /// Chinese, for the caller to show: never printed by the library.
    #[serde(default, skip)]
    pub left_out: Vec<String>,
}

impl Extraction {
    /// True when a file was refused (an error diagnostic from the reader).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}
