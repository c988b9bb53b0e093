//! `jixiao serve`: the page, on this machine.

use crate::cli::ServeArgs;
use crate::commands::EXIT_OK;

/// Runs the server until Ctrl-C or the page's 退出 button.
///
/// # Errors
/// When the address cannot be bound.
pub fn run(args: &ServeArgs, limits: &jixiao::read::Limits) -> anyhow::Result<i32> {
    let options = jixiao::serve::Options {
        listen: args.listen,
        open: !args.no_open,
        limits: *limits,
    };
    if let Some(addr) = args.listen
        && !addr.ip().is_loopback()
    {
        note!(
            "注意：监听在 {addr}，同一网络中的其他电脑也能访问此页面（仍需地址中的令牌）。如只在本机使用，请去掉 --listen。"
        );
    }
    jixiao::serve::run(&options, |url| {
        note!("jixiao 网页已启动：{url}");
        note!(
            "在浏览器中打开上面的地址；按 Ctrl-C 或点页面上的“退出”结束（读取的内容随之清除；文件不会写到磁盘上）。"
        );
        if options.open && webbrowser::open(url).is_err() {
            note!("无法自动打开浏览器，请手动打开上面的地址。");
        }
    })?;
    note!("jixiao 网页已退出，读取的内容已清除。");
    Ok(EXIT_OK)
}
