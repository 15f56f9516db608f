//! English and Simplified Chinese.
//!
//! Every fixed string of the interface is an [`M`] key with both texts side by
//! side, so a missing translation is a compile error. Strings with numbers in
//! them are functions of [`Lang`]. The language is chosen from the browser,
//! switchable, and remembered (see [`crate::storage`]).

use ews_core::time::humanize_ago;
use ews_core::{ContainerStatus, Outcome};

/// An interface language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl Lang {
    /// Both languages.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, for the switcher.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "简体中文",
        }
    }

    /// Parses a language tag: `zh`, `zh-CN`, `zh-Hans`… are Chinese; `en…`
    /// is English; anything else is `None`.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") {
            Some(Lang::Zh)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The first supported language of the browser's preference list, or English.
    pub fn from_preferences<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter().find_map(Lang::parse).unwrap_or_default()
    }

    /// "x min ago" (or "in x min") in this language, from the core's
    /// [`humanize_ago`] so that both languages round the same way.
    pub fn ago(self, delta_ms: i64) -> String {
        let en = humanize_ago(delta_ms);
        match self {
            Lang::En => en,
            Lang::Zh => ago_zh(&en).unwrap_or(en),
        }
    }

    /// "updated N s ago".
    pub fn updated_ago(self, secs: u64) -> String {
        match self {
            Lang::En => format!("updated {secs} s ago"),
            Lang::Zh => format!("{secs} 秒前更新"),
        }
    }

    /// "N selected".
    pub fn selected(self, n: usize) -> String {
        match self {
            Lang::En => format!("{n} selected"),
            Lang::Zh => format!("已选 {n} 个"),
        }
    }

    /// "N of M containers".
    pub fn showing(self, shown: usize, total: usize) -> String {
        match self {
            Lang::En => format!("{shown} of {total} containers"),
            Lang::Zh => format!("显示 {shown} / 共 {total} 个容器"),
        }
    }

    /// The clock-skew notice.
    pub fn skew_notice(self, correction_ms: i64) -> String {
        let secs = correction_ms.unsigned_abs() / 1000;
        match (self, correction_ms > 0) {
            (Lang::En, true) => {
                format!("Your clock is {secs} s behind the server's; corrected automatically.")
            }
            (Lang::En, false) => {
                format!("Your clock is {secs} s ahead of the server's; corrected automatically.")
            }
            (Lang::Zh, true) => format!("本机时钟比服务器慢 {secs} 秒，已自动校正。"),
            (Lang::Zh, false) => format!("本机时钟比服务器快 {secs} 秒，已自动校正。"),
        }
    }

    /// Bulk summary: "3 succeeded, 1 failed".
    pub fn bulk_summary(self, ok: usize, failed: usize) -> String {
        match self {
            Lang::En => format!("{ok} succeeded, {failed} failed"),
            Lang::Zh => format!("{ok} 个成功，{failed} 个失败"),
        }
    }

    /// Where a rolling job stands, in words.
    pub fn rollout_state(self, state: &ews_core::rollout::State) -> &'static str {
        use ews_core::rollout::State;
        match (self, state) {
            (Lang::En, State::Running) => "In batches",
            (Lang::En, State::Paused) => "Paused: the running batch finishes, no other starts",
            (Lang::En, State::Halted) => "Halted: too many failures; the rest was not started",
            (Lang::En, State::Cancelled) => "Cancelled; the rest was not started",
            (Lang::En, State::Done) => "Done",
            (Lang::Zh, State::Running) => "分批执行中",
            (Lang::Zh, State::Paused) => "已暂停：当前批次完成后不再开始新批次",
            (Lang::Zh, State::Halted) => "已停止：失败过多，其余未开始",
            (Lang::Zh, State::Cancelled) => "已取消，其余未开始",
            (Lang::Zh, State::Done) => "已完成",
        }
    }

    /// "batch 2 of 5 · 1:05 elapsed · about 2:10 left".
    pub fn rollout_line(
        self,
        batch: usize,
        of: usize,
        elapsed_s: u64,
        left_s: Option<u64>,
    ) -> String {
        let mmss = |s: u64| format!("{}:{:02}", s / 60, s % 60);
        let left = left_s.map(mmss).unwrap_or_default();
        match self {
            Lang::En if left.is_empty() => {
                format!("batch {batch} of {of} · {} elapsed", mmss(elapsed_s))
            }
            Lang::En => format!(
                "batch {batch} of {of} · {} elapsed · about {left} left",
                mmss(elapsed_s)
            ),
            Lang::Zh if left.is_empty() => {
                format!("第 {batch} / {of} 批 · 已用 {}", mmss(elapsed_s))
            }
            Lang::Zh => format!(
                "第 {batch} / {of} 批 · 已用 {} · 约剩 {left}",
                mmss(elapsed_s)
            ),
        }
    }

    /// "Start 3 containers?" and the like.
    pub fn bulk_question(self, action: M, n: usize) -> String {
        let verb = action.text(self);
        match self {
            Lang::En => format!("{verb} {n} container{}?", if n == 1 { "" } else { "s" }),
            Lang::Zh => format!("{verb} {n} 个容器？"),
        }
    }

    /// How a command ended, in words (English: the core's own text).
    pub fn outcome(self, o: &Outcome) -> String {
        let with = |head: String, msg: &str| {
            if msg.is_empty() {
                head
            } else {
                format!("{head}：{msg}")
            }
        };
        match (self, o) {
            (Lang::En, o) => o.to_string(),
            (Lang::Zh, Outcome::Succeeded { message }) => with("成功".into(), message),
            (Lang::Zh, Outcome::Failed { result, message }) if result.is_empty() => {
                with("失败".into(), message)
            }
            (Lang::Zh, Outcome::Failed { result, message }) => {
                with(format!("失败（结果 {result}）"), message)
            }
            (Lang::Zh, Outcome::PublishFailed { message }) => {
                with("失败：命令未能发布".into(), message)
            }
            (Lang::Zh, Outcome::TimedOut { after_ms, .. }) => {
                format!(
                    "{} 秒后仍无结果，命令可能仍会完成：请刷新容器查看其状态",
                    after_ms / 1000
                )
            }
            (Lang::Zh, Outcome::Lost { reason }) => {
                format!("无法跟踪命令（{reason}）：请刷新容器查看其状态")
            }
        }
    }

    /// "Delete container 42?"
    pub fn delete_question(self, id: &str) -> String {
        match self {
            Lang::En => format!("Delete container {id}? This cannot be undone."),
            Lang::Zh => format!("删除容器 {id}？此操作不可撤销。"),
        }
    }

    /// "N skipped: a command is already running for them".
    pub fn skipped(self, n: usize) -> String {
        match self {
            Lang::En => format!("{n} skipped: a command is already running for them"),
            Lang::Zh => format!("跳过 {n} 个：已有命令正在执行"),
        }
    }

    /// A bulk target its state does not usually take the action from.
    pub fn unusual_item(self, status: &ContainerStatus, included: bool) -> String {
        match (self, included) {
            (Lang::En, false) => format!("{status}: not usual, left out unless included"),
            (Lang::En, true) => {
                format!("{status}: not usual, included (the service may refuse: 1007 StatusError)")
            }
            (Lang::Zh, false) => format!("{status}：非通常操作，除非包括，否则略过"),
            (Lang::Zh, true) => {
                format!("{status}：非通常操作，已包括（服务可能拒绝：1007 StatusError）")
            }
        }
    }

    /// The button that includes (or leaves out again) the unusual targets.
    pub fn include_unusual(self, n: usize, on: bool) -> String {
        match (self, on) {
            (Lang::En, false) => format!("Include the {n} not usual"),
            (Lang::En, true) => format!("Leave out the {n} not usual"),
            (Lang::Zh, false) => format!("包括 {n} 个非通常目标"),
            (Lang::Zh, true) => format!("略过 {n} 个非通常目标"),
        }
    }

    /// "N containers could not be read".
    pub fn unreadable(self, n: usize) -> String {
        match self {
            Lang::En if n == 1 => "1 container could not be read".into(),
            Lang::En => format!("{n} containers could not be read"),
            Lang::Zh => format!("{n} 个容器无法读取"),
        }
    }

    /// What a container state means (the documentation's words, from the core).
    pub fn meaning(self, status: &ContainerStatus) -> &'static str {
        match self {
            Lang::En => status.meaning_en(),
            Lang::Zh => status.meaning_zh(),
        }
    }

    /// Why a passing state is flagged: "In STARTING for 5 min or more…".
    pub fn stuck_title(self, status: &ContainerStatus) -> String {
        let mins = ews_core::action::STUCK_AFTER_MS / 60_000;
        match self {
            Lang::En => format!(
                "In {status} for {mins} min or more: it may be stuck. A stop is the usual way out of a hung start or stop."
            ),
            Lang::Zh => format!(
                "处于 {status} 已达 {mins} 分钟以上，可能卡住。停止是结束卡住的启动或停止的常用方法。"
            ),
        }
    }

    /// "Stop is not usual for STARTING: asks first".
    pub fn not_usual(self, action: M, status: &ContainerStatus) -> String {
        let verb = action.text(self);
        match self {
            Lang::En => {
                format!("{verb} is not usual for {status}: asks first (the service may refuse it)")
            }
            Lang::Zh => format!("{status} 状态通常不{verb}：会先确认（服务可能拒绝）"),
        }
    }

    /// "Stop container 42?"
    pub fn action_question(self, action: M, id: &str) -> String {
        let verb = action.text(self);
        match self {
            Lang::En => format!("{verb} container {id}?"),
            Lang::Zh => format!("{verb}容器 {id}？"),
        }
    }

    /// "It is STARTING (Starting): stop is not what this state usually takes…"
    pub fn unusual_warning(self, action: M, status: &ContainerStatus) -> String {
        let verb = action.text(self);
        let meaning = self.meaning(status);
        match self {
            Lang::En => format!(
                "It is {status} ({meaning}). {verb} is not what this state usually takes: the service may refuse it (1007 StatusError), and then nothing changes."
            ),
            Lang::Zh => format!(
                "它处于 {status}（{meaning}）。该状态通常不{verb}：服务可能拒绝（1007 StatusError），届时不会有任何更改。"
            ),
        }
    }

    /// Why a restart did not start the container again.
    pub fn left_alone(self, why: &ews_core::rollout::LeftAlone) -> String {
        use ews_core::rollout::LeftAlone;
        match (self, why) {
            (Lang::En, _) => why.to_string(),
            (Lang::Zh, LeftAlone::StopFailed) => "停止未成功，容器保持原样（未重新启动）".into(),
            (Lang::Zh, LeftAlone::NotStopped(status)) => {
                format!("停止成功，但容器处于 {status}，不是 STOPPED；未重新启动")
            }
        }
    }

    /// "Stop anyway".
    pub fn anyway(self, action: M) -> String {
        let verb = action.text(self);
        match self {
            Lang::En => format!("{verb} anyway"),
            Lang::Zh => format!("仍要{verb}"),
        }
    }

    /// The title of a field sent in a shape the documentation does not give.
    pub fn odd_title(self, raw: &str) -> String {
        match self {
            Lang::En => format!("Sent as {raw}: not the documented type; shown as sent"),
            Lang::Zh => format!("原始值 {raw}：不是文档规定的类型，按原样显示"),
        }
    }
}

fn zh_unit(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "min" => "分钟",
        "h" => "小时",
        "d" => "天",
        _ => return None,
    })
}

/// Turns the core's English "5 min ago" / "in 5 min" / "just now" into Chinese.
fn ago_zh(en: &str) -> Option<String> {
    if en == "just now" {
        return Some("刚刚".into());
    }
    if let Some(rest) = en.strip_suffix(" ago") {
        let (n, unit) = rest.split_once(' ')?;
        return Some(format!("{n} {}前", zh_unit(unit)?));
    }
    let (n, unit) = en.strip_prefix("in ")?.split_once(' ')?;
    Some(format!("{n} {}后", zh_unit(unit)?))
}

macro_rules! messages {
    ($( $(#[$doc:meta])* $key:ident => $en:literal, $zh:literal; )*) => {
        /// A fixed interface string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[allow(missing_docs)]
        pub enum M { $( $key, )* }

        impl M {
            /// The text in `lang`.
            pub fn text(self, lang: Lang) -> &'static str {
                match lang {
                    Lang::En => match self { $( M::$key => $en, )* },
                    Lang::Zh => match self { $( M::$key => $zh, )* },
                }
            }
        }
    };
}

messages! {
    AppName => "EWS console", "EWS 控制台";
    Connect => "Connect", "连接";
    Connecting => "Connecting…", "正在连接…";
    ConnectTitle => "Connect to the EWS API", "连接 EWS API";
    Endpoint => "Endpoint URL", "接口地址";
    EndpointHint => "The API's base URL, without /api/v1. Default: this page's own origin.", "API 的基础地址，不含 /api/v1。默认为本页面的源。";
    AccessKey => "Access key", "Access Key";
    SecretKey => "Secret key", "Secret Key";
    SignMethod => "Sign method", "签名方法";
    Remember => "Remember on this device", "在此设备上记住";
    RememberWarning => "The secret key will be stored in this browser's local storage, readable by anyone using this browser profile and by any script on this page. Only tick this on a personal, trusted device; use \"Forget\" to wipe it.", "Secret Key 将保存在此浏览器的本地存储中，使用此浏览器配置文件的任何人以及本页面上的任何脚本都能读取。仅在个人可信设备上勾选；可用“忘记”清除。";
    SecretMemoryOnly => "The secret key is kept in memory only and is gone when you close or reload this tab.", "Secret Key 仅保存在内存中，关闭或刷新此标签页后即清除。";
    Disconnect => "Disconnect", "断开";
    Forget => "Forget", "忘记";
    Forgotten => "Stored credentials wiped from this device.", "已从此设备清除保存的凭据。";
    Account => "Account", "账户";
    AccountName => "Account name", "账户名称";
    AccountNameHint => "e.g. production (default: the endpoint's host)", "例如 production（默认：接口地址的主机名）";
    AccountNameInvalid => "An account name is 1 to 40 characters, without \"/\" and without spaces at either end.", "账户名称为 1 到 40 个字符，不含“/”，首尾不能有空格。";
    AccountNameTaken => "Another account already has this name: choose another.", "已有账户使用此名称，请换一个。";
    AddAccount => "+ Add account…", "+ 添加账户…";
    RemoveAccount => "Remove this account", "删除此账户";
    AllAccounts => "All accounts", "全部账户";
    NotReached => "Not connected in this tab: open it once to type its secret.", "此标签页未连接：请打开该账户输入一次 Secret Key。";
    AccountDown => "Not answering (rows as last seen):", "未响应（列表为上次所见）：";
    SignIn => "Sign in", "登录";
    EdgeSignInNeeded => "This console is served by the edge gateway: sign in to continue.", "此控制台由边缘网关提供，请登录后继续。";
    RoleViewer => "viewer (read only)", "访客（只读）";
    RoleOperator => "operator", "操作员";
    Checking => "Checking how this console is served…", "正在检查控制台的访问方式…";
    Containers => "Containers", "容器";
    Search => "Search id, node, host", "搜索 ID、节点、主机";
    SearchLabel => "Search", "搜索";
    AllStatuses => "All", "全部";
    Status => "Status", "状态";
    Id => "ID", "ID";
    Node => "Node", "节点";
    Host => "Host", "主机";
    Cpu => "CPU", "CPU";
    Mem => "Memory", "内存";
    Disk => "Disk", "磁盘";
    Health => "Health", "健康";
    Created => "Created", "创建时间";
    Started => "Started", "启动时间";
    Stopped => "Stopped", "停止时间";
    Actions => "Actions", "操作";
    Command => "Command", "命令";
    GroupBy => "Group by", "分组";
    GroupNone => "No grouping", "不分组";
    Shared => "shared", "共享";
    Refresh => "Refresh", "刷新";
    AutoRefresh => "Auto-refresh", "自动刷新";
    Off => "off", "关闭";
    Paused => "paused while the tab is hidden", "标签页隐藏时暂停";
    Loading => "Loading…", "加载中…";
    NoMatch => "No container matches these filters.", "没有符合筛选条件的容器。";
    NoContainers => "There are no containers.", "没有容器。";
    ClearFilters => "Clear filters", "清除筛选";
    RefreshFailed => "Refresh failed; showing the last good data.", "刷新失败，显示上次成功获取的数据。";
    Start => "Start", "启动";
    Stop => "Stop", "停止";
    Restart => "Restart", "重启";
    RolloutBatch => "In batches of", "每批";
    RolloutPause => "pause (s)", "间隔（秒）";
    RolloutTolerance => "halt after failures over", "失败超过即停止";
    RolloutBad => "cannot be read", "无法读取";
    RolloutPauseNow => "Pause", "暂停";
    RolloutResume => "Resume", "继续";
    RolloutCancel => "Cancel the rest", "取消剩余";
    NotStarted => "not started", "未开始";
    Delete => "Delete", "删除";
    Cancel => "Cancel", "取消";
    Close => "Close", "关闭";
    Stuck => "stuck?", "卡住？";
    Audit => "Audit", "审计";
    SignOut => "Sign out", "退出登录";
    SignOutEverywhere => "Sign out everywhere", "在所有设备上退出";
    StatesLegend => "What the states mean", "状态说明";
    Unreadable => "The service sent these list items in a shape that is not a container; they are left out, every other container is shown.", "服务返回的这些列表项不是容器格式，已略去；其他容器照常显示。";
    RefusedZh => "The service refused this action in the container's current state; nothing changed. Refresh, then wait for the state to change or choose another action.", "服务拒绝在容器当前状态下执行此操作，未做任何更改。请刷新，然后等待状态变化或选择其他操作。";
    SelectAll => "Select all filtered", "全选筛选结果";
    SelectRow => "Select container", "选择容器";
    ClearSelection => "Clear selection", "清除选择";
    BulkTitle => "Bulk action", "批量操作";
    BulkRunning => "Running…", "执行中…";
    Pending => "waiting", "等待中";
    ExportCsv => "Export CSV", "导出 CSV";
    ExportJson => "Export JSON", "导出 JSON";
    Activity => "Recent activity", "最近活动";
    ActivityEmpty => "No commands in this session yet.", "本次会话还没有命令。";
    ClearFinished => "Clear finished", "清除已完成";
    Back => "← All containers", "← 全部容器";
    ContainerTitle => "Container", "容器";
    CommandHistory => "Command history (this session)", "命令历史（本次会话）";
    NoHistory => "No commands for this container in this session.", "本次会话中此容器没有命令。";
    NotFound => "This page does not exist.", "页面不存在。";
    ContainerGone => "This container is not in the list (it may have been deleted).", "列表中没有此容器（可能已被删除）。";
    Timeline => "Timeline", "时间线";
    NoActivities => "No activity yet: the command has not started running.", "暂无活动：命令尚未开始执行。";
    Result => "Result", "结果";
    CommandStatus => "Command status", "命令状态";
    Language => "Language", "语言";
    Menu => "Menu", "菜单";
    Theme => "Theme", "主题";
    ThemeSystem => "System", "跟随系统";
    ThemeLight => "Light", "浅色";
    ThemeDark => "Dark", "深色";
    Dismiss => "Dismiss", "关闭提示";
    PanicTitle => "Something broke — reload the page.", "出错了，请刷新页面。";
    Reload => "Reload", "刷新页面";
    NetworkError => "Could not reach the API.", "无法访问 API。";
    CorsHint => "Either the server is down, the endpoint URL is wrong, or the API sends no CORS headers: a browser can only call an API on another origin when it allows it with CORS headers. Serve the console through the edge gateway (edge mode, same origin) or check the endpoint URL.", "可能是服务器不可用、接口地址错误，或 API 未发送 CORS 响应头：浏览器只能在对方以 CORS 响应头允许时调用其他源的 API。请通过边缘网关（边缘模式，同源）使用控制台，或检查接口地址。";
    TimeoutError => "The API did not answer within 20 s.", "API 在 20 秒内没有响应。";
    SignErrorZh => "Signature refused: check the secret key and the sign method.", "签名被拒绝：请检查 Secret Key 和签名方法。";
    ServerErrorZh => "The server failed; retry in a moment.", "服务器出错，请稍后重试。";
    NotApiZh => "The answer is not an EWS API response: check that the endpoint URL points to the API.", "返回内容不是 EWS API 响应：请检查接口地址是否指向 API。";
    ApiErrorZh => "The API refused the request.", "API 拒绝了请求。";
    SessionExpiredZh => "Your session has expired: sign in again.", "会话已过期，请重新登录。";
    Details => "Details", "详情";
    Running => "running", "执行中";
    Shortcuts => "Keyboard: / search · Esc close · Space select", "键盘：/ 搜索 · Esc 关闭 · 空格 选择";
    NoNode => "no node", "无节点";
    NoHost => "no host", "无主机";
    ViewCommand => "View command", "查看命令";
    Refreshing => "refreshing…", "刷新中…";
    EndpointInvalid => "The endpoint must be an http:// or https:// URL, such as https://open-ews.cloud.tmall.com.", "接口地址必须是 http:// 或 https:// 开头的 URL，例如 https://open-ews.cloud.tmall.com。";
    AccessKeyMissing => "Enter the access key.", "请输入 Access Key。";
    SecretMissing => "Enter the secret key.", "请输入 Secret Key。";
    CurrentCommand => "Running command", "正在执行的命令";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_preferences_pick_the_first_supported() {
        assert_eq!(Lang::from_preferences(["fr-FR", "zh-CN", "en"]), Lang::Zh);
        assert_eq!(Lang::from_preferences(["zh-Hans-CN"]), Lang::Zh);
        assert_eq!(Lang::from_preferences(["en-GB", "zh"]), Lang::En);
        assert_eq!(Lang::from_preferences(["de", ""]), Lang::En);
        assert_eq!(Lang::from_preferences(Vec::<&str>::new()), Lang::En);
    }

    #[test]
    fn ago_is_translated_from_the_core() {
        assert_eq!(Lang::En.ago(5 * 60_000), "5 min ago");
        assert_eq!(Lang::Zh.ago(5 * 60_000), "5 分钟前");
        assert_eq!(Lang::Zh.ago(3 * 3_600_000), "3 小时前");
        assert_eq!(Lang::Zh.ago(-10 * 60_000), "10 分钟后");
        assert_eq!(Lang::Zh.ago(1_000), "刚刚");
        assert_eq!(Lang::Zh.ago(2 * 86_400_000), "2 天前");
    }

    #[test]
    fn every_message_has_both_texts() {
        for m in [M::Connect, M::RememberWarning, M::CorsHint, M::PanicTitle] {
            assert!(!m.text(Lang::En).is_empty());
            assert_ne!(m.text(Lang::En), m.text(Lang::Zh));
        }
    }

    #[test]
    fn outcomes_in_both_languages() {
        let ok = Outcome::Succeeded {
            message: "success".into(),
        };
        let bad = Outcome::Failed {
            result: "500".into(),
            message: "disk full".into(),
        };
        assert_eq!(Lang::En.outcome(&ok), "succeeded: success");
        assert_eq!(Lang::Zh.outcome(&ok), "成功：success");
        assert_eq!(Lang::Zh.outcome(&bad), "失败（结果 500）：disk full");
        assert!(Lang::En.outcome(&bad).contains("disk full"));
    }

    #[test]
    fn skew_notice_says_the_direction() {
        assert!(Lang::En.skew_notice(90_000).contains("90 s behind"));
        assert!(Lang::En.skew_notice(-5_000).contains("5 s ahead"));
        assert!(Lang::Zh.skew_notice(90_000).contains("慢 90 秒"));
    }
}
