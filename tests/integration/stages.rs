//! The year's tables after the 批复表: each stage's blank form, and a 自评表 written in
//! its own layout.

use std::collections::BTreeMap;
use std::path::Path;

use jixiao::model::{Extraction, Project};
use rust_decimal::Decimal;
use serde_json::json;

use crate::samples;
use crate::workdir::{Workdir, repo};
use crate::write::openpyxl;

fn extract(path: &Path) -> Extraction {
    jixiao::extract(&[path.to_path_buf()])
}

/// The prefilled workbooks of `dir`, by 二级项目名称, read back.
fn read_dir(dir: &Path) -> BTreeMap<String, (std::path::PathBuf, Project)> {
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        let x = extract(&path);
        assert_eq!(
            x.projects.len(),
            1,
            "{}: {:?}",
            path.display(),
            x.diagnostics
        );
        let p = x.projects[0].clone();
        out.insert(p.level2_project.clone().unwrap(), (path, p));
    }
    out
}

#[test]
fn every_stage_has_a_blank_form_read_as_its_table() {
    let w = Workdir::new();
    for (stage, sheet, title, grid_header) in [
        ("申报", "申报表", "项目支出绩效目标申报表", "评（扣）分标准"),
        ("监控", "监控表", "项目支出绩效运行监控表", "完成可能性"),
        (
            "自评",
            "自评表",
            "项目支出绩效自评表",
            "偏差原因分析\n及改进措施",
        ),
    ] {
        let out = w.run(&["template", "--stage", stage]);
        assert_eq!(out.status.code(), Some(0), "{stage}");
        let path = w.path().join(format!("{title}（空白）.xlsx"));
        let seen = openpyxl(&path);
        assert_eq!(seen["sheets"], json!([sheet]), "{stage}");
        let cells = seen["cells"][sheet].as_object().unwrap();
        assert_eq!(cells["A1"], title, "{stage}");
        assert!(
            cells.values().any(|v| v.as_str() == Some(grid_header)),
            "{stage}: {cells:?}"
        );
        let x = extract(&path);
        assert_eq!(x.projects.len(), 1, "{stage}: {:?}", x.diagnostics);
        assert_eq!(x.projects[0].stage.as_deref(), Some(stage));
        // Written twice, the same bytes.
        let again = w.run(&["template", "--stage", stage, "-o", "again.xlsx", "--force"]);
        assert_eq!(again.status.code(), Some(0));
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(w.path().join("again.xlsx")).unwrap(),
            "{stage}"
        );
    }
    // 批复 is the official layout's form, under its own title.
    let out = w.run(&["template", "--stage", "批复", "-o", "批复.xlsx"]);
    assert_eq!(out.status.code(), Some(0));
    let seen = openpyxl(&w.path().join("批复.xlsx"));
    assert_eq!(seen["cells"]["绩效目标表"]["A1"], "附表7");
    assert_eq!(seen["cells"]["绩效目标表"]["A2"], "项目支出绩效目标批复表");
}

#[test]
fn a_self_evaluation_split_in_its_own_layout_reads_back_the_same() {
    let w = Workdir::new();
    let text =
        std::fs::read_to_string(repo().join("samples/real/a_shanghai_putuo_2022_ziping.grid"))
            .unwrap();
    w.write(
        "普陀.xlsx",
        &samples::xlsx(&crate::grid::parse(&text).sheets),
    );
    let layout = repo().join("templates/ziping.toml");
    let out = w.run(&[
        "split",
        "普陀.xlsx",
        "-o",
        "拆分",
        "--template",
        layout.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let a = &extract(&w.path().join("普陀.xlsx")).projects[0];
    let read = read_dir(&w.path().join("拆分"));
    let (_, b) = read.values().next().unwrap();
    assert_eq!(b.stage.as_deref(), Some("自评"));
    assert_eq!(
        (&b.level2_project, &b.department),
        (&a.level2_project, &a.department)
    );
    assert_eq!(b.funds, a.funds);
    let (ea, eb) = (a.execution.as_ref().unwrap(), b.execution.as_ref().unwrap());
    assert_eq!(
        (eb.initial, eb.budget, eb.executed, eb.weight, &eb.score),
        (ea.initial, ea.budget, ea.executed, ea.weight, &ea.score)
    );
    type Row = (String, Option<String>, Option<Decimal>, Option<String>);
    let scores = |p: &Project| -> Vec<Row> {
        p.indicators
            .iter()
            .map(|i| (i.name.clone(), i.actual.clone(), i.weight, i.score.clone()))
            .collect()
    };
    assert_eq!(scores(b), scores(a));
}
