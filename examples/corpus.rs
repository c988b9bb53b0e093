//! Writes a deterministic corpus of submissions for benchmarks: N projects spread over
//! departments, in the shapes the reader handles (official, stacked, no merges, flat
//! export, .xls, .ods), K projects per file.
//!
//! `cargo run --release --example corpus -- --projects 1000 --per-file 1 --seed 1 --out DIR
//!  [--shapes official,stacked,plain,flat,xls,ods]`

#[path = "../tests/integration/samples.rs"]
#[allow(dead_code)]
mod samples;

use std::path::PathBuf;

use jixiao::model::Project;
use jixiao::value::Value;
use rust_decimal::Decimal;

const DEPARTMENTS: &[&str] = &[
    "中共黔南州直属机关工作委员会",
    "黔南州财政局",
    "黔南州教育局",
    "黔南州卫生健康局",
    "黔南州农业农村局",
    "黔南州交通运输局",
    "黔南州水务局",
    "黔南州文体广电旅游局",
    "黔南州民政局",
    "黔南州人力资源和社会保障局",
    "黔南州自然资源局",
    "黔南州生态环境局",
    "黔南州住房和城乡建设局",
    "黔南州商务局",
    "黔南州林业局",
    "黔南州审计局",
    "黔南州统计局",
    "黔南州应急管理局",
    "黔南州市场监督管理局",
    "黔南州医疗保障局",
];

struct Args {
    projects: usize,
    per_file: usize,
    seed: u64,
    out: PathBuf,
    shapes: Vec<String>,
}

const SHAPES: [&str; 6] = ["official", "stacked", "plain", "flat", "xls", "ods"];

fn parse_args() -> Args {
    let mut args = Args {
        projects: 1000,
        per_file: 1,
        seed: 1,
        out: PathBuf::from("corpus"),
        shapes: SHAPES.iter().map(|s| s.to_string()).collect(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--projects" => args.projects = value.parse().expect("a number"),
            "--per-file" => args.per_file = value.parse().expect("a number"),
            "--seed" => args.seed = value.parse().expect("a number"),
            "--out" => args.out = PathBuf::from(value),
            "--shapes" => {
                args.shapes = value.split(',').map(str::to_string).collect();
                assert!(
                    args.shapes.iter().all(|s| SHAPES.contains(&s.as_str())),
                    "shapes are {SHAPES:?}"
                );
            }
            other => panic!("unknown flag {other}"),
        }
    }
    args
}

/// A small deterministic generator (SplitMix64), so the corpus depends on --seed only.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Project `i`: a seed project with its own name, department and amounts scaled by
/// a whole factor, so its cost indicators still add up to its total.
fn project(seed: &[Project], i: usize, rng: &mut Rng) -> Project {
    let mut p = seed[i % seed.len()].clone();
    let k = Decimal::from(1 + rng.next() % 5);
    let departments = DEPARTMENTS.len().min(1 + i / 25).max(1);
    let dept = DEPARTMENTS[(rng.next() as usize) % departments].to_string();
    p.department = Some(dept.clone());
    p.implementer = Some(dept);
    p.level2_project = p.level2_project.map(|n| format!("{n}（{:05}）", i + 1));
    for d in p.funds.main_mut() {
        *d = jixiao::value::money(*d * k);
    }
    for ind in &mut p.indicators {
        if ind.value.money_wan().is_some() {
            let n = ind.value.number.unwrap() * k;
            let op = ind.value.op.map_or("", |o| o.official());
            ind.value = Value::parse(&format!(
                "{op}{}{}",
                n.normalize(),
                ind.value.unit.as_deref().unwrap_or("")
            ));
        }
    }
    p
}

fn main() {
    let args = parse_args();
    let seed = samples::seed();
    let mut rng = Rng(args.seed);
    let projects: Vec<Project> = (0..args.projects)
        .map(|i| project(&seed, i, &mut rng))
        .collect();
    std::fs::create_dir_all(&args.out).expect("create the output directory");
    for (f, chunk) in projects.chunks(args.per_file.max(1)).enumerate() {
        let official =
            || jixiao::read::read_bytes(&samples::official_workbook(chunk, false)).unwrap();
        let (ext, bytes) = match args.shapes[f % args.shapes.len()].as_str() {
            "official" => ("xlsx", samples::official_workbook(chunk, false)),
            "stacked" => ("xlsx", samples::official_workbook(chunk, true)),
            "plain" => (
                "xlsx",
                samples::xlsx(&[samples::plain_sheet(chunk, samples::Plain::default())]),
            ),
            "flat" => ("xlsx", samples::xlsx(&[samples::flat_export(chunk)])),
            "xls" => ("xls", samples::xls(&official())),
            _ => ("ods", samples::ods(&official())),
        };
        let dept = chunk[0].department.as_deref().unwrap_or("部门");
        let path = args.out.join(format!("{:05}_{dept}.{ext}", f + 1));
        std::fs::write(&path, bytes).expect("write a corpus file");
    }
    eprintln!(
        "{} projects in {} files under {}",
        args.projects,
        args.projects.div_ceil(args.per_file.max(1)),
        args.out.display()
    );
}
