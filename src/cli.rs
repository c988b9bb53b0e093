//! The command line: clap types only, no logic.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// jixiao（绩效）：读取、检查、汇总项目支出绩效目标表。
///
/// 读取各部门报送的任何版式的 .xlsx、.xls、.ods 工作簿，检查后按规范格式写出。
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub limits: LimitArgs,

    /// 无法读取的文件，在中文原因后附上解析库的原始信息（供技术人员排查）。
    #[arg(long, global = true)]
    pub verbose: bool,

    /// 不显示进度和完成提示，只显示发现的问题和错误。
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// 问题是否用颜色标出：auto 仅在输出到终端且未设置 NO_COLOR 时。
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// When findings are coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// 输出到终端且未设置 NO_COLOR 时
    Auto,
    /// 总是
    Always,
    /// 从不
    Never,
}

/// How much one input workbook may hold before it is refused (see README, Limits).
#[derive(Debug, Clone, clap::Args)]
pub struct LimitArgs {
    /// 单个文件大小上限（MB）。
    #[arg(long, global = true, value_name = "MB", default_value_t = 200)]
    pub max_file_mb: u64,

    /// 压缩包（.xlsx/.ods）解压后大小上限（MB），防止压缩炸弹。
    #[arg(long, global = true, value_name = "MB", default_value_t = 1024)]
    pub max_unzipped_mb: u64,

    /// 单个工作簿的单元格数上限。
    #[arg(long, global = true, value_name = "N", default_value_t = 5_000_000)]
    pub max_cells: u64,

    /// 单个工作簿的工作表数上限。
    #[arg(long, global = true, value_name = "N", default_value_t = 1_000)]
    pub max_sheets: usize,

    /// 压缩包中单个文件（超过 100 KB 时）解压后与压缩前大小之比的上限，防止压缩炸弹。
    #[arg(long, global = true, value_name = "N", default_value_t = 100)]
    pub max_zip_ratio: u64,

    /// 单个工作簿所有单元格文本合计的上限（MB），防止同一长文本被大量单元格引用而耗尽内存。
    #[arg(long, global = true, value_name = "MB", default_value_t = 64)]
    pub max_text_mb: u64,

    /// 单个工作簿中绩效目标表的张数上限，防止大量微小表格耗尽时间和内存。
    #[arg(long, global = true, value_name = "N", default_value_t = 10_000)]
    pub max_tables: usize,
}

impl LimitArgs {
    pub fn limits(&self) -> jixiao::read::Limits {
        jixiao::read::Limits {
            max_file_bytes: self.max_file_mb << 20,
            max_unzipped_bytes: self.max_unzipped_mb << 20,
            max_cells: self.max_cells,
            max_sheets: self.max_sheets,
            max_inflate_ratio: self.max_zip_ratio,
            max_text_bytes: self.max_text_mb << 20,
            max_tables: self.max_tables,
            raise_hint: Some(raise_hint),
            ..jixiao::read::Limits::default()
        }
    }
}

/// What a refusal for a limit adds: the option above that raises it. The library's
/// messages name no option; this keeps the words beside the options they name.
fn raise_hint(limit: jixiao::read::Limit) -> &'static str {
    use jixiao::read::Limit;
    match limit {
        Limit::FileBytes => "可用 --max-file-mb 调整",
        Limit::UnzippedBytes => "可用 --max-unzipped-mb 调整",
        Limit::InflateRatio => "可用 --max-zip-ratio 调整",
        Limit::Cells => "可用 --max-cells 调整",
        Limit::Sheets => "可用 --max-sheets 调整",
        Limit::TextBytes => "可用 --max-text-mb 调整",
        Limit::Tables => "可用 --max-tables 调整",
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// 提取：把工作簿中的每张绩效目标表读成统一模型（JSON 或 CSV）。
    Extract(ExtractArgs),
    /// 检查：按财政局的审核规则检查每张表，问题精确到文件、工作表和单元格。
    Check(CheckArgs),
    /// 汇总：把所有表合并成一个工作簿（汇总表、按主管部门分表的规范格式、问题清单）。
    Merge(MergeArgs),
    /// 拆分：每个项目一个规范格式（附表7）的工作簿。
    Split(SplitArgs),
    /// 模板：生成供部门填报的空白表（申报、批复、监控、自评，带下拉列表和填写提示）。
    Template(TemplateArgs),
    /// 预填：按批复的绩效目标为每个项目生成自评表或监控表，部门只需填写执行数和完成值。
    Prefill(PrefillArgs),
    /// 评分：按财预〔2020〕10号的规则为填好的自评表计算得分和总分，与所填得分核对。
    Score(ScoreArgs),
    /// 对比：两批报表（上年与本年，或第一次与第二次报送）之间新增、删除、更名和变更的项目与指标。
    Diff(DiffArgs),
    /// 网页：在本机打开一个网页，拖入工作簿即可汇总、检查、下载（不用命令行）。
    Serve(ServeArgs),
}

/// The layout and the parts of the title, shared by the commands that write tables.
#[derive(Debug, Clone, clap::Args)]
pub struct LayoutArgs {
    /// 版式定义文件（TOML，见 templates/ 下的 official.toml、ziping.toml 等）。
    /// 默认使用内置的版式（附表7，或 --stage 所指的表）。
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,

    /// 标题中的地区（如 黔南州）；默认取自原表标题。
    #[arg(long)]
    pub region: Option<String>,

    /// 标题中的年度（如 2024）；默认取自原表标题。
    #[arg(long)]
    pub year: Option<u16>,

    /// 表号（如 附表7）。
    #[arg(long, value_name = "LABEL")]
    pub table_label: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// 工作簿或目录（目录按名称顺序递归读取）。
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 输出的工作簿（.xlsx）。
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub output: PathBuf,

    /// 覆盖已存在的输出文件。
    #[arg(long)]
    pub force: bool,

    /// 问题清单所用的规则配置文件（同 check --config）。
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// 把该规则的警告视为错误（可重复，同 check）。
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,

    /// 不报告该规则（可重复，同 check）。
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,

    /// 应报送部门名单（.csv 或工作簿，第一列每行一个主管部门）：汇总中加“报送情况”表。
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,

    /// 预算表（.csv 或工作簿：主管部门、项目名称、金额，单位万元或元）：与每张表的年度资金总额对比，汇总中加“预算对比”表。
    #[arg(long, value_name = "FILE")]
    pub budget: Option<PathBuf>,

    /// 同一项目报送了多次时计入哪一版：newest 最后修改的文件，oldest 最早修改的文件，first-named 命令行中（目录中按名称）排在前面的文件；与计入的版本有相同项目的工作簿整体被替代。
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = Prefer::Newest)]
    pub prefer: Prefer,

    #[command(flatten)]
    pub layout: LayoutArgs,
}

#[derive(Debug, clap::Args)]
pub struct SplitArgs {
    /// 工作簿或目录（目录按名称顺序递归读取）。
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 输出目录（不存在则创建）。
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// 覆盖目录中已存在的同名文件。
    #[arg(long)]
    pub force: bool,

    #[command(flatten)]
    pub layout: LayoutArgs,
}

#[derive(Debug, clap::Args)]
pub struct TemplateArgs {
    /// 输出的工作簿（默认：项目支出绩效目标表（空白）.xlsx）。
    /// 指定 --stage 时默认为该表的名称，如 项目支出绩效自评表（空白）.xlsx。
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// 覆盖已存在的输出文件。
    #[arg(long)]
    pub force: bool,

    /// 哪一张表：申报（含指标性质、计量单位、分值、评分标准）、批复（附表7）、监控（运行监控表）、自评（财预〔2020〕10号）。
    /// 不指定时为附表7版式的申报表。
    #[arg(long, value_enum, value_name = "STAGE")]
    pub stage: Option<StageArg>,

    #[command(flatten)]
    pub layout: LayoutArgs,
}

/// A table of the year, as `template --stage` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    #[value(name = "申报", alias = "shenbao")]
    Shenbao,
    #[value(name = "批复", alias = "pifu")]
    Pifu,
    #[value(name = "监控", alias = "jiankong")]
    Jiankong,
    #[value(name = "自评", alias = "ziping")]
    Ziping,
}

/// The tables `prefill` carries the targets into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PrefillStage {
    #[value(name = "自评", alias = "ziping")]
    Ziping,
    #[value(name = "监控", alias = "jiankong")]
    Jiankong,
}

#[derive(Debug, clap::Args)]
pub struct PrefillArgs {
    /// 生成哪一张表：自评（财预〔2020〕10号的自评表）或 监控（运行监控表）。
    #[arg(long, value_enum, value_name = "STAGE")]
    pub stage: PrefillStage,

    /// 批复表（或申报表）：工作簿或目录（目录按名称顺序递归读取）。
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 输出目录（不存在则创建），每个项目一个工作簿，命名同 split。
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,

    /// 覆盖目录中已存在的同名文件。
    #[arg(long)]
    pub force: bool,

    /// 得分公式中反向指标（≤，如成本）超出指标值时的计分方法（同 score --reverse）。
    #[arg(long, value_enum, default_value_t = ReverseRule::Ratio)]
    pub reverse: ReverseRule,

    #[command(flatten)]
    pub layout: LayoutArgs,
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// 工作簿或目录（目录按名称顺序递归读取）。
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 输出格式：text 每条问题一行；json 与 extract 相同的 diagnostics。
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// 把该规则的警告视为错误（可重复）。
    #[arg(long, value_name = "RULE")]
    pub deny: Vec<String>,

    /// 不报告该规则（可重复）。
    #[arg(long, value_name = "RULE")]
    pub allow: Vec<String>,

    /// 规则配置文件（TOML：各规则的级别和容差）。
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// 应报送部门名单（.csv 或工作簿，第一列每行一个主管部门）：最后列出未报送的部门。
    #[arg(long, value_name = "FILE")]
    pub expect: Option<PathBuf>,

    /// 预算表（.csv 或工作簿：主管部门、项目名称、金额，单位万元或元）：检查每张表的年度资金总额与预算是否相符，列出没有表的预算项目。
    #[arg(long, value_name = "FILE")]
    pub budget: Option<PathBuf>,

    /// 同一项目报送了多次时计入哪一版（同 merge）：重复报送的问题指明计入的版本。
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = Prefer::Newest)]
    pub prefer: Prefer,

    /// 把审核意见写到此目录（不存在则创建）：每个主管部门一个工作簿，第一个工作表列出全部问题并链接到单元格，其后各表为规范格式，有问题的单元格标红并加批注。
    #[arg(long, value_name = "DIR")]
    pub feedback: Option<PathBuf>,

    /// 覆盖 --feedback 目录中已存在的同名文件。
    #[arg(long, requires = "feedback")]
    pub force: bool,

    /// 审核意见中规范格式表的版式（同 merge）。
    #[command(flatten)]
    pub layout: LayoutArgs,
}

/// Which version of a resubmitted project counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Prefer {
    Newest,
    Oldest,
    FirstNamed,
}

impl From<Prefer> for jixiao::versions::Prefer {
    fn from(p: Prefer) -> Self {
        match p {
            Prefer::Newest => jixiao::versions::Prefer::Newest,
            Prefer::Oldest => jixiao::versions::Prefer::Oldest,
            Prefer::FirstNamed => jixiao::versions::Prefer::FirstNamed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
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

    /// CSV 中的文本原样写出。默认在以 = + - @ 制表符或回车开头的文本前加 '，
    /// 防止 Excel/WPS 打开时把它当作公式执行（CSV 注入）。
    #[arg(long)]
    pub csv_raw: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Json,
    Csv,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// 只打印网页地址，不自动打开浏览器。
    #[arg(long)]
    pub no_open: bool,

    /// 监听的地址和端口（默认 127.0.0.1 上的随机空闲端口，只有本机能访问）。
    /// 指定非本机地址时，同一网络中的其他电脑也能访问（仍需地址中的令牌）。
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<std::net::SocketAddr>,
}

#[derive(Debug, clap::Args)]
pub struct ScoreArgs {
    /// 填好的项目支出绩效自评表（工作簿或目录）。
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// 输出格式：text 每个项目一行；json 每个指标的分值、应得分和所填得分。
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// 反向指标（≤，如成本）超出指标值时的计分方法：ratio 为 分值×指标值÷完成值；
    /// linear 为 分值×(1−(完成值−指标值)÷指标值)，超出一倍得 0 分。
    #[arg(long, value_enum, default_value_t = ReverseRule::Ratio)]
    pub reverse: ReverseRule,

    /// 写到文件（默认标准输出）。
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// 覆盖已存在的输出文件。
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReverseRule {
    Ratio,
    Linear,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// 原来的报表：工作簿或目录（如上年的，或第一次报送的）。
    #[arg(value_name = "OLD", display_order = 0)]
    pub old: PathBuf,

    /// 现在的报表：工作簿或目录（如本年的，或第二次报送的）。
    #[arg(value_name = "NEW", display_order = 1)]
    pub new: PathBuf,

    /// 输出格式：text 每处变更一行；json 每处变更的原值、新值和单元格。
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,

    /// 把变更写成工作簿（.xlsx：新增绿色，删除红色加删除线，变更黄色并写明原值 → 新值）。
    #[arg(short, long, value_name = "OUT.xlsx")]
    pub output: Option<PathBuf>,

    /// 覆盖已存在的输出文件。
    #[arg(long)]
    pub force: bool,
}
