//! The role rules: what a header label or a grid header is, from its key terms, one
//! rule a line (a label is known by its role, not by a fixed list). A list of terms is
//! searched only when the text holds one of its first characters: every cell asks.

use super::funds::Fund;
use super::words::core_of;
use crate::text::label_key;

/// A text field of the header block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Level1Project,
    Level2Project,
    Department,
    Implementer,
    /// 预算单位, 单位名称, 填报单位: the department when the table names no other, else
    /// the implementer.
    BudgetUnit,
    /// 填报单位, 编制单位: who filled in the form; the department when the table names
    /// none, never the implementer.
    FilingUnit,
    Goal,
    /// 实施期 (multi-year) goal, beside the annual one.
    GoalPeriod,
    /// 预期目标: a 自评表's sub-header for the goal, its value below it.
    GoalExpected,
    /// 实际完成情况 beside 预期目标 in a 自评表, its value below it.
    GoalActual,
}

impl Field {
    /// The field's name in the model and in JSON.
    pub fn key(self) -> &'static str {
        match self {
            Field::Level1Project => "level1_project",
            Field::Level2Project => "level2_project",
            Field::Department => "department",
            Field::Implementer => "implementer",
            Field::BudgetUnit => "budget_unit",
            Field::FilingUnit => "filing_unit",
            Field::Goal => "goal",
            Field::GoalPeriod => "goal_period",
            Field::GoalExpected => "goal",
            Field::GoalActual => "goal_actual",
        }
    }
}

/// The longest label (in characters, after its parenthesised parts are dropped) that is
/// read as a header label: longer text is content.
const LABEL_CHARS: usize = 14;

/// The role of a header label, from its key terms (issue: a label is known by its role,
/// not by a fixed word list). `core` is the folded label without its parentheses.
///
/// Each line is one rule; the first that matches wins. Add a line to teach a wording.
pub(super) fn field_role(core: &str) -> Option<Field> {
    if !label_like(core) {
        return None;
    }
    let terms = Terms::of(core);
    // Every field role needs one of these characters: most cells have none.
    if !terms.any_of(&FIELD_ANCHORS, "目情单体部管项") {
        return None;
    }
    let has = |list: &[&str]| terms.has(list);
    if !label_like(core) || has(&["指标", "负责人", "电话", "日期", "时间"]) {
        return None;
    }
    // A 自评表 sets the goal that was planned (预期目标, 年初设定目标) beside what was
    // done (实际完成情况, 年度总体目标完成情况综述), each heading its text below.
    if core.contains("目标")
        && ["预期", "设定", "年初", "计划"]
            .iter()
            .any(|w| core.contains(w))
    {
        return Some(Field::GoalExpected);
    }
    if core == "实际完成情况" || (core.contains("完成情况") && core.contains("目标")) {
        return Some(Field::GoalActual);
    }
    if has(&["目标"]) {
        // 目标1：… and 目标一：… are a goal's parts, not its label.
        let numbered = core.split("目标").skip(1).any(|rest| {
            rest.chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
        });
        if numbered || has(&["完成", "实际", "值", "偏差"]) {
            return None;
        }
        return Some(if has(&["实施期", "中期", "长期", "整体"]) {
            Field::GoalPeriod
        } else {
            Field::Goal
        });
    }
    // 组织实施单位, 监督管理单位: who organises and who oversees, not who carries out.
    if has(&["计量", "度量", "金额单位", "组织实施", "监督"]) {
        return None;
    }
    if has(&[
        "实施单位",
        "实施主体",
        "项目单位",
        "执行单位",
        "承担单位",
        "实施部门",
    ]) {
        return Some(Field::Implementer);
    }
    // 部门：… or 单位：… alone, above a 公开 table: who published it.
    if core == "部门" || core == "单位" {
        return Some(Field::FilingUnit);
    }
    // 市级财政部门 | 宝鸡市财政局: the bureau paying, not the project's department.
    if has(&["财政部门", "财政局"]) {
        return None;
    }
    if has(&["主管", "部门"]) {
        return Some(Field::Department);
    }
    if has(&["单位"]) {
        if has(&["填报", "编制", "申报", "报送"]) {
            return Some(Field::FilingUnit);
        }
        return Some(Field::BudgetUnit);
    }
    // 专项资金名称: a special fund's name is the project's.
    if has(&["专项"]) && has(&["名称"]) {
        return Some(Field::Level2Project);
    }
    if has(&["项目"]) {
        if has(&["一级", "类别", "类型"]) {
            return Some(Field::Level1Project);
        }
        if has(&["名称", "二级"]) {
            return Some(Field::Level2Project);
        }
    }
    None
}

/// The source of money a standalone amount label names, if it is one.
pub(super) fn fund_role(core: &str) -> Option<Fund> {
    if !label_like(core) {
        return None;
    }
    let terms = Terms::of(core);
    if !terms.any_of(&FUND_ANCHORS, "资金预拨经总合收结自贷基补投") {
        return None;
    }
    let has = |list: &[&str]| terms.has(list);
    if !label_like(core)
        || !has(&[
            "资金", "金额", "预算", "拨款", "经费", "总额", "合计", "总计", "收入", "结转", "自筹",
            "贷款", "基金", "补助", "投资",
        ])
        || has(&[
            "率", "指标", "目标", "绩效", "情况", "年初", "全年", "执行", "名称", "单位", "部门",
            "来源", "分类", "科目", "代码", "编码",
        ])
    {
        return None;
    }
    // 金额(万元) alone heads a column of amounts; it is no amount's label.
    if core == "金额" {
        return None;
    }
    if has(&["非财政"]) {
        return Some(Fund::NonFiscal);
    }
    // 中期市财政预算 beside 本年度申请…: the period's amount, not the year's.
    if has(&["中期", "实施期", "项目总预算", "总投资"]) {
        return Some(Fund::Period);
    }
    // 本年度申请市财政预算资金: the year's amount asked for, whoever pays it.
    if has(&["本年度", "当年年度"]) && has(&["申请", "预算资金", "预算金额", "预算"])
    {
        return Some(Fund::Total);
    }
    const SOURCES: &[&str] = &[
        "上级",
        "中央",
        "省级",
        "省财政",
        "市级",
        "州级",
        "县级",
        "区级",
        "乡级",
        "本级资金",
        "本级财力",
        "结转",
        "自筹",
        "其他",
        "其它",
        "自有",
        "单位资金",
        "事业收入",
        "经营收入",
        "政府性基金",
        "社会",
        "贷款",
        "债券",
    ];
    if has(SOURCES) && !has(&["总额", "合计", "总计"]) {
        return Some(Fund::Other(core.to_string()));
    }
    // 一般公共预算 alone names a kind of money (a value), not an amount's label.
    if core == "一般公共预算" {
        return None;
    }
    if has(&[
        "财政拨款",
        "财政资金",
        "一般公共预算",
        "财政补助",
        "财政预算",
        "财政性",
    ]) {
        return Some(Fund::Fiscal);
    }
    if has(&[
        "总额",
        "合计",
        "总计",
        "预算",
        "申请",
        "金额",
        "安排",
        "年度资金",
        "本年资金",
    ]) {
        return Some(Fund::Total);
    }
    None
}

/// Short and written in Chinese characters only: 特定目标-原列单位事业发展 is a value
/// (a category) although it speaks of 目标 and 单位.
fn label_like(core: &str) -> bool {
    let n = core.chars().count();
    (1..=LABEL_CHARS).contains(&n)
        && core
            .chars()
            .all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || c == '、' || c == '/')
}

/// The level of government a label names before its role: 中央 0, 省级 1, 市级 2, 县级
/// or 区级 3, 乡镇 4 (市级主管部门 gives 2); `None` when it names none.
pub fn government_level(label: &str) -> Option<u8> {
    let key = label_key(label);
    const LEVELS: &[(&str, u8)] = &[
        ("中央", 0),
        ("国家", 0),
        ("省级", 1),
        ("自治区", 1),
        ("市级", 2),
        ("州级", 2),
        ("盟级", 2),
        ("县级", 3),
        ("区级", 3),
        ("旗级", 3),
        ("乡级", 4),
        ("镇级", 4),
        ("乡镇", 4),
    ];
    LEVELS
        .iter()
        .find(|(prefix, _)| key.starts_with(prefix))
        .map(|(_, level)| *level)
}

/// A text that reads like a header label whatever its words: short, in Chinese
/// characters, ending with a colon or naming a thing (名称, 部门, 单位, 资金 …).
pub fn looks_like_label(text: &str) -> bool {
    let key = label_key(text);
    let colon = text.trim_end().ends_with([':', '：']);
    let core = core_of(&key);
    label_like(&core)
        && core.chars().count() <= 8
        && (colon
            || [
                "名称", "部门", "单位", "资金", "金额", "目标", "类别", "代码", "负责",
            ]
            .iter()
            .any(|w| core.ends_with(w)))
}

/// A label's text with the characters it holds, so a list of key terms is searched
/// only for the terms whose first character is there: most cells hold none, and
/// every cell of a sheet is asked.
struct Terms<'a> {
    text: &'a str,
    /// One bit per character present, by its code point modulo 128.
    mask: u128,
}

impl<'a> Terms<'a> {
    fn of(text: &'a str) -> Terms<'a> {
        let mask = text.chars().fold(0u128, |m, c| m | bit(c));
        Terms { text, mask }
    }

    /// True when the text contains one of `list`.
    fn has(&self, list: &[&str]) -> bool {
        list.iter().any(|t| {
            t.chars().next().is_some_and(|c| self.mask & bit(c) != 0) && self.text.contains(t)
        })
    }
}

impl Terms<'_> {
    /// False when the text holds none of `anchors` (the first characters of every term
    /// a role's rules ask for): the role cannot match.
    fn any_of(&self, mask: &std::sync::OnceLock<u128>, anchors: &str) -> bool {
        let m = *mask.get_or_init(|| anchors.chars().fold(0, |m, c| m | bit(c)));
        self.mask & m != 0
    }
}

static FIELD_ANCHORS: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
static FUND_ANCHORS: std::sync::OnceLock<u128> = std::sync::OnceLock::new();
static COLUMN_ANCHORS: std::sync::OnceLock<u128> = std::sync::OnceLock::new();

fn bit(c: char) -> u128 {
    1u128 << (u32::from(c) % 128)
}

/// A column of the indicator grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    Level1,
    Level2,
    Name,
    Value,
    Op,
    Nature,
    Unit,
    Note,
    Direction,
    Weight,
    Scoring,
    /// 实际完成值 (自评) or 1-N月实际完成值 (监控).
    Actual,
    /// 得分.
    Score,
    /// 偏差原因分析及改进措施.
    Deviation,
}

/// The column a grid header names, from its key terms; the first rule that matches wins.
/// `key` is the folded header, `core` the same without parentheses.
pub(super) fn column_role(key: &str) -> Option<Column> {
    // 三级指标(长期) beside 三级指标(年度): the long-term columns are kept as extra
    // columns, the annual ones are the grid.
    if ["长期", "中期", "实施期"].iter().any(|w| key.contains(w)) {
        return None;
    }
    let core = core_of(key);
    if core.chars().count() > 16 || core.is_empty() {
        return None;
    }
    let terms = Terms::of(&core);
    if !terms.any_of(
        &COLUMN_ANCHORS,
        "一二三指具符运偏原改实完执预目标计度单性方得评扣权分说备解",
    ) {
        return None;
    }
    let has = |list: &[&str]| terms.has(list);
    let role = if has(&["一级"]) && has(&["指标"]) {
        Column::Level1
    } else if has(&["二级"]) && has(&["指标"]) {
        Column::Level2
    } else if has(&["三级"])
        || core == "指标名称"
        || core == "指标"
        || has(&["具体指标", "指标内容", "绩效指标名称"])
    {
        Column::Name
    } else if has(&["符号", "运算"]) {
        Column::Op
    } else if has(&["偏差", "原因", "改进措施"]) {
        Column::Deviation
    } else if has(&["实际", "完成值", "完成情况", "执行情况", "实现值"]) && !has(&["预期实现"])
    {
        Column::Actual
    } else if has(&["指标值", "目标值", "预期实现值", "预期值", "标准值"]) {
        if has(&["单位"]) && !has(&["及单位", "含单位", "和单位"]) {
            Column::Unit
        } else {
            Column::Value
        }
    } else if has(&["计量单位", "度量单位", "计量", "度量"]) || core == "单位" {
        Column::Unit
    } else if has(&["性质", "指标类型"]) {
        Column::Nature
    } else if has(&["方向"]) {
        Column::Direction
    } else if has(&["得分"]) {
        Column::Score
    } else if has(&["评分", "扣分", "计分"]) {
        Column::Scoring
    } else if has(&["权重", "分值"]) {
        Column::Weight
    } else if has(&["说明", "备注", "解释"]) {
        Column::Note
    } else {
        return None;
    };
    Some(role)
}
