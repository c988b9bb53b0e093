//! The command line: clap types only, no logic.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// jixiao（绩效）：读取、检查、汇总项目支出绩效目标表。
///
/// Reads project-expenditure performance target tables from .xlsx/.xls/.ods
/// workbooks in any layout, checks them, and writes them in the official layout.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 提取：把工作簿中的每张绩效目标表读成统一模型（JSON 或 CSV）。
    Extract(ExtractArgs),
}

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// 工作簿或目录（目录按名称顺序递归读取）。
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 输出格式。
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,

    /// 写入文件而不是标准输出。
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// 覆盖已存在的输出文件。
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}
