//! The command line in Chinese: clap's headings, help and errors, as the users read
//! them. `cli.rs` declares the commands; this gives them their words.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches};

use crate::cli::Cli;

const TEMPLATE: &str = "\
{before-help}{about-with-newline}
用法：{usage}

{all-args}{after-help}";

const EXAMPLES: &str = "\
示例：
  jixiao serve                              在浏览器中打开网页，拖入工作簿即可
  jixiao check 收件箱                        检查收件箱中每个工作簿的每张表
  jixiao check 收件箱 --feedback 审核意见    每个部门一个审核意见工作簿，标出有问题的单元格
  jixiao merge 收件箱 -o 汇总.xlsx           汇总为一个工作簿（汇总、各部门、问题清单）
  jixiao split 收件箱 -o 拆分                每个项目写成一个规范格式的工作簿
  jixiao extract 收件箱 --format csv -o 表.csv
  jixiao template --stage 自评               空白自评表（也可为 申报、批复、监控）
  jixiao prefill --stage 自评 批复 -o 自评    按批复的目标为每个项目预填自评表
  jixiao score 自评                          按财预〔2020〕10号为自评表评分
  jixiao check 收件箱 --budget 预算.xlsx      与预算表核对每张表的年度资金总额
  jixiao diff 2024 2025 -o 变更.xlsx         两年（或两次报送）之间的变更

退出状态：0 无错误；1 有错误级别的问题或有文件无法读取；2 用法错误或无法写出。
diff 的退出状态：0 没有变更；1 有变更；2 有文件无法读取、用法错误或无法写出。";

/// The command line's definition with every word clap prints in Chinese.
pub fn command() -> Command {
    let cmd = localise(Cli::command(), true).after_help(EXAMPLES);
    // The limits are for reading: under their own heading.
    cmd.mut_args(|a| {
        if a.get_id().as_str().starts_with("max_") {
            a.help_heading("读取上限")
        } else {
            a
        }
    })
}

fn localise(cmd: Command, top: bool) -> Command {
    let mut cmd = cmd
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .disable_version_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("显示帮助")
                .help_heading("选项"),
        );
    if top {
        cmd = cmd.arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("显示版本")
                .help_heading("选项"),
        );
    }
    cmd = cmd.mut_args(localise_arg);
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        cmd = cmd.mut_subcommand(name, |s| localise(s, false));
    }
    cmd
}

/// An argument's heading, and its default and choices said in Chinese instead of
/// clap's `[default: …]` and `[possible values: …]`.
fn localise_arg(a: Arg) -> Arg {
    if a.get_id() == "help" || a.get_id() == "version" {
        return a;
    }
    let heading = if a.is_positional() {
        "参数"
    } else {
        "选项"
    };
    let mut a = if a.get_help_heading().is_none() {
        a.help_heading(heading)
    } else {
        a
    };
    // A flag (--force) has neither choices nor a default worth saying.
    if !a.get_action().takes_values() {
        return a;
    }
    let mut extra = String::new();
    let choices: Vec<String> = a
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !choices.is_empty() {
        extra.push_str(&format!("（可选：{}）", choices.join("、")));
        a = a.hide_possible_values(true);
    }
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !a.is_hide_default_value_set() {
        extra.push_str(&format!("（默认：{}）", defaults.join("、")));
        a = a.hide_default_value(true);
    }
    if extra.is_empty() {
        return a;
    }
    let help = a.get_help().map(ToString::to_string).unwrap_or_default();
    let help = help.trim_end_matches('。').to_string() + &extra;
    let long = a.get_long_help().map(ToString::to_string);
    let a = a.help(help.clone());
    match long {
        Some(long) => a.long_help(long.trim_end().trim_end_matches('。').to_string() + &extra),
        None => a,
    }
}

/// What to do with the command line: run it, or say something and exit with a status.
pub enum Parsed {
    Run(Box<Cli>),
    Exit {
        text: String,
        status: i32,
        stdout: bool,
    },
}

/// Parses `args` (the program's name first).
pub fn parse(args: impl IntoIterator<Item = std::ffi::OsString>) -> Parsed {
    let args: Vec<std::ffi::OsString> = args.into_iter().collect();
    let mut cmd = command();
    // The command named, for the usage line of an error.
    let named = args.iter().skip(1).find_map(|a| {
        let a = a.to_str()?;
        cmd.get_subcommands()
            .any(|s| s.get_name() == a)
            .then(|| a.to_string())
    });
    let result = cmd
        .try_get_matches_from_mut(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match result {
        Ok(cli) => Parsed::Run(Box::new(cli)),
        Err(e) => {
            let mut target = named
                .and_then(|name| cmd.find_subcommand(name).cloned())
                .unwrap_or(cmd);
            exit(&mut target, &e)
        }
    }
}

fn text(e: &clap::Error, kind: ContextKind) -> Option<String> {
    match e.get(kind)? {
        ContextValue::String(s) => Some(s.clone()),
        ContextValue::Strings(v) => Some(v.join("、")),
        ContextValue::StyledStr(s) => Some(s.to_string()),
        ContextValue::StyledStrs(v) => Some(
            v.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、"),
        ),
        ContextValue::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// What clap writes itself and cannot be told in Chinese: the usage's `[OPTIONS]` and
/// the colon after each heading.
fn tidy(text: &str) -> String {
    let mut out = text.replace("[OPTIONS]", "[选项]");
    for heading in ["参数", "选项", "命令", "读取上限"] {
        out = out.replace(&format!("\n{heading}:\n"), &format!("\n{heading}：\n"));
    }
    out
}

fn exit(cmd: &mut Command, e: &clap::Error) -> Parsed {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            return Parsed::Exit {
                text: tidy(&e.render().to_string()),
                status: 0,
                stdout: true,
            };
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand | ErrorKind::MissingSubcommand => {
            return Parsed::Exit {
                text: tidy(&e.render().to_string()),
                status: 2,
                stdout: false,
            };
        }
        _ => {}
    }
    let arg = text(e, ContextKind::InvalidArg).unwrap_or_default();
    let value = text(e, ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match e.kind() {
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数：{arg}"),
        ErrorKind::UnknownArgument => format!("未知的选项：{arg}"),
        ErrorKind::InvalidSubcommand => {
            let sub = text(e, ContextKind::InvalidSubcommand).unwrap_or_default();
            let known: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
            format!("未知的命令：{sub}（可用的命令：{}）", known.join("、"))
        }
        ErrorKind::InvalidValue => match text(e, ContextKind::ValidValue) {
            Some(valid) => format!("{arg} 的值“{value}”无效，可选：{valid}"),
            None => format!("{arg} 的值“{value}”无效"),
        },
        ErrorKind::ValueValidation => format!("{arg} 的值“{value}”无效"),
        ErrorKind::ArgumentConflict => format!("选项 {arg} 不能与其他选项同时使用"),
        ErrorKind::NoEquals => format!("{arg} 需要用 = 给出值"),
        ErrorKind::TooManyValues => format!("{arg} 的值太多：“{value}”"),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg} 的值的个数不对")
        }
        ErrorKind::InvalidUtf8 => "命令行中有无法识别的字符（不是 UTF-8）".to_string(),
        _ => format!(
            "命令行有误：{}",
            e.render().to_string().lines().next().unwrap_or_default()
        ),
    };
    if let Some(suggested) =
        text(e, ContextKind::SuggestedArg).or_else(|| text(e, ContextKind::SuggestedSubcommand))
    {
        message.push_str(&format!("\n  是否想用：{suggested}"));
    }
    let usage = text(e, ContextKind::Usage)
        .map(|u| u.trim().trim_start_matches("Usage:").trim().to_string())
        .unwrap_or_else(|| cmd.render_usage().to_string());
    let usage = usage.trim_start_matches("Usage:").trim();
    Parsed::Exit {
        text: tidy(&format!(
            "错误：{message}\n\n用法：{usage}\n\n加 --help 查看说明。\n"
        )),
        status: 2,
        stdout: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> (String, i32) {
        let args = std::iter::once("jixiao")
            .chain(args.iter().copied())
            .map(Into::into);
        match parse(args) {
            Parsed::Run(_) => (String::new(), -1),
            Parsed::Exit { text, status, .. } => (text, status),
        }
    }

    #[test]
    fn help_and_errors_speak_chinese() {
        let (help, status) = run(&["merge", "--help"]);
        assert_eq!(status, 0);
        for word in ["用法：", "参数", "选项", "读取上限", "显示帮助"] {
            assert!(help.contains(word), "{word} missing from:\n{help}");
        }
        assert!(help.contains("\n选项：\n"), "{help}");
        for word in [
            "Usage:",
            "Options:",
            "Arguments:",
            "[default:",
            "Print help",
            "[OPTIONS]",
        ] {
            assert!(!help.contains(word), "{word} in:\n{help}");
        }
        let (error, status) = run(&["merge", "x.xlsx"]);
        assert_eq!(status, 2);
        assert!(
            error.starts_with("错误：缺少必需的参数：--output"),
            "{error}"
        );
        let (help, _) = run(&["prefill", "--help"]);
        assert!(help.contains("（可选：自评、监控）"), "{help}");
        let (error, _) = run(&["prefill", "--stage", "批复", "x", "-o", "y"]);
        assert!(error.contains("“批复”无效，可选：自评、监控"), "{error}");
        let (error, _) = run(&["check", "--format", "xml", "x"]);
        assert!(error.contains("“xml”无效，可选：text、json"), "{error}");
        let (error, _) = run(&["mrege"]);
        assert!(error.contains("未知的命令：mrege"), "{error}");
        assert!(error.contains("是否想用：merge"), "{error}");
        assert!(!error.contains("Usage:"), "{error}");
    }
}
