//! The labels of a table, with the synonyms seen in real submissions (domain.md §4),
//! and the classification of one cell's text.

use rust_decimal::Decimal;

use crate::text::{clean, fold, label_key};
use crate::value::leading_number;

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
fn field_role(core: &str) -> Option<Field> {
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
fn fund_role(core: &str) -> Option<Fund> {
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

/// A folded label without its parenthesised parts: 项目名称(全称) is 项目名称.
fn core_of(head: &str) -> std::borrow::Cow<'_, str> {
    if !head.contains(['(', '[', '【']) {
        return std::borrow::Cow::Borrowed(head);
    }
    let mut out = String::with_capacity(head.len());
    let mut depth = 0u32;
    for c in head.chars() {
        match c {
            '(' | '[' | '【' => depth += 1,
            ')' | ']' | '】' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A column of a 自评表's or 监控表's 项目资金 block, by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FundColumn {
    /// 年初预算数.
    Initial,
    /// 全年预算数, 调整后预算数.
    Budget,
    /// 全年执行数, 1-6月执行数, 实际支出数.
    Executed,
    /// 全年预计执行数 (监控表).
    Expected,
    /// 分值.
    Weight,
    /// 执行率.
    Rate,
    /// 得分.
    Score,
}

/// The 项目资金 column a header names, one rule per line.
pub fn fund_column(text: &str) -> Option<FundColumn> {
    // Every such header has one of these; most cells have none (and are not folded).
    // Text folding could change is folded first.
    if text.chars().all(crate::text::surely_nfkc) && !text.contains(['预', '执', '分', '权', '支'])
    {
        return None;
    }
    let key = label_key(text);
    let core = core_of(&key);
    if core.chars().count() > 12 {
        return None;
    }
    let has = |w: &str| core.contains(w);
    Some(if has("执行率") {
        FundColumn::Rate
    } else if has("预计") && (has("执行") || has("支出")) {
        FundColumn::Expected
    } else if has("执行数") || has("执行金额") || has("支出数") {
        FundColumn::Executed
    } else if has("年初") && has("预算") {
        FundColumn::Initial
    } else if (has("全年") || has("调整")) && has("预算") {
        FundColumn::Budget
    } else if core == "分值" || core == "权重" {
        FundColumn::Weight
    } else if core == "得分" {
        FundColumn::Score
    } else {
        return None;
    })
}

/// A line of the 资金情况 block.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Fund {
    Total,
    Fiscal,
    NonFiscal,
    /// Another source, by its label (其他资金, 上年结转, 上级补助资金 …).
    Other(String),
    /// The whole period's amount (中期市财政预算, 实施期资金总额, 项目总预算) beside the
    /// annual one.
    Period,
}

impl Fund {
    pub fn key(&self) -> String {
        match self {
            Fund::Total => "funds.total".into(),
            Fund::Fiscal => "funds.fiscal".into(),
            Fund::NonFiscal => "funds.non_fiscal".into(),
            Fund::Other(label) => format!("funds.other.{label}"),
            Fund::Period => "funds.period".into(),
        }
    }
}

/// Longest first, so 非财政拨款 is not read as 财政拨款 and 年度资金总额 not as 资金总额.
const FUNDS: &[(&str, Fund)] = &[
    ("年度资金申请总额", Fund::Total),
    ("年度资金总额", Fund::Total),
    ("资金总额", Fund::Total),
    ("项目预算", Fund::Total),
    ("预算金额", Fund::Total),
    ("非财政拨款", Fund::NonFiscal),
    ("当年财政拨款", Fund::Fiscal),
    ("本年财政拨款", Fund::Fiscal),
    ("财政拨款", Fund::Fiscal),
    ("财政资金", Fund::Fiscal),
    ("上年结转资金", Fund::Other(String::new())),
    ("上年结转", Fund::Other(String::new())),
    ("其他资金", Fund::Other(String::new())),
    ("其它资金", Fund::Other(String::new())),
    ("自有资金", Fund::Other(String::new())),
    ("自筹资金", Fund::Other(String::new())),
    ("单位资金", Fund::Other(String::new())),
    ("事业收入", Fund::Other(String::new())),
];

/// The label an `Other` line of [`FUNDS`] is known by.
fn other_label(label: &str) -> &str {
    match label {
        "上年结转资金" => "上年结转",
        l => l,
    }
}

const FUNDS_BLOCK: &[&str] = &["资金情况", "项目资金", "资金来源", "资金投入情况"];

const FOOTERS: &[&str] = &[
    "单位负责人",
    "财务负责人",
    "填表人",
    "审核人",
    "联系电话",
    "填报人",
    "经办人",
    "制表人",
    "分管领导",
    "项目负责人",
];

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
fn column_role(key: &str) -> Option<Column> {
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

/// The unit money is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Wan,
    Yuan,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Wan => "万元",
            Unit::Yuan => "元",
        }
    }

    fn parse(s: &str) -> Option<Unit> {
        match s {
            "万元" => Some(Unit::Wan),
            "元" => Some(Unit::Yuan),
            _ => None,
        }
    }

    /// `(万元)` or `(元)` at the end of a folded key: the key without it, and the unit.
    fn strip_suffix(key: &str) -> (&str, Option<Unit>) {
        for (suffix, unit) in [("(万元)", Unit::Wan), ("(元)", Unit::Yuan)] {
            if let Some(k) = key.strip_suffix(suffix) {
                return (k, Some(unit));
            }
        }
        (key, None)
    }
}

/// An amount as written: a number and, when stated beside it, its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Amount {
    pub number: Decimal,
    pub unit: Option<Unit>,
}

/// What one cell is to the locator.
#[derive(Debug, Clone, PartialEq)]
pub enum Class {
    /// A header label, with the value written after its colon in the same cell.
    Field {
        field: Field,
        inline: Option<String>,
    },
    /// One or more 资金情况 lines: a label and, when in the same cell, its amount.
    Funds {
        lines: Vec<(Fund, Option<Amount>)>,
        unit: Option<Unit>,
    },
    /// The 资金情况 label itself, with the unit its label may state.
    FundsBlock { unit: Option<Unit> },
    /// The table's title (…项目支出绩效目标批复表).
    Title,
    /// `单位：万元` above the table.
    UnitLine(Unit),
    /// `附表7` and the like.
    Attachment,
    /// `(2025年度)` under a title that names no year.
    YearLine(u16),
    /// 总分 (or 合计) closing a 自评表's grid.
    Total,
    /// 单位负责人： 填表人： … below the table, or a 注：/说明： note.
    Footer,
}

impl Class {
    /// True for the header labels whose value stands in another cell.
    pub fn is_label(&self) -> bool {
        !matches!(self, Class::Title | Class::Footer | Class::Attachment)
    }
}

/// Texts longer than this are content, unless their first characters are a label
/// followed by a colon (`年度绩效目标：目标1：…`) or a funds line.
const LONG: usize = 80;
const PREFIX: usize = 24;

/// Classifies a text cell (`None` for content) and matches it as a grid header, with
/// one folding of its text.
pub fn analyze(text: &str) -> (Option<Class>, Option<Column>) {
    if !may_be_label(text) || content_by_length(text) {
        return (None, None);
    }
    // A batch's forms repeat their labels (产出指标, 指标值, 年度资金总额 …) file after
    // file: each worker remembers what it has worked out. The answer depends on the
    // text alone, so remembering changes nothing but the time.
    type Seen = rustc_hash::FxHashMap<Box<str>, (Option<Class>, Option<Column>)>;
    thread_local! {
        static SEEN: std::cell::RefCell<Seen> = std::cell::RefCell::default();
    }
    const REMEMBERED: usize = 16_384;
    if let Some(known) = SEEN.with(|seen| seen.borrow().get(text).cloned()) {
        return known;
    }
    let answer = analyze_text(text);
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= REMEMBERED {
            seen.clear();
        }
        seen.insert(text.into(), answer.clone());
    });
    answer
}

fn analyze_text(text: &str) -> (Option<Class>, Option<Column>) {
    if text.len() > 3 * 24 {
        return (classify(text), None);
    }
    let key = label_key(text);
    let column = column_key(&key);
    if key.is_empty() {
        return (None, column);
    }
    (classify_key(text, &key), column)
}

/// Longer than any label, with no `label：` at its start, no title's 绩效 and no funds
/// sentence: content (an indicator's name, a goal, a qualitative value), known without
/// folding it.
fn content_by_length(text: &str) -> bool {
    const LONGEST: usize = 20;
    const START: usize = 16;
    let mut count = 0;
    let mut start_end = text.len();
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        if count == START {
            start_end = i;
        }
        count += 1;
        if count > LONGEST {
            let start = &text[..start_end];
            return !(start.contains([':', '：'])
                || start.contains("资金")
                || start.contains("拨款")
                || text.contains("绩效"));
        }
    }
    false
}

/// A quick, exact test that a cell cannot be a label, before folding it: every label
/// starts with a Chinese character (or, for a title, contains 绩效), and text that NFKC
/// leaves alone keeps its first character under folding.
fn may_be_label(text: &str) -> bool {
    if !text.chars().all(crate::text::surely_nfkc) {
        return true;
    }
    // Numbering before a label ((一)财政拨款小计, 1、一般公共预算) is skipped, and so is
    // the months a 监控表's column reports (1-6月实际完成值).
    let first = text
        .chars()
        .find(|c| !c.is_whitespace() && !"*()（）、.0123456789-~－".contains(*c));
    first.is_some_and(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        || text.contains("绩效")
        // (2025年度) and -1-: a year line and a page number.
        || (text.len() <= 24 && (text.contains('年') || text.trim_start().starts_with('-')))
}

/// Classifies a text cell; `None` for content.
pub fn classify(text: &str) -> Option<Class> {
    let long = text.len() > LONG * 3 && text.chars().nth(LONG).is_some();
    let key = if long {
        let end = text
            .char_indices()
            .nth(PREFIX)
            .map_or(text.len(), |(i, _)| i);
        label_key(&text[..end])
    } else {
        label_key(text)
    };
    if key.is_empty() {
        return None;
    }
    if long {
        // Only a label at the start can make a long text more than content.
        return match classify_key(text, &key)? {
            Class::Funds { .. } => classify_key(text, &label_key(text)),
            c @ (Class::Field { .. } | Class::Footer) => Some(c),
            _ => None,
        };
    }
    classify_key(text, &key)
}

fn classify_key(text: &str, key: &str) -> Option<Class> {
    // 其中：财政拨款
    let body = key
        .strip_prefix("其中:")
        .or_else(|| key.strip_prefix("其中"))
        .unwrap_or(key);
    let (head, _) = body.split_once(':').unwrap_or((body, ""));
    let (head_bare, unit) = Unit::strip_suffix(head);

    // 财政资金到位率 is an indicator, 财政资金：24 a funds line.
    let funds_line = FUNDS.iter().any(|(label, _)| {
        body.strip_prefix(label).is_some_and(|rest| {
            rest.is_empty()
                || rest.starts_with([':', '(', '为'])
                || rest.starts_with(|c: char| c.is_ascii_digit())
        })
    });
    if funds_line {
        let lines = scan_funds(body);
        if !lines.is_empty() {
            return Some(Class::Funds { lines, unit });
        }
    }
    if FUNDS_BLOCK.contains(&head_bare) {
        return Some(Class::FundsBlock { unit });
    }
    if let Some(rest) = key
        .strip_prefix("单位:")
        .or_else(|| key.strip_prefix("金额单位:"))
        && let Some(u) = Unit::parse(rest)
    {
        return Some(Class::UnitLine(u));
    }
    if is_attachment(key) {
        return Some(Class::Attachment);
    }
    if let Some(y) = year_line(key) {
        return Some(Class::YearLine(y));
    }
    if ["总分", "合计", "总计", "合计得分", "总得分"].contains(&key) {
        return Some(Class::Total);
    }
    // A page number (-1-, 第1页) ends a printed page; -3 alone is a value.
    let page = key
        .strip_prefix('-')
        .and_then(|k| k.strip_suffix('-'))
        .or_else(|| key.strip_prefix('第').and_then(|k| k.strip_suffix('页')));
    if page.is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
        return Some(Class::Footer);
    }
    if FOOTERS.iter().any(|f| key.starts_with(f))
        || ["注:", "说明:", "备注:", "填报说明"]
            .iter()
            .any(|p| key.starts_with(p))
    {
        return Some(Class::Footer);
    }
    if is_title(key) {
        return Some(Class::Title);
    }
    let core = core_of(head_bare);
    if let Some(field) = field_role(&core) {
        // 填报单位：（盖章）    单位：万元 — a stamp's place, then the unit line.
        let unit_after = key
            .rsplit_once("单位:")
            .filter(|(before, _)| before.len() > "单位".len())
            .and_then(|(_, u)| Unit::parse(u));
        let inline = inline_value(text).filter(|v| {
            let k = label_key(v);
            !(k.starts_with("(盖章)") || k.starts_with("(公章)") || k.starts_with("单位:"))
        });
        if let (Some(u), None) = (unit_after, &inline) {
            return Some(Class::UnitLine(u));
        }
        return Some(Class::Field { field, inline });
    }
    if let Some(fund) = fund_role(&core) {
        let amount = body
            .split_once(':')
            .and_then(|(_, rest)| amount(rest).filter(|_| !rest.is_empty()));
        return Some(Class::Funds {
            lines: vec![(fund, amount)],
            unit,
        });
    }
    if is_title(key) {
        return Some(Class::Title);
    }
    None
}

fn column_key(key: &str) -> Option<Column> {
    column_role(key)
}

/// The value after the first colon of a `label：value` cell, exactly as written.
fn inline_value(text: &str) -> Option<String> {
    let at = text.find(['：', ':'])?;
    let colon_len = text[at..].chars().next().map_or(1, char::len_utf8);
    let rest = clean(&text[at + colon_len..]);
    (!rest.is_empty()).then(|| rest.to_string())
}

fn is_attachment(key: &str) -> bool {
    ["附表", "附件"].iter().any(|p| {
        key.strip_prefix(p).is_some_and(|rest| {
            rest.len() <= 4 && rest.chars().all(|c| c.is_ascii_digit() || c == '-')
        })
    })
}

fn is_title(key: &str) -> bool {
    // 部门预算项目绩效目标申报表(2023年度): the year may follow the name.
    let key = match key.rsplit_once('(') {
        Some((name, rest)) if rest.ends_with(')') => name,
        _ => key,
    };
    key.chars().count() <= 80
        && key.contains("绩效")
        && (key.ends_with('表') || key.ends_with("表)"))
        && ["目标", "自评", "监控", "评价"]
            .iter()
            .any(|w| key.contains(w))
}

/// Reads 资金情况 lines from folded text: `年度资金总额:24.02万元;其中:财政拨款24.02万元,
/// 非财政拨款0万元` gives three, `年度资金总额:` one without an amount.
fn scan_funds(key: &str) -> Vec<(Fund, Option<Amount>)> {
    let mut out = Vec::new();
    let mut rest = key;
    while !rest.is_empty() {
        let Some((label, fund)) = FUNDS.iter().find(|(label, _)| rest.starts_with(label)) else {
            let skip = rest.chars().next().map_or(1, char::len_utf8);
            rest = &rest[skip..];
            continue;
        };
        rest = &rest[label.len()..];
        let (_, unit) = Unit::strip_suffix(rest.split(':').next().unwrap_or(""));
        if let Some(after) = rest
            .strip_prefix("(万元)")
            .or_else(|| rest.strip_prefix("(元)"))
        {
            rest = after;
        }
        rest = rest.trim_start_matches([':', '为']);
        let amount = leading_number(rest).map(|(number, used)| {
            rest = &rest[used..];
            let stated = if let Some(after) = rest.strip_prefix("万元") {
                rest = after;
                Some(Unit::Wan)
            } else if let Some(after) = rest.strip_prefix('元') {
                rest = after;
                Some(Unit::Yuan)
            } else {
                unit
            };
            Amount {
                number,
                unit: stated,
            }
        });
        let fund = match fund {
            Fund::Other(_) => Fund::Other(other_label(label).to_string()),
            f => f.clone(),
        };
        out.push((fund, amount));
    }
    out
}

/// Reads an amount standing alone in a cell: `24.02`, `２４．０２`, `240200元`.
pub fn amount(text: &str) -> Option<Amount> {
    let f: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let (number, used) = leading_number(&f)?;
    let rest = &f[used..];
    // The unit, then what may follow an amount without changing it: a remark in
    // brackets (854万(高标准农田建设400万元,…)) or the same amount typed twice.
    let units: &[(&str, Option<Unit>, u32)] = &[
        ("万元", Some(Unit::Wan), 1),
        ("亿元", Some(Unit::Wan), 10_000),
        ("万", Some(Unit::Wan), 1),
        ("亿", Some(Unit::Wan), 10_000),
        ("元", Some(Unit::Yuan), 1),
        ("", None, 1),
    ];
    let (suffix, unit, times) = units.iter().find(|(u, ..)| rest.starts_with(u))?;
    let written = &f[..used + suffix.len()];
    let mut tail = &rest[suffix.len()..];
    while !written.is_empty() && tail.starts_with(written) {
        tail = &tail[written.len()..];
    }
    if !(tail.is_empty() || (tail.starts_with('(') && tail.ends_with(')'))) {
        return None;
    }
    Some(Amount {
        number: number.checked_mul(Decimal::from(*times))?,
        unit: *unit,
    })
}

/// Which table of the year a title names: 申报, 批复, 监控 or 自评. A plain 绩效目标表
/// is published with the approved budget, so it is a 批复表.
pub fn stage_in(title: &str) -> Option<&'static str> {
    let has = |w: &str| title.contains(w);
    if has("自评") || has("评价") {
        Some("自评")
    } else if has("监控") {
        Some("监控")
    } else if has("申报") {
        Some("申报")
    } else if has("批复") || has("目标") {
        Some("批复")
    } else {
        None
    }
}

/// A code a budget system wrote before a name: `820001-某某镇人民政府` gives
/// (`820001`, `某某镇人民政府`), `[101001]某局` gives (`101001`, `某局`).
pub fn split_code(text: &str) -> Option<(&str, &str)> {
    let t = text.trim_start_matches(['[', '【', '(', '（']);
    let opened = t.len() < text.len();
    let code_len = t
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map_or(t.len(), |(i, _)| i);
    let code = &t[..code_len];
    // A code has digits; a name alone (ABC公司) keeps its letters.
    if code.len() < 3 || code.bytes().filter(u8::is_ascii_digit).count() < 3 {
        return None;
    }
    let after = &t[code_len..];
    // A closing bracket ends a code only where one was opened: `000），` is a name.
    let closes = after.starts_with([']', '】', ')', '）']);
    if closes != opened
        || !closes && !after.starts_with(['-', '_', ' ', '\u{3000}', '－', '—', ':', '：'])
    {
        return None;
    }
    let rest = after.trim_start_matches([
        '-', '_', ' ', '\u{3000}', '－', '—', ']', '】', ')', '）', ':', '：', '.', '、',
    ]);
    // What follows must be a name, not punctuation left over.
    rest.chars()
        .next()
        .is_some_and(char::is_alphanumeric)
        .then_some((code, rest))
}

/// `(2025年度)`, `2019年度)`, `2024年`: a line that gives only the year.
fn year_line(key: &str) -> Option<u16> {
    let k = key.trim_start_matches('(').trim_end_matches(')');
    let k = k.strip_suffix("年度").or_else(|| k.strip_suffix('年'))?;
    let y: u16 = k.parse().ok().filter(|_| k.len() == 4)?;
    (1990..=2100).contains(&y).then_some(y)
}

/// The option ticked in a printed list of choices: `1、常年性项目 □ √ 2、延续性项目 □`
/// gives 常年性项目. `None` when the text is no such list or nothing is ticked.
pub fn ticked_option(text: &str) -> Option<&str> {
    const BOX: &[char] = &['□', '☐'];
    const TICKED: &[char] = &['√', '☑', '✓', '✔', '■', '▣'];
    if !text.contains(BOX) && !text.contains(['☑', '■', '▣']) {
        return None;
    }
    let tick = text.find(TICKED)?;
    // The option is the text before the tick, back to the previous option's box.
    let before = text[..tick].trim_end().trim_end_matches(BOX).trim_end();
    let start = before.rfind(BOX).map_or(0, |i| i + '□'.len_utf8());
    let option = before[start..].trim();
    // Drop the option's number (1、, 2.) and a second tick mark.
    let option = option
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['、', '.', ')', '）', ' '])
        .trim_end_matches(TICKED)
        .trim();
    (!option.is_empty()).then_some(option)
}

/// The budget year in a title: 黔南州2024年… gives 2024.
pub fn year_in(title: &str) -> Option<u16> {
    let f = fold(title);
    let chars: Vec<char> = f.chars().collect();
    chars.windows(5).find_map(|w| {
        let digits: String = w[..4].iter().collect();
        (w[4] == '年' && w[..4].iter().all(char::is_ascii_digit))
            .then(|| digits.parse::<u16>().ok())
            .flatten()
            .filter(|y| (1990..=2100).contains(y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn codes_before_names() {
        for (text, split) in [
            ("820001-某某镇人民政府", Some(("820001", "某某镇人民政府"))),
            ("[101001]某局", Some(("101001", "某局"))),
            ("（101001）某局", Some(("101001", "某局"))),
            ("101001 某局", Some(("101001", "某局"))),
            ("101001：某局", Some(("101001", "某局"))),
            // A closing bracket that nothing opened, or punctuation after the code,
            // is part of the name.
            ("000），", None),
            ("101001）某局", None),
            ("123-，", None),
            ("12-某局", None),
            ("ABC公司", None),
        ] {
            assert_eq!(split_code(text), split, "{text}");
        }
    }

    #[test]
    fn header_labels() {
        for (text, field) in [
            ("一级项目名称", Field::Level1Project),
            ("一级项目\n名称", Field::Level1Project),
            ("项目类别", Field::Level1Project),
            ("二级项目名称", Field::Level2Project),
            ("项目名称", Field::Level2Project),
            ("主 管 部 门", Field::Department),
            ("主管部门及代码", Field::Department),
            ("预算单位", Field::BudgetUnit),
            ("项目支出名称", Field::Level2Project),
            ("项目名称（全称）", Field::Level2Project),
            ("预算部门", Field::Department),
            ("本年度绩效目标", Field::Goal),
            ("实施期绩效目标", Field::GoalPeriod),
            ("年度总体\n目标", Field::Goal),
            ("绩效目标", Field::Goal),
        ] {
            assert_eq!(
                classify(text),
                Some(Class::Field {
                    field,
                    inline: None
                }),
                "{text}"
            );
        }
        assert_eq!(
            classify("主管部门：中共黔南州直属机关工作委员会"),
            Some(Class::Field {
                field: Field::Department,
                inline: Some("中共黔南州直属机关工作委员会".into())
            })
        );
    }

    #[test]
    fn not_labels() {
        for text in [
            "有所提高",
            "目标1：扎实推进",
            "中共黔南州直属机关工作委员会",
            "24.02",
            "产出指标",
        ] {
            assert_eq!(classify(text), None, "{text}");
        }
    }

    #[test]
    fn funds_lines() {
        assert_eq!(
            classify("年度资金总额："),
            Some(Class::Funds {
                lines: vec![(Fund::Total, None)],
                unit: None
            })
        );
        assert_eq!(
            classify("  其中：财政拨款"),
            Some(Class::Funds {
                lines: vec![(Fund::Fiscal, None)],
                unit: None
            })
        );
        let Some(Class::Funds { lines, .. }) =
            classify("年度资金总额：24.02万元；其中：财政拨款24.02万元，非财政拨款0万元")
        else {
            panic!("a funds sentence")
        };
        assert_eq!(
            lines,
            vec![
                (
                    Fund::Total,
                    Some(Amount {
                        number: d("24.02"),
                        unit: Some(Unit::Wan)
                    })
                ),
                (
                    Fund::Fiscal,
                    Some(Amount {
                        number: d("24.02"),
                        unit: Some(Unit::Wan)
                    })
                ),
                (
                    Fund::NonFiscal,
                    Some(Amount {
                        number: d("0"),
                        unit: Some(Unit::Wan)
                    })
                ),
            ]
        );
        assert_eq!(
            classify("年度资金总额（元）：240200"),
            Some(Class::Funds {
                lines: vec![(
                    Fund::Total,
                    Some(Amount {
                        number: d("240200"),
                        unit: Some(Unit::Yuan)
                    })
                )],
                unit: Some(Unit::Yuan)
            })
        );
        assert_eq!(
            classify("资金情况（万元）"),
            Some(Class::FundsBlock {
                unit: Some(Unit::Wan)
            })
        );
    }

    #[test]
    fn page_numbers_and_values() {
        assert_eq!(classify("-1-"), Some(Class::Footer));
        assert_eq!(classify("第2页"), Some(Class::Footer));
        assert_eq!(classify("-3"), None);
        assert_eq!(classify("3-"), None);
    }

    #[test]
    fn ticked_options() {
        assert_eq!(
            ticked_option("1、常年性项目 □ √ 2、延续性项目 □ 3、一次性项目 □"),
            Some("常年性项目")
        );
        assert_eq!(ticked_option("新增项目□延续项目√"), Some("延续项目"));
        assert_eq!(ticked_option("1、持续性项目 □ 2、新增性项目 □"), None);
        assert_eq!(ticked_option("特定目标-原列单位事业发展"), None);
    }

    #[test]
    fn the_rest() {
        assert_eq!(classify("单位：万元"), Some(Class::UnitLine(Unit::Wan)));
        assert_eq!(classify("单位：元"), Some(Class::UnitLine(Unit::Yuan)));
        assert_eq!(classify("附表7"), Some(Class::Attachment));
        assert_eq!(
            classify("黔南州2024年项目支出绩效目标批复表"),
            Some(Class::Title)
        );
        assert_eq!(
            classify("单位负责人：  财务负责人：  填表人："),
            Some(Class::Footer)
        );
        assert_eq!(analyze("三级指标").1, Some(Column::Name));
        assert_eq!(analyze("指 标 值").1, Some(Column::Value));
        assert_eq!(analyze("计量单位"), (None, Some(Column::Unit)));
        assert_eq!(analyze("有所提高"), (None, None));
        // A 监控表's columns: the months before the label, and the ones kept as extras.
        assert_eq!(analyze("1-6月\n实际完成值").1, Some(Column::Actual));
        assert_eq!(analyze("1-7月执行情况").1, Some(Column::Actual));
        assert_eq!(analyze("完成可能性").1, None);
        assert_eq!(analyze("改进措施").1, Some(Column::Deviation));
        assert_eq!(year_in("黔南州2024年项目支出绩效目标批复表"), Some(2024));
        assert_eq!(
            amount("２４．０２"),
            Some(Amount {
                number: d("24.02"),
                unit: None
            })
        );
        assert_eq!(
            amount("240200元"),
            Some(Amount {
                number: d("240200"),
                unit: Some(Unit::Yuan)
            })
        );
        assert_eq!(amount("约24万"), None);
        assert_eq!(amount("24万元多"), None);
        assert_eq!(
            amount("854万854万(高标准农田建设400万元,示范建设295万元)"),
            Some(Amount {
                number: d("854"),
                unit: Some(Unit::Wan)
            })
        );
        assert_eq!(
            amount("1.2亿元"),
            Some(Amount {
                number: d("12000.0"),
                unit: Some(Unit::Wan)
            })
        );
    }
}
