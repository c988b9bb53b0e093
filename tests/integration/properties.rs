//! Properties over random input: the official layout carries any project through a
//! write and a read unchanged, and no grid of cells makes the locator panic.

use jixiao::model::{Funds, Indicator, Project};
use jixiao::read::{CellValue, Grid, Rect, Sheet};
use jixiao::value::Value;
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::samples;

/// Text as departments write it: Chinese, punctuation, digits, no leading or
/// trailing blanks (the reader trims them).
fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[党建工作项目经费培训考核宣传（）“”、，。0-9A-Za-z]{1,40}")
        .unwrap()
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            prop::sample::select(vec!["＝", "≥", "≤", "＞", "＜"]),
            0u32..100_000,
            0u32..100,
            prop::sample::select(vec!["次", "%", "万元", "个", "年", "人次"])
        )
            .prop_map(
                |(op, whole, cents, unit)| format!("{op}{whole}.{cents:02}{unit}")
                    .replace(".00", "")
            ),
        prop::sample::select(vec![
            "有所提高",
            "明显改善",
            "逐步完善",
            "对76家基层党组织全覆盖"
        ])
        .prop_map(str::to_string),
    ]
}

fn indicator() -> impl Strategy<Value = (usize, usize, String, String, Option<String>)> {
    (
        0usize..4,
        0usize..3,
        text(),
        value(),
        prop::option::of(text()),
    )
}

fn money() -> impl Strategy<Value = Decimal> {
    (0u64..10_000_000).prop_map(|cents| Decimal::new(cents as i64, 2))
}

fn project() -> impl Strategy<Value = Project> {
    (
        text(),
        text(),
        text(),
        text(),
        money(),
        money(),
        prop::option::of(text()),
        prop::collection::vec(indicator(), 1..30),
    )
        .prop_map(
            |(l1p, l2p, dept, imp, fiscal, non_fiscal, goal, mut inds)| {
                // In the framework's order, which the official layout writes.
                const FRAME: [(&str, [&str; 3]); 4] = [
                    ("产出指标", ["数量指标", "质量指标", "成本指标"]),
                    (
                        "成本指标",
                        ["经济成本指标", "社会成本指标", "生态环境成本指标"],
                    ),
                    ("效益指标", ["经济效益指标", "社会效益指标", "生态效益指标"]),
                    (
                        "满意度指标",
                        [
                            "服务对象满意度指标",
                            "服务对象满意度指标",
                            "服务对象满意度指标",
                        ],
                    ),
                ];
                // The grid lists 一级 and 二级 in runs, as tables do.
                inds.sort_by_key(|(a, b, ..)| (*a, *b));
                Project {
                    title: Some("黔南州2024年项目支出绩效目标批复表".into()),
                    stage: Some("批复".into()),
                    year: Some(2024),
                    level1_project: Some(l1p),
                    level2_project: Some(l2p),
                    department: Some(dept),
                    implementer: Some(imp),
                    unit: "万元".into(),
                    source_unit: String::new(),
                    funds: Funds {
                        total: Some(fiscal + non_fiscal),
                        fiscal: Some(fiscal),
                        non_fiscal: Some(non_fiscal),
                        ..Funds::default()
                    },
                    goal,
                    indicators: inds
                        .into_iter()
                        .map(|(a, b, name, v, note)| Indicator {
                            note,
                            ..Indicator::new(FRAME[a].0, FRAME[a].1[b], &name, Value::parse(&v))
                        })
                        .collect(),
                    ..Project::default()
                }
            },
        )
}

fn comparable(p: &Project) -> Project {
    let mut p = p.clone();
    p.source = Default::default();
    p.source_unit.clear();
    p.cells.clear();
    for d in p.funds.main_mut() {
        *d = jixiao::value::money(*d);
    }
    for i in &mut p.indicators {
        i.cell.clear();
        i.cells = Default::default();
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// model → official workbook → extract → the same model.
    #[test]
    fn the_official_layout_round_trips(projects in prop::collection::vec(project(), 1..4)) {
        let bytes = samples::official_workbook(&projects, true);
        let sheets = jixiao::read::read_bytes(&bytes).unwrap();
        let (back, diagnostics) = jixiao::extract_sheets("随机.xlsx", &sheets);
        prop_assert!(diagnostics.is_empty(), "{:?}", diagnostics);
        let got: Vec<Project> = back.iter().map(comparable).collect();
        let want: Vec<Project> = projects.iter().map(comparable).collect();
        prop_assert_eq!(got, want);
    }

    /// Any grid of labels, numbers and noise, merged anyhow: the locator never panics,
    /// and every indicator it finds names a cell.
    #[test]
    fn the_locator_never_panics(
        cells in prop::collection::vec((0u32..60, 0u32..12, cell()), 0..200),
        merges in prop::collection::vec((0u32..60, 0u32..12, 0u32..6, 0u32..4), 0..20),
    ) {
        let merges = merges.into_iter().map(|(r, c, h, w)| Rect { first_row: r, first_col: c, last_row: r + h, last_col: c + w }).collect();
        let sheet = Sheet::new("随机".into(), Grid::new(cells, merges));
        let (projects, _) = jixiao::extract_sheets("随机.xlsx", std::slice::from_ref(&sheet));
        for p in &projects {
            for i in &p.indicators {
                prop_assert!(!i.cell.is_empty());
            }
        }
    }
}

fn cell() -> impl Strategy<Value = CellValue> {
    prop_oneof![
        prop::sample::select(vec![
            "一级项目名称",
            "二级项目名称",
            "项目名称：x",
            "主管部门",
            "实施单位",
            "资金情况",
            "年度资金总额：",
            "其中：财政拨款",
            "非财政拨款",
            "年度资金总额：24.02万元；其中：财政拨款24.02万元，非财政拨款0万元",
            "年度总体目标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
            "指标值符号",
            "计量单位",
            "说明",
            "产出指标",
            "数量指标",
            "＝1次",
            "≤16万元",
            "单位：元",
            "附表7",
            "黔南州2024年项目支出绩效目标批复表",
            "单位负责人：",
            "",
            " ",
            "*",
            "#REF!",
        ])
        .prop_map(|s| CellValue::Text(s.to_string())),
        any::<f64>().prop_map(CellValue::Number),
        ".{0,30}".prop_map(CellValue::Text),
    ]
}
