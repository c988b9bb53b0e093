//! Small projects built in code, for the tests of every module (the rules, the
//! totals, the reports, the diff).

use crate::model::{Indicator, IndicatorCells, Project, Source};
use crate::value::Value;

/// A clean project after the seed's first table: every rule passes on it.
pub fn clean() -> Project {
    let mut p = Project {
        source: Source {
            file: "机关工委.xlsx".into(),
            sheet: "项目1".into(),
            range: "A1:F27".into(),
            ..Source::default()
        },
        title: Some("黔南州2024年项目支出绩效目标批复表".into()),
        year: Some(2024),
        level1_project: Some("特定目标-原列单位事业发展".into()),
        level2_project: Some("机关党建工作".into()),
        department: Some("中共黔南州直属机关工作委员会".into()),
        implementer: Some("中共黔南州直属机关工作委员会".into()),
        unit: "万元".into(),
        source_unit: "万元".into(),
        ..Project::default()
    };
    p.funds.total = Some("24.02".parse().unwrap());
    p.funds.fiscal = Some("24.02".parse().unwrap());
    p.funds.non_fiscal = Some("0.00".parse().unwrap());
    p.cells.insert("funds.total".into(), "D6".into());
    p.cells.insert("funds.fiscal".into(), "D7".into());
    for (l1, l2, name, value) in [
        (
            "产出指标",
            "数量指标",
            "星级党支部创建考评、复核工作",
            "＝1次",
        ),
        ("产出指标", "质量指标", "创建合格率", "＝100%"),
        ("产出指标", "时效指标", "完成时限", "＝2024年"),
        ("产出指标", "成本指标", "模范机关相关工作经费", "≤16万元"),
        (
            "产出指标",
            "成本指标",
            "模范机关创建、星级党支部创建办公费用",
            "≤5.5万元",
        ),
        ("产出指标", "成本指标", "巡回督导相关费用", "≤2.52万元"),
        ("产出指标", "成本指标", "项目或定额成本控制率", "＝100%"),
        (
            "效益指标",
            "社会效益指标",
            "推进州直部门党建工作常态化制度化",
            "有所加强",
        ),
        (
            "满意度指标",
            "服务对象满意度指标",
            "州直机关党组织及党员",
            "＝100%",
        ),
    ] {
        push(&mut p, l1, l2, name, value);
    }
    p
}

/// Adds an indicator in the next row of the grid.
pub fn push(p: &mut Project, l1: &str, l2: &str, name: &str, value: &str) {
    let row = 11 + p.indicators.len();
    p.indicators.push(Indicator {
        cell: format!("E{row}"),
        cells: IndicatorCells {
            level1: Some(format!("B{row}")),
            level2: Some(format!("C{row}")),
            name: Some(format!("D{row}")),
            value: Some(format!("E{row}")),
            ..IndicatorCells::default()
        },
        ..Indicator::new(l1, l2, name, Value::parse(value))
    });
}
