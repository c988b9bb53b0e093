//! Tables as the world writes them: every `.grid` in samples/real/ (transcribed from
//! public budget disclosures) and tests/shapes/ (small shapes, one idea each) is written
//! as a workbook, read back by jixiao and compared with its `.json` truth, exactly.
//!
//! A new case is two files and no Rust. `JIXIAO_ONLY=name` runs one; `JIXIAO_KEEP=DIR`
//! keeps the workbooks written.

use std::path::{Path, PathBuf};

use jixiao::value::Value;
use rust_decimal::Decimal;
use serde_json::Value as Json;

use crate::grid;
use crate::workdir::repo;

/// What one case got wrong, line by line.
fn compare_case(grid_path: &Path, work: &Path) -> Vec<String> {
    let name = grid_path.file_stem().unwrap().to_string_lossy().to_string();
    let text = std::fs::read_to_string(grid_path).unwrap();
    let fixture = grid::parse(&text);
    let truth_path = grid_path.with_extension("json");
    let truth: Json = match std::fs::read_to_string(&truth_path) {
        Ok(t) => {
            serde_json::from_str(&t).unwrap_or_else(|e| panic!("{}: {e}", truth_path.display()))
        }
        Err(_) => return vec![format!("{name}: no {name}.json beside it")],
    };
    let xlsx = work.join(format!("{name}.xlsx"));
    let bytes = crate::samples::xlsx(&fixture.sheets);
    std::fs::write(&xlsx, &bytes).unwrap();
    // JIXIAO_KEEP=DIR keeps the workbooks, to open them or run jixiao on them.
    if let Ok(keep) = std::env::var("JIXIAO_KEEP") {
        std::fs::create_dir_all(&keep).unwrap();
        std::fs::write(Path::new(&keep).join(format!("{name}.xlsx")), &bytes).unwrap();
    }
    let (projects, diagnostics) =
        jixiao::extract_file(&xlsx, &format!("{name}.xlsx"), &Default::default());
    let got: Vec<Json> = projects
        .iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect();
    // A list of tables, or {"tables": […], "findings": ["rule@cell", …]} to pin the
    // reader's findings too.
    let want = truth
        .as_array()
        .or_else(|| truth["tables"].as_array())
        .expect("truth is a list of tables");
    let mut errors = Vec::new();
    let mut err = |s: String| errors.push(format!("{name}: {s}"));
    if let Some(findings) = truth.get("findings").and_then(Json::as_array) {
        let mut want: Vec<String> = findings
            .iter()
            .filter_map(|f| f.as_str().map(str::to_string))
            .collect();
        let mut got: Vec<String> = diagnostics
            .iter()
            .map(|d| format!("{}@{}", d.rule, d.cell.as_deref().unwrap_or("")))
            .collect();
        want.sort();
        got.sort();
        if got != want {
            err(format!(
                "findings: got {got:?}, want {want:?} ({:?})",
                diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
            ));
        }
    }
    if got.len() != want.len() {
        err(format!(
            "{} tables found, {} expected; findings: {:?}",
            got.len(),
            want.len(),
            diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
        ));
    }
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        compare_project(g, w, &mut |s| err(format!("table {}: {s}", i + 1)));
    }
    errors
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn text_of(v: &Json) -> Option<String> {
    match v {
        Json::Null => None,
        Json::String(s) => Some(squeeze(s)),
        other => Some(squeeze(&other.to_string())),
    }
}

fn decimal(v: &Json) -> Option<Decimal> {
    match v {
        Json::String(s) => s.parse().ok(),
        Json::Number(n) => n.to_string().parse().ok(),
        _ => None,
    }
}

fn compare_project(got: &Json, want: &Json, err: &mut dyn FnMut(String)) {
    for key in [
        "title",
        "year",
        "stage",
        "level1_project",
        "level2_project",
        "department",
        "implementer",
        "goal",
        "goal_period",
        "source_unit",
    ] {
        let Some(w) = want.get(key) else { continue };
        let g = got.get(key).unwrap_or(&Json::Null);
        if text_of(g) != text_of(w) {
            err(format!("{key}: got {g}, want {w}"));
        }
    }
    // Codes a budget system wrote before names, kept apart from them.
    if let Some(w) = want.get("codes") {
        let g = &got["source"]["codes"];
        if g != w {
            err(format!("codes: got {g}, want {w}"));
        }
    }
    if let Some(wf) = want.get("funds") {
        let gf = &got["funds"];
        for key in ["total", "fiscal", "period"] {
            if let Some(w) = wf.get(key) {
                let g = decimal(&gf[key]);
                if g != decimal(w) {
                    err(format!("funds.{key}: got {}, want {w}", gf[key]));
                }
            }
        }
        // Further sources compared as amounts: their labels vary too much to pin.
        let others = |f: &Json, list_key: &str| -> Vec<Decimal> {
            let mut v: Vec<Decimal> = decimal(&f["non_fiscal"]).into_iter().collect();
            match &f[list_key] {
                Json::Array(a) => v.extend(a.iter().filter_map(decimal)),
                Json::Object(o) => v.extend(o.values().filter_map(decimal)),
                _ => {}
            }
            v.retain(|d| !d.is_zero());
            v.sort();
            v
        };
        // A 非财政拨款 the truth gives is that line, not just one of the sources.
        if let Some(w) = decimal(&wf["non_fiscal"]).filter(|w| !w.is_zero())
            && decimal(&gf["non_fiscal"]) != Some(w)
        {
            err(format!(
                "funds.non_fiscal: got {}, want {w}",
                gf["non_fiscal"]
            ));
        }
        if wf.get("non_fiscal").is_some() || wf.get("other").is_some() {
            let (g, w) = (others(gf, "other"), others(wf, "other"));
            if g != w {
                err(format!("other sources: got {g:?}, want {w:?}"));
            }
        }
    }
    // A 自评表's or 监控表's fund columns, where the truth gives them.
    if let Some(we) = want.get("execution") {
        let ge = &got["execution"];
        for key in ["initial", "budget", "executed", "expected", "weight"] {
            if let Some(w) = we.get(key)
                && decimal(&ge[key]) != decimal(w)
            {
                err(format!("execution.{key}: got {}, want {w}", ge[key]));
            }
        }
        for key in ["rate", "score"] {
            if let Some(w) = we.get(key)
                && text_of(&ge[key]) != text_of(w)
            {
                err(format!("execution.{key}: got {}, want {w}", ge[key]));
            }
        }
    }
    let Some(want_ind) = want.get("indicators").and_then(Json::as_array) else {
        return;
    };
    let got_ind = got["indicators"].as_array().cloned().unwrap_or_default();
    if got_ind.len() != want_ind.len() {
        err(format!(
            "{} indicators, {} expected",
            got_ind.len(),
            want_ind.len()
        ));
    }
    for (k, (g, w)) in got_ind.iter().zip(want_ind).enumerate() {
        let w = w.as_array().expect("an indicator is a list");
        let at = format!("indicator {}", k + 1);
        for (i, key) in ["level1", "level2", "name"].iter().enumerate() {
            // A level the table does not give is null in the truth, "" in the model.
            let blank = |v: &Json| text_of(v).filter(|t| !t.is_empty());
            if blank(&g[key]) != blank(&w[i]) {
                err(format!("{at} {key}: got {}, want {}", g[key], w[i]));
            }
        }
        let want_value = Value::parse(w[3].as_str().unwrap_or(""));
        let gv = &g["value"];
        let same = match want_value.number {
            Some(n) => {
                decimal(&gv["number"]) == Some(n)
                    && gv["op"].as_str() == want_value.op.map(|o| o.as_str())
                    && text_of(&gv["unit"]) == want_value.unit.as_deref().map(squeeze)
            }
            None => text_of(&gv["text"]) == Some(squeeze(&want_value.text)),
        };
        if !same {
            err(format!("{at} value: got {gv}, want {}", w[3]));
        }
        if let Some(extra) = w.get(4).and_then(Json::as_object) {
            for (key, wv) in extra {
                // A field of the model, or else a column kept under its header.
                let gv = g
                    .get(key)
                    .or_else(|| g["extra"].get(key))
                    .unwrap_or(&Json::Null);
                let same = match (decimal(gv), decimal(wv)) {
                    (Some(a), Some(b)) => a == b,
                    _ => text_of(gv) == text_of(wv),
                };
                if !same {
                    err(format!("{at} {key}: got {gv}, want {wv}"));
                }
            }
        }
    }
}

fn cases(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|e| e == "grid"))
                .collect()
        })
        .unwrap_or_default();
    if let Ok(only) = std::env::var("JIXIAO_ONLY") {
        out.retain(|p| p.file_stem().is_some_and(|s| s.to_string_lossy() == only));
    }
    out.sort();
    out
}

fn run_dir(dir: &Path) -> usize {
    let work = tempfile::tempdir().unwrap();
    let cases = cases(dir);
    let mut errors = Vec::new();
    for case in &cases {
        errors.extend(compare_case(case, work.path()));
    }
    assert!(
        errors.is_empty(),
        "{} of {} cases in {} differ from their truth:\n{}",
        cases
            .iter()
            .filter(|c| {
                let stem = c.file_stem().unwrap().to_string_lossy().to_string();
                errors.iter().any(|e| e.starts_with(&format!("{stem}:")))
            })
            .count(),
        cases.len(),
        dir.display(),
        errors.join("\n")
    );
    cases.len()
}

#[test]
fn real_tables_extract_exactly() {
    let n = run_dir(&repo().join("samples/real"));
    assert!(n > 0 || std::env::var("JIXIAO_ONLY").is_ok());
}

#[test]
fn shapes_extract_exactly() {
    let n = run_dir(&repo().join("tests/shapes"));
    assert!(n > 0 || std::env::var("JIXIAO_ONLY").is_ok());
}

/// Every real table names where it was published, and the README lists it.
#[test]
fn real_tables_have_sources() {
    let dir = repo().join("samples/real");
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    for case in cases(&dir) {
        let f = grid::parse(&std::fs::read_to_string(&case).unwrap());
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let source = f.meta("source").unwrap_or_default();
        assert!(source.starts_with("http"), "{name}: no `# source:` URL");
        assert!(readme.contains(&name), "{name} is not in README.md");
    }
}
