//! The rules findings are made under: each with its stable id (the kebab-case name in
//! JSON, in `--deny`/`--allow` and in the configuration), its default severity and a
//! summary. Findings are built through a rule, so the severity comes from one place.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth a look; the table is still counted and the exit status stays 0.
    Warning,
    /// Must be fixed before the table can be relied on: the exit status becomes 1.
    Error,
}

impl Severity {
    /// The word findings print (`error`, `warning`), as in `error[funds-sum]`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A rule of the reader or of `check`, in the order findings are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// 文件无法读取（损坏、加密、为空或不是电子表格）
    UnreadableFile,
    /// 文件中没有绩效目标表
    NoTable,
    /// 资金金额不是数字
    BadAmount,
    /// 目录中 jixiao 自己写出的汇总或拆分工作簿，未计入
    OwnOutput,
    /// 超出列数上限的单元格被忽略
    IgnoredCells,
    /// 公式没有计算结果，按公式文本读取
    FormulaWithoutValue,
    /// 工作簿中有同名工作表，只读取了第一个
    DuplicateSheet,
    /// 表头中有未能识别的标签，其值未读取
    UnmappedLabel,
    /// 指标值按区域分列且各不相同，未合为一个指标值
    RegionalValue,
    /// 指标表的列名比其内容高一级，按内容读取
    LevelColumns,
    /// 二级项目名称、主管部门或年度资金总额为空
    EmptyField,
    /// 年度资金总额 ≠ 财政拨款 + 非财政拨款（+ 其他来源）
    FundsSum,
    /// 金额类成本指标之和 ≠ 年度资金总额
    CostSum,
    /// 缺少产出、效益或满意度指标
    MissingCategory,
    /// 一级/二级指标不在指标体系内
    UnknownLevel,
    /// 指标值为空、占位符或无法识别
    BadValue,
    /// 定量指标没有计量单位
    MissingUnit,
    /// 时效指标的年份不在预算年度内
    TimelinessYear,
    /// 同一主管部门的同一项目出现两次（重复报送）
    DuplicateProject,
    /// 项目只在被同一部门另一工作簿整体替代的工作簿中，未计入合计
    WithdrawnProject,
    /// 自评表的得分与评分规则算出的不符
    ScoreMismatch,
    /// 自评表中未完成的指标没有填写偏差原因
    MissingDeviationReason,
    /// 自评表中指标没有填写实际完成值
    ActualMissing,
    /// 预算执行率低于要求（默认 90%）
    ExecutionRate,
    /// 定性指标的得分不在其完成档次对应的分值区间内
    QualitativeBand,
    /// 年度资金总额与预算表中该项目的金额不符
    BudgetMismatch,
    /// 预算表中的项目没有报送绩效目标表
    BudgetMissing,
    /// 绩效目标表的项目不在预算表中
    BudgetUnlisted,
}

impl Rule {
    /// Every rule, in the order findings are reported.
    pub const ALL: &'static [Rule] = &[
        Rule::UnreadableFile,
        Rule::NoTable,
        Rule::BadAmount,
        Rule::OwnOutput,
        Rule::IgnoredCells,
        Rule::FormulaWithoutValue,
        Rule::DuplicateSheet,
        Rule::UnmappedLabel,
        Rule::RegionalValue,
        Rule::LevelColumns,
        Rule::EmptyField,
        Rule::FundsSum,
        Rule::CostSum,
        Rule::MissingCategory,
        Rule::UnknownLevel,
        Rule::BadValue,
        Rule::MissingUnit,
        Rule::TimelinessYear,
        Rule::DuplicateProject,
        Rule::WithdrawnProject,
        Rule::ScoreMismatch,
        Rule::MissingDeviationReason,
        Rule::ActualMissing,
        Rule::ExecutionRate,
        Rule::QualitativeBand,
        Rule::BudgetMismatch,
        Rule::BudgetMissing,
        Rule::BudgetUnlisted,
    ];

    /// The stable id (`funds-sum`).
    pub fn as_str(self) -> &'static str {
        match self {
            Rule::UnreadableFile => "unreadable-file",
            Rule::NoTable => "no-table",
            Rule::BadAmount => "bad-amount",
            Rule::OwnOutput => "own-output",
            Rule::IgnoredCells => "ignored-cells",
            Rule::FormulaWithoutValue => "formula-without-value",
            Rule::DuplicateSheet => "duplicate-sheet",
            Rule::UnmappedLabel => "unmapped-label",
            Rule::RegionalValue => "regional-value",
            Rule::LevelColumns => "level-columns",
            Rule::EmptyField => "empty-field",
            Rule::FundsSum => "funds-sum",
            Rule::CostSum => "cost-sum",
            Rule::MissingCategory => "missing-category",
            Rule::UnknownLevel => "unknown-level",
            Rule::BadValue => "bad-value",
            Rule::MissingUnit => "missing-unit",
            Rule::TimelinessYear => "timeliness-year",
            Rule::DuplicateProject => "duplicate-project",
            Rule::WithdrawnProject => "withdrawn-project",
            Rule::ScoreMismatch => "score-mismatch",
            Rule::MissingDeviationReason => "missing-deviation-reason",
            Rule::ActualMissing => "actual-missing",
            Rule::ExecutionRate => "execution-rate",
            Rule::QualitativeBand => "qualitative-band",
            Rule::BudgetMismatch => "budget-mismatch",
            Rule::BudgetMissing => "budget-missing",
            Rule::BudgetUnlisted => "budget-unlisted",
        }
    }

    /// The severity a finding has unless the configuration says otherwise.
    pub fn severity(self) -> Severity {
        match self {
            Rule::UnreadableFile => Severity::Error,
            Rule::NoTable => Severity::Error,
            Rule::BadAmount => Severity::Warning,
            Rule::OwnOutput => Severity::Warning,
            Rule::IgnoredCells => Severity::Warning,
            Rule::FormulaWithoutValue => Severity::Warning,
            Rule::DuplicateSheet => Severity::Warning,
            Rule::UnmappedLabel => Severity::Warning,
            Rule::RegionalValue => Severity::Warning,
            Rule::LevelColumns => Severity::Warning,
            Rule::EmptyField => Severity::Error,
            Rule::FundsSum => Severity::Error,
            Rule::CostSum => Severity::Warning,
            Rule::MissingCategory => Severity::Error,
            Rule::UnknownLevel => Severity::Warning,
            Rule::BadValue => Severity::Error,
            Rule::MissingUnit => Severity::Warning,
            Rule::TimelinessYear => Severity::Warning,
            Rule::DuplicateProject => Severity::Warning,
            Rule::WithdrawnProject => Severity::Warning,
            Rule::ScoreMismatch
            | Rule::MissingDeviationReason
            | Rule::ActualMissing
            | Rule::QualitativeBand => Severity::Error,
            Rule::ExecutionRate => Severity::Warning,
            Rule::BudgetMismatch | Rule::BudgetMissing => Severity::Error,
            Rule::BudgetUnlisted => Severity::Warning,
        }
    }

    /// What the rule finds, in Chinese.
    pub fn summary(self) -> &'static str {
        match self {
            Rule::UnreadableFile => "文件无法读取（损坏、加密、为空或不是电子表格）",
            Rule::NoTable => "文件中没有绩效目标表",
            Rule::BadAmount => "资金金额不是数字",
            Rule::OwnOutput => "目录中 jixiao 自己写出的汇总或拆分工作簿，未计入",
            Rule::IgnoredCells => "超出列数上限的单元格被忽略",
            Rule::FormulaWithoutValue => "公式没有计算结果，按公式文本读取",
            Rule::DuplicateSheet => "工作簿中有同名工作表，只读取了第一个",
            Rule::UnmappedLabel => "表头中有未能识别的标签，其值未读取",
            Rule::RegionalValue => "指标值按区域分列且各不相同，未合为一个指标值",
            Rule::LevelColumns => "指标表的列名比其内容高一级，按内容读取",
            Rule::EmptyField => "二级项目名称、主管部门或年度资金总额为空",
            Rule::FundsSum => "年度资金总额 ≠ 财政拨款 + 非财政拨款（+ 其他来源）",
            Rule::CostSum => "金额类成本指标之和 ≠ 年度资金总额",
            Rule::MissingCategory => "缺少产出、效益或满意度指标",
            Rule::UnknownLevel => "一级/二级指标不在指标体系内",
            Rule::BadValue => "指标值为空、占位符或无法识别",
            Rule::MissingUnit => "定量指标没有计量单位",
            Rule::TimelinessYear => "时效指标的年份不在预算年度内",
            Rule::DuplicateProject => "同一主管部门的同一项目出现两次（重复报送）",
            Rule::WithdrawnProject => "项目只在被同一部门另一工作簿整体替代的工作簿中，未计入合计",
            Rule::ScoreMismatch => "自评表的得分与评分规则算出的不符",
            Rule::MissingDeviationReason => "自评表中未完成的指标没有填写偏差原因",
            Rule::ActualMissing => "自评表中指标没有填写实际完成值",
            Rule::ExecutionRate => "预算执行率低于要求（默认 90%）",
            Rule::QualitativeBand => "定性指标的得分不在其完成档次对应的分值区间内",
            Rule::BudgetMismatch => "年度资金总额与预算表中该项目的金额不符",
            Rule::BudgetMissing => "预算表中的项目没有报送绩效目标表",
            Rule::BudgetUnlisted => "绩效目标表的项目不在预算表中",
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An id that names no rule; the message lists the ones that exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知的规则：{0}（可用：{known}）", known = Rule::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", "))]
pub struct UnknownRule(pub String);

impl FromStr for Rule {
    type Err = UnknownRule;

    fn from_str(s: &str) -> Result<Rule, UnknownRule> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownRule(s.to_string()))
    }
}

impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rule, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for r in Rule::ALL {
            assert_eq!(r.as_str().parse::<Rule>(), Ok(*r));
            assert!(!r.summary().is_empty());
        }
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        assert!("no-such-rule".parse::<Rule>().is_err());
        assert_eq!(
            serde_json::to_string(&Rule::FundsSum).unwrap(),
            "\"funds-sum\""
        );
    }
}
