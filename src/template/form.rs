//! A stage's form in a layout file: the header rows, the 项目资金 block, the goal and the
//! indicator grid of a 申报表, 监控表 or 自评表 (templates/shenbao.toml, jiankong.toml,
//! ziping.toml). The official 批复表 has none: its writer is the seed's 附表7.

use serde::Deserialize;

/// Which table of the year a layout is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Stage {
    /// 申报表: what a department asks for, before the budget is approved.
    #[serde(rename = "申报")]
    Shenbao,
    /// 批复表: the targets as approved with the budget (the official 附表7).
    #[serde(rename = "批复")]
    Pifu,
    /// 监控表: the year's progress against the targets, up to a month.
    #[serde(rename = "监控")]
    Jiankong,
    /// 自评表: the department's own evaluation after the year, with its scores.
    #[serde(rename = "自评")]
    Ziping,
}

impl Stage {
    /// The stage as the model names it (`Project::stage`).
    pub fn name(self) -> &'static str {
        match self {
            Stage::Shenbao => "申报",
            Stage::Pifu => "批复",
            Stage::Jiankong => "监控",
            Stage::Ziping => "自评",
        }
    }
}

/// The parts of a stage's table below its title, top to bottom.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The month a 监控表 reports up to: `{month}` in any label becomes it (1-6月执行数).
    #[serde(default)]
    pub(crate) month: Option<u8>,
    /// The header block, a row each: one field across the row, or two side by side.
    pub(crate) header: Vec<Vec<HeaderCell>>,
    pub(crate) funds: FundsBlock,
    pub(crate) goal: GoalBlock,
    pub(crate) grid: GridForm,
}

/// A label of the header block and the field its value holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderCell {
    pub label: String,
    pub field: HeaderField,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeaderField {
    Level1Project,
    Level2Project,
    Department,
    Implementer,
}

/// The 项目资金 block: its label down the left, a line per source; with `columns`, the
/// amounts of each line under them (年初预算数 | 全年预算数 | 全年执行数 …), else one
/// amount a line.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundsBlock {
    pub label: String,
    pub lines: Vec<FundLine>,
    #[serde(default)]
    pub columns: Vec<FundColumn>,
}

/// A line of the 项目资金 block: its label and the amount it shows — `total`, `fiscal`,
/// `non_fiscal`, or another source by the label the reader keeps it under (上年结转).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundLine {
    pub label: String,
    pub amount: String,
}

/// What a line's amount is, from [`FundLine::amount`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amount<'a> {
    Total,
    Fiscal,
    NonFiscal,
    Other(&'a str),
}

impl FundLine {
    pub fn amount(&self) -> Amount<'_> {
        match self.amount.as_str() {
            "total" => Amount::Total,
            "fiscal" => Amount::Fiscal,
            "non_fiscal" => Amount::NonFiscal,
            other => Amount::Other(other),
        }
    }
}

/// A column of the 项目资金 block and what stands in it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FundColumn {
    pub header: String,
    pub value: FundValue,
}

/// What a 项目资金 column holds: the same columns the reader finds by their headers.
pub use crate::model::FundColumn as FundValue;

/// 年度总体目标: one text across, or 预期目标 beside 实际完成情况, each over its text.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalBlock {
    pub label: String,
    #[serde(default)]
    pub planned: Option<String>,
    #[serde(default)]
    pub actual: Option<String>,
    /// Hint shown on the 实际完成情况 cell.
    #[serde(default)]
    pub hint: Option<String>,
}

/// The indicator grid: the vertical label down column A, then its columns.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridForm {
    pub label: String,
    pub columns: Vec<GridColumn>,
    /// The row closing the grid (总分), with the sums of 分值 and 得分.
    #[serde(default)]
    pub total: Option<String>,
    /// Rows the blank form offers.
    #[serde(default = "default_blank_rows")]
    pub blank_rows: u32,
}

fn default_blank_rows() -> u32 {
    24
}

/// A column of the grid: its header as printed, what it holds, and for the cells a
/// department fills, an input hint and the choices of a dropdown.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GridColumn {
    pub header: String,
    pub content: Content,
    #[serde(default)]
    pub hint: Option<String>,
    #[serde(default)]
    pub choices: Vec<String>,
}

/// What a grid column holds, by the model's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Content {
    Level1,
    Level2,
    Name,
    /// The 指标值 as written, operator and unit included (＝1次).
    Value,
    /// The 指标值 split: its operator (符号), its number, its unit (计量单位).
    Op,
    Number,
    Unit,
    /// 指标性质: 定量 or 定性.
    Nature,
    Direction,
    /// 权重 / 分值.
    Weight,
    /// 评(扣)分标准.
    Scoring,
    Note,
    /// 实际完成值 (监控表: 1-N月实际完成值): the department's.
    Actual,
    /// 得分: a formula for a quantitative target, the department's grade for a
    /// qualitative one.
    Score,
    /// 偏差原因分析及改进措施.
    Deviation,
    /// Any other column (完成可能性, 改进措施 …), kept under its header.
    Extra,
}

impl Form {
    /// `text` with `{month}` replaced.
    pub(crate) fn words(&self, text: &str) -> String {
        match self.month {
            Some(m) => text.replace("{month}", &m.to_string()),
            None => text.to_string(),
        }
    }

    /// The grid column holding `content`, counted from column B.
    pub(crate) fn column(&self, content: Content) -> Option<usize> {
        self.grid.columns.iter().position(|c| c.content == content)
    }

    /// The 项目资金 column holding `value`.
    pub(crate) fn fund_column(&self, value: FundValue) -> Option<usize> {
        self.funds.columns.iter().position(|c| c.value == value)
    }

    /// Says in Chinese what does not fit together, for a layout file a bureau wrote.
    ///
    /// # Errors
    /// When the widths do not match the grid, a header row has no or more than two
    /// fields, the 项目资金 columns do not fit beside their labels, or a formula lacks
    /// the cells it is computed from.
    pub(crate) fn check(&self, widths: &[f64]) -> Result<(), String> {
        // The message alone: the layout's error says which file it is about.
        macro_rules! bail {
            ($($arg:tt)*) => {
                return Err(format!($($arg)*))
            };
        }
        let n = self.grid.columns.len();
        if widths.len() != n + 1 {
            bail!(
                "[columns] widths 应有 {} 个（“{}”一列加指标表的 {n} 列），实有 {} 个",
                n + 1,
                self.grid.label,
                widths.len()
            );
        }
        if n < 4 {
            bail!("指标表至少应有 4 列（一级指标、二级指标、三级指标、指标值）");
        }
        for content in [Content::Level1, Content::Level2, Content::Name] {
            if self.column(content).is_none() {
                bail!("指标表缺少 {content:?} 列（一级指标、二级指标、三级指标）");
            }
        }
        if self.column(Content::Value).is_none() && self.column(Content::Number).is_none() {
            bail!("指标表缺少指标值列（content = \"value\" 或 \"number\"）");
        }
        for row in &self.header {
            if row.is_empty() || row.len() > 2 {
                bail!("表头每行应有 1 或 2 个字段，有一行是 {} 个", row.len());
            }
        }
        if self.funds.lines.is_empty() {
            bail!("项目资金至少应有一行（年度资金总额）");
        }
        if self.funds.lines[0].amount() != Amount::Total {
            bail!("项目资金的第一行应为年度资金总额（amount = \"total\"）");
        }
        let k = self.funds.columns.len();
        if k + 3 > n + 1 {
            bail!(
                "项目资金有 {k} 列，指标表只有 {n} 列，放不下（需至少 {} 列）",
                k + 2
            );
        }
        let has = |v| self.fund_column(v).is_some();
        if has(FundValue::Rate)
            && !(has(FundValue::Executed) && (has(FundValue::Budget) || has(FundValue::Initial)))
        {
            bail!("执行率由执行数和预算数算出：项目资金需有执行数和预算数列");
        }
        if has(FundValue::Score) && !(has(FundValue::Rate) && has(FundValue::Weight)) {
            bail!("预算执行率的得分由执行率和分值算出：项目资金需有执行率和分值列");
        }
        if self.column(Content::Score).is_some()
            && !(self.column(Content::Weight).is_some() && self.column(Content::Actual).is_some())
        {
            bail!("得分由分值和实际完成值算出：指标表需有分值和实际完成值列");
        }
        if self.grid.total.is_some()
            && self.column(Content::Weight).is_none()
            && self.column(Content::Score).is_none()
        {
            bail!("总分一行需要分值或得分列");
        }
        Ok(())
    }
}
