// zh-CN first, English second. Keys are stable; the server's error codes map to text here too.
const TEXT = {
  "zh-CN": {
    app: "ShopChat 社群", login: "登录", register: "注册", username: "用户名", password: "密码",
    no_account: "没有账号？注册", have_account: "已有账号？登录", logout: "退出", my_groups: "我的社群",
    pick_group: "选择一个社群开始聊天", write: "说点什么…", send: "发送", offline: "连接已断开，正在重连…",
    members: "成员", hidden: "该消息已被隐藏", deleted: "该消息已删除", held: "审核中", language: "English",
    discover: "发现社群", join: "加入", private: "私信", message_them: "私信", threads: "话题", new_thread: "发起话题",
    contact_support: "联系客服", bot_serving: "智能助手为你服务", queued: "排队中，你是第 {n} 位",
    agent_serving: "客服 {name} 为你服务", support_resolved: "服务已结束", handoff: "转人工", rated: "感谢你的评价",
    rating_comment: "说说你的感受（选填）", skip: "跳过", desk: "客服工作台", waiting: "排队中", mine: "我的会话",
    pick_case: "选择一位客户", resolve: "结束会话", orders: "客户订单", canned: "快捷回复",
    thread_title: "话题标题", replies: "回复", follow: "关注", following: "已关注",
    "error.bad_credentials": "用户名或密码错误", "error.username_taken": "用户名已被占用",
    "error.muted": "你已被禁言", "error.banned": "你已被封禁", "error.flood": "发言太快了，请稍后再试",
    "error.slow_mode": "本群开启了慢速模式，请稍后再发", "error.moderation_blocked": "消息包含违规内容，未发送",
    "error.new_member_limit": "新成员暂时不能发送链接或私信陌生人", "error.default": "出错了，请重试",
    seconds_left: "剩余 {n} 秒", reason: "原因：{r}",
    report: "举报", report_sent: "已举报，感谢你的反馈", category: "类别", note: "补充说明（选填）", cancel: "取消",
    "cat.spam": "垃圾广告", "cat.diversion": "引流/私下交易", "cat.scam": "诈骗", "cat.gambling": "赌博", "cat.porn": "色情",
    "cat.abuse": "辱骂", "cat.counterfeit": "假货", "cat.harassment": "骚扰", "cat.other": "其他",
    moderation: "管理后台", chat: "聊天", queue_empty: "没有待处理的举报", score: "分值", reports: "举报",
    author_history: "作者记录", context: "上下文", action_reason: "处理原因（会告知对方）", need_reason: "请填写处理原因",
    "act.dismiss": "忽略", "act.delete": "删除消息", "act.warn": "警告", "act.mute": "禁言", "act.kick": "移出群",
    "act.ban": "封禁", "dur.10m": "10分钟", "dur.1h": "1小时", "dur.1d": "1天", "dur.7d": "7天", done: "已处理",
    "error.already_reported": "你已经举报过了", "error.report_rate_limited": "举报太频繁，请稍后再试",
  },
  en: {
    app: "ShopChat", login: "Log in", register: "Sign up", username: "Username", password: "Password",
    no_account: "No account? Sign up", have_account: "Have an account? Log in", logout: "Log out",
    my_groups: "My groups", pick_group: "Pick a group to start chatting", write: "Say something…", send: "Send",
    offline: "Offline — reconnecting…", members: "members", hidden: "This message was hidden",
    deleted: "This message was deleted", held: "Under review", private: "Direct messages", message_them: "Message", threads: "Topics",
    contact_support: "Customer service", bot_serving: "The assistant is helping you", queued: "In the queue: position {n}",
    agent_serving: "{name} is helping you", support_resolved: "Finished", handoff: "Talk to a person", rated: "Thanks for rating",
    rating_comment: "Anything to add? (optional)", skip: "Skip", desk: "Service desk", waiting: "Waiting", mine: "Mine",
    pick_case: "Pick a customer", resolve: "Resolve", orders: "Orders", canned: "Canned replies",
    new_thread: "Start a topic", thread_title: "Title", replies: "Replies", follow: "Follow", following: "Following", language: "中文", discover: "Discover", join: "Join",
    "error.bad_credentials": "Wrong username or password", "error.username_taken": "That username is taken",
    "error.muted": "You are muted", "error.banned": "You are banned", "error.flood": "Slow down a little",
    "error.slow_mode": "This group is in slow mode; wait a moment", "error.moderation_blocked": "Not sent: it breaks the community rules",
    "error.new_member_limit": "New members can't post links or message strangers yet", "error.default": "Something went wrong",
    seconds_left: "{n} s left", reason: "Reason: {r}",
    report: "Report", report_sent: "Reported, thank you", category: "Category", note: "Note (optional)", cancel: "Cancel",
    "cat.spam": "Spam", "cat.diversion": "Off-platform trading", "cat.scam": "Scam", "cat.gambling": "Gambling",
    "cat.porn": "Porn", "cat.abuse": "Abuse", "cat.counterfeit": "Counterfeit", "cat.harassment": "Harassment",
    "cat.other": "Other", moderation: "Moderation", chat: "Chat", queue_empty: "Nothing to review", score: "Score",
    reports: "Reports", author_history: "Author's record", context: "Context",
    action_reason: "Reason (the user is told)", need_reason: "Write the reason first", "act.dismiss": "Dismiss", "act.delete": "Delete", "act.warn": "Warn",
    "act.mute": "Mute", "act.kick": "Kick", "act.ban": "Ban", "dur.10m": "10 min", "dur.1h": "1 hour", "dur.1d": "1 day",
    "dur.7d": "7 days", done: "Done", "error.already_reported": "You reported this already",
    "error.report_rate_limited": "Too many reports; try later",
  },
};

export let lang = localStorage.getItem("lang") || "zh-CN";

export function setLang(next) {
  lang = next;
  localStorage.setItem("lang", next);
  document.documentElement.lang = next;
}

export function t(key, vars = {}) {
  const text = TEXT[lang][key] ?? TEXT["zh-CN"][key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

export function errorText(error) {
  if (!error) return t("error.default");
  let text = TEXT[lang][`error.${error.code}`] ? t(`error.${error.code}`) : (error.message || t("error.default"));
  const d = error.details || {};
  if (d.seconds_left) text += " · " + t("seconds_left", { n: d.seconds_left });
  if (d.reason) text += " · " + t("reason", { r: d.reason });
  return text;
}
