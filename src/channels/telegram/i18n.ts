// Message templates, English and Chinese. Templates return plain text; the card escapes what it
// puts into HTML, and the few templates that return HTML say so (…Html) and escape their inputs.
import type { Priority, Status } from '../../core/types.js';
import type { ActionBody } from '../action.js';
import { escapeHtml } from './escape.js';

export const LOCALES = ['en', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

import { FILER_NOTE, STEP_UP_NOTE, type GrantKind } from '../offer.js';

export type { GrantKind };

export interface Messages {
  // Buttons.
  approve: string;
  approveSession: string;
  always: string;
  deny: string;
  denyWithReason: string;
  edit: string;
  conditional: string;
  readFirst: string;
  acceptAll(kind: GrantKind, subject: string): string;
  customAnswer: string;
  done: string;
  skip: string;
  confirm: string;
  cancel: string;
  yes: string;
  no: string;
  // The card.
  priority: Record<Priority, string>;
  action: string;
  actionWhat: Record<ActionBody['kind'], string>;
  alsoInInput: string;
  agentDescription: string;
  agent: string;
  project: string;
  dir: string;
  host: string;
  requester: string;
  session: string;
  policy: string;
  dangerous: string;
  context: string;
  question: string;
  multiSelect: string;
  freeText: string;
  conditionsAsked: string;
  expires(at: string, rel: string): string;
  inTime(ms: number): string;
  truncated(shown: number, total: number): string;
  shortened(shown: number, total: number): string;
  fullTextCaption: string;
  // Outcomes.
  headline(status: Status, scope: string | null, edited: boolean): string;
  byWho(who: string, via: string): string;
  comment: string;
  answer: string;
  conditions: string;
  editedInput: string;
  // Answers to taps (toasts, at most 200 characters).
  notAuthorized: string;
  notRouted: string;
  /** The tapper filed the request (FILER_NOTE). */
  filed: string;
  invalidButton: string;
  unknownRequest: string;
  alreadyDecided(status: Status, who: string, via: string): string;
  decided(status: Status): string;
  /** A vote counted on a request that needs more: the progress line follows. */
  voteCounted(progress: string): string;
  readFirstToast: string;
  revealed: string;
  pickAtLeastOne: string;
  failed(reason: string): string;
  stepDone: string;
  replyBelow: string;
  // Force-reply prompts and walk-throughs (HTML; inputs escaped here).
  promptReasonHtml(who: string): string;
  promptEditHtml(who: string, what: 'command' | 'json' | 'text', current: string): string;
  promptAnswerHtml(who: string): string;
  /** Step-up: the card's line, the tap's toast, and the force-reply asking for the code. */
  stepUpNote: string;
  confirmWithCode: string;
  promptCodeHtml(who: string): string;
  promptConditionHtml(who: string, step: number, of: number, label: string, description: string | null, type: string, optional: boolean): string;
  chooseConditionHtml(step: number, of: number, label: string, description: string | null): string;
  confirmConditionsHtml(values: [string, string][]): string;
  walkCancelled: string;
  notANumber: string;
  notJson: string;
  placeholder: string;
  aboutRequest(id: string): string;
  // Commands.
  startHtml(chatId: string, userId: number, approver: string | null): string;
  pendingNone: string;
  pendingSending(n: number, more: number): string;
  clearDone(n: number, sessions: number): string;
  clearNone: string;
  help: string;
}

const fmtDuration = (ms: number, units: [number, string][]): string => {
  const abs = Math.max(0, ms);
  for (const [size, name] of units) if (abs >= size) return `${Math.round(abs / size)}${name}`;
  return `0${units[units.length - 1][1]}`;
};

const en: Messages = {
  approve: '✅ Approve',
  approveSession: '✅ Approve for session',
  always: '♾️ Always',
  deny: '❌ Deny',
  denyWithReason: '💬 Deny with reason',
  edit: '✏️ Edit',
  conditional: '🧩 Conditional',
  readFirst: '📄 I read the attached file: show approve buttons',
  acceptAll: (kind, s) =>
    kind === 'prefix' ? `Accept all \`${s} *\`` : kind === 'edits' ? (s ? `Accept all edits in ${s}` : 'Accept all edits') : kind === 'read-dir' ? `Allow reading ${s}` : kind === 'domain' ? `Accept all fetches from ${s}` : `Accept all ${s}`,
  customAnswer: '✍️ Custom answer',
  done: '✔️ Done',
  skip: '⏭ Skip',
  confirm: '✅ Confirm',
  cancel: '✖️ Cancel',
  yes: 'Yes',
  no: 'No',
  priority: { low: '⚪ low', normal: '🔵 normal', high: '🟠 high', critical: '🔴 CRITICAL' },
  action: 'The action',
  actionWhat: { command: 'command', edit: 'changes', write: 'file written', target: 'target', plan: 'plan', json: 'input', text: 'in the agent’s words (no tool input)', none: 'nothing but the title' },
  alsoInInput: 'Also in the input',
  agentDescription: 'Agent’s description (its own words, not checked)',
  agent: 'Agent',
  project: 'Project',
  dir: 'Dir',
  host: 'Host',
  requester: 'Requester',
  session: 'Session',
  policy: 'Why you are asked',
  dangerous: '⚠️ Dangerous: never approved automatically.',
  context: 'Context',
  question: 'Question',
  multiSelect: 'Pick one or more, then Done.',
  freeText: 'A custom answer is allowed.',
  conditionsAsked: 'Conditions you can set',
  expires: (at, rel) => `Expires ${at} (${rel})`,
  inTime: (ms) => (ms <= 0 ? 'now' : `in ${fmtDuration(ms, [[86_400_000, ' d'], [3_600_000, ' h'], [60_000, ' min'], [1000, ' s']])}`),
  truncated: (shown, total) => `✂️ Shortened: ${shown} of ${total} characters shown. The full text is in the attached file; read it before approving.`,
  shortened: (shown, total) => `✂️ Shortened: ${shown} of ${total} characters shown.`,
  fullTextCaption: '📄 Full text of this request',
  headline: (status, scope, edited) => {
    if (status === 'approved') return edited ? '✏️ Approved with edits' : scope === 'session' ? '✅ Approved for this session' : scope === 'always' ? '♾️ Approved always' : '✅ Approved';
    return { pending: '⏳ Pending', denied: '❌ Denied', conditional: '🧩 Approved with conditions', answered: '💬 Answered', expired: '⌛ Expired', cancelled: '🚫 Cancelled' }[status];
  },
  byWho: (who, via) => `by ${who} via ${via}`,
  comment: 'Comment',
  answer: 'Answer',
  conditions: 'Conditions',
  editedInput: 'Approved as edited',
  notAuthorized: '⛔ Not authorized: your Telegram account is not an approver on this server.',
  notRouted: '⛔ Not authorized: this request is not routed to you.',
  filed: `⛔ ${FILER_NOTE}`,
  invalidButton: 'This button is not valid.',
  unknownRequest: 'This request no longer exists.',
  alreadyDecided: (status, who, via) => `Already ${status === 'expired' ? 'expired' : status === 'cancelled' ? 'cancelled' : 'decided'} by ${who} via ${via}.`,
  voteCounted: (progress) => `🗳 Vote counted: ${progress}`,
  decided: (status) => ({ approved: '✅ Approved', denied: '❌ Denied', conditional: '🧩 Approved with conditions', answered: '💬 Answer sent', pending: '…', expired: '⌛ Expired', cancelled: '🚫 Cancelled' })[status],
  readFirstToast: 'The preview was shortened. Open the attached file, then tap "I read the attached file" to approve.',
  revealed: 'Approve buttons shown for you.',
  pickAtLeastOne: 'Pick at least one option first.',
  failed: (r) => `Could not do that: ${r}`,
  stepDone: 'That step is already done.',
  replyBelow: 'Reply to the message below.',
  promptReasonHtml: (who) => `💬 ${who}, why deny? Reply to this message with the reason.`,
  promptEditHtml: (who, what, current) =>
    `✏️ ${who}, reply to this message with the ${what === 'command' ? 'new command' : what === 'json' ? 'new input as JSON' : 'new text'}. It is approved as you send it.\nNow:\n<pre>${current}</pre>`,
  promptAnswerHtml: (who) => `✍️ ${who}, reply to this message with your answer.`,
  stepUpNote: `🔐 ${STEP_UP_NOTE}`,
  confirmWithCode: '🔐 Confirm with your code: reply to the message below with the 6 digits from your authenticator app.',
  promptCodeHtml: (who) => `🔐 ${who}, confirm with your code: reply to this message with the 6 digits your authenticator app shows now. The code message is deleted once read.`,
  promptConditionHtml: (who, step, of, label, description, type, optional) =>
    `🧩 ${who}, condition ${step}/${of}: <b>${escapeHtml(label)}</b>${description ? `\n${escapeHtml(description)}` : ''}\nReply with ${type === 'number' ? 'a number' : 'the text'}${optional ? ', or - to leave it empty' : ''}.`,
  chooseConditionHtml: (step, of, label, description) => `🧩 Condition ${step}/${of}: <b>${escapeHtml(label)}</b>${description ? `\n${escapeHtml(description)}` : ''}`,
  confirmConditionsHtml: (values) =>
    `🧩 Approve with these conditions?\n${values.length ? values.map(([k, v]) => `• <b>${escapeHtml(k)}</b>: ${escapeHtml(v)}`).join('\n') : '(none set)'}`,
  walkCancelled: '✖️ Conditional approval cancelled.',
  notANumber: 'That is not a number. Reply again with a number.',
  notJson: 'That is not a JSON object. Reply again with the input as JSON.',
  placeholder: 'Your reply',
  aboutRequest: (id) => `Request ${id}`,
  startHtml: (chatId, userId, approver) =>
    `👋 This is the Greenlight approval bot.\nThis chat's id: <code>${escapeHtml(chatId)}</code>\nYour user id: <code>${userId}</code>\n\n` +
    (approver
      ? `You are approver <b>${escapeHtml(approver)}</b>. Requests routed to this chat appear here with buttons; /pending lists the open ones.`
      : 'To act on requests, put your user id under approvers[].telegram_user_id; to see requests here, add the chat id under channels.telegram.chats or a project\'s routes.'),
  pendingNone: 'Nothing is waiting for you.',
  pendingSending: (n, more) => `${n} pending request${n === 1 ? '' : 's'}: cards follow.${more ? ` ${more} more are waiting (see the dashboard).` : ''}`,
  clearDone: (n, sessions) => `Ended ${n} session grant${n === 1 ? '' : 's'} in ${sessions} session${sessions === 1 ? '' : 's'} approved from this chat.`,
  clearNone: 'No session grants from this chat to end.',
  help: '/pending: list requests waiting for you\n/clear: end the session grants approved from this chat\n/start: show this chat\'s and your ids\n\nAgent sessions: /context NAME picks a context, then every message is a prompt; /new starts afresh, /stop interrupts, /resume continues the last session, /status.',
};

const zh: Messages = {
  approve: '✅ 批准',
  approveSession: '✅ 本会话内批准',
  always: '♾️ 永久允许',
  deny: '❌ 拒绝',
  denyWithReason: '💬 拒绝并说明原因',
  edit: '✏️ 修改',
  conditional: '🧩 附条件批准',
  readFirst: '📄 我已阅读附件：显示批准按钮',
  acceptAll: (kind, s) =>
    kind === 'prefix' ? `全部允许 \`${s} *\`` : kind === 'edits' ? (s ? `允许 ${s} 下的所有编辑` : '允许所有编辑') : kind === 'read-dir' ? `允许读取 ${s}` : kind === 'domain' ? `允许访问 ${s}` : `全部允许 ${s}`,
  customAnswer: '✍️ 自定义回答',
  done: '✔️ 完成',
  skip: '⏭ 跳过',
  confirm: '✅ 确认',
  cancel: '✖️ 取消',
  yes: '是',
  no: '否',
  priority: { low: '⚪ 低', normal: '🔵 普通', high: '🟠 高', critical: '🔴 紧急' },
  action: '操作',
  actionWhat: { command: '命令', edit: '修改', write: '写入文件', target: '目标', plan: '计划', json: '输入', text: '代理自己的描述（无工具输入）', none: '只有标题' },
  alsoInInput: '输入中还有',
  agentDescription: '代理的描述（代理自己的话，未经核实）',
  agent: '代理',
  project: '项目',
  dir: '目录',
  host: '主机',
  requester: '请求者',
  session: '会话',
  policy: '需要审批的原因',
  dangerous: '⚠️ 危险操作：永远不会自动批准。',
  context: '背景',
  question: '问题',
  multiSelect: '可多选，选好后点“完成”。',
  freeText: '可以自定义回答。',
  conditionsAsked: '可设置的条件',
  expires: (at, rel) => `过期时间 ${at}（${rel}）`,
  inTime: (ms) => (ms <= 0 ? '现在' : `${fmtDuration(ms, [[86_400_000, ' 天'], [3_600_000, ' 小时'], [60_000, ' 分钟'], [1000, ' 秒']])}后`),
  truncated: (shown, total) => `✂️ 内容已截断：显示 ${shown}/${total} 个字符。完整内容见附件，请先阅读再批准。`,
  shortened: (shown, total) => `✂️ 内容已截断：显示 ${shown}/${total} 个字符。`,
  fullTextCaption: '📄 此请求的完整内容',
  headline: (status, scope, edited) => {
    if (status === 'approved') return edited ? '✏️ 已修改后批准' : scope === 'session' ? '✅ 已在本会话内批准' : scope === 'always' ? '♾️ 已永久允许' : '✅ 已批准';
    return { pending: '⏳ 待审批', denied: '❌ 已拒绝', conditional: '🧩 已附条件批准', answered: '💬 已回答', expired: '⌛ 已过期', cancelled: '🚫 已取消' }[status];
  },
  byWho: (who, via) => `由 ${who} 通过 ${via}`,
  comment: '备注',
  answer: '回答',
  conditions: '条件',
  editedInput: '按修改后的内容批准',
  notAuthorized: '⛔ 无权限：你的 Telegram 账号不是此服务器的审批人。',
  notRouted: '⛔ 无权限：此请求不归你审批。',
  filed: '⛔ 这是你提交的请求；由另一位审批人决定。',
  invalidButton: '此按钮无效。',
  unknownRequest: '此请求已不存在。',
  alreadyDecided: (status, who, via) => `已被 ${who} 通过 ${via} ${status === 'expired' ? '标记过期' : status === 'cancelled' ? '取消' : '处理'}。`,
  voteCounted: (progress) => `🗳 已计票：${progress}`,
  decided: (status) => ({ approved: '✅ 已批准', denied: '❌ 已拒绝', conditional: '🧩 已附条件批准', answered: '💬 已回答', pending: '…', expired: '⌛ 已过期', cancelled: '🚫 已取消' })[status],
  readFirstToast: '预览已截断。请先打开附件，再点“我已阅读附件”进行批准。',
  revealed: '已为你显示批准按钮。',
  pickAtLeastOne: '请至少选择一项。',
  failed: (r) => `操作失败：${r}`,
  stepDone: '这一步已经完成。',
  replyBelow: '请回复下面的消息。',
  promptReasonHtml: (who) => `💬 ${who}，请回复此消息说明拒绝原因。`,
  promptEditHtml: (who, what, current) =>
    `✏️ ${who}，请回复此消息，发送${what === 'command' ? '新的命令' : what === 'json' ? '新的 JSON 输入' : '新的内容'}。发送后将按你的内容批准。\n当前：\n<pre>${current}</pre>`,
  promptAnswerHtml: (who) => `✍️ ${who}，请回复此消息给出你的回答。`,
  stepUpNote: '🔐 需要验证码：批准时需输入身份验证器应用中的 6 位数字。',
  confirmWithCode: '🔐 请用验证码确认：回复下方消息，输入身份验证器应用中的 6 位数字。',
  promptCodeHtml: (who) => `🔐 ${who}，请用验证码确认：回复此消息，输入身份验证器应用当前显示的 6 位数字。读取后该消息会被删除。`,
  promptConditionHtml: (who, step, of, label, description, type, optional) =>
    `🧩 ${who}，条件 ${step}/${of}：<b>${escapeHtml(label)}</b>${description ? `\n${escapeHtml(description)}` : ''}\n请回复${type === 'number' ? '一个数字' : '内容'}${optional ? '，或回复 - 留空' : ''}。`,
  chooseConditionHtml: (step, of, label, description) => `🧩 条件 ${step}/${of}：<b>${escapeHtml(label)}</b>${description ? `\n${escapeHtml(description)}` : ''}`,
  confirmConditionsHtml: (values) =>
    `🧩 按以下条件批准？\n${values.length ? values.map(([k, v]) => `• <b>${escapeHtml(k)}</b>：${escapeHtml(v)}`).join('\n') : '（未设置条件）'}`,
  walkCancelled: '✖️ 已取消附条件批准。',
  notANumber: '这不是数字，请重新回复一个数字。',
  notJson: '这不是 JSON 对象，请重新以 JSON 回复。',
  placeholder: '你的回复',
  aboutRequest: (id) => `请求 ${id}`,
  startHtml: (chatId, userId, approver) =>
    `👋 这是 Greenlight 审批机器人。\n本聊天 ID：<code>${escapeHtml(chatId)}</code>\n你的用户 ID：<code>${userId}</code>\n\n` +
    (approver
      ? `你是审批人 <b>${escapeHtml(approver)}</b>。发往此聊天的请求会带按钮出现在这里；/pending 列出待处理的请求。`
      : '要审批请求，请把你的用户 ID 填到 approvers[].telegram_user_id；要在此聊天接收请求，请把聊天 ID 加到 channels.telegram.chats 或项目的 routes。'),
  pendingNone: '没有等待你处理的请求。',
  pendingSending: (n, more) => `有 ${n} 个待处理请求，卡片随后发送。${more ? `另有 ${more} 个在等待（请看控制台）。` : ''}`,
  clearDone: (n, sessions) => `已结束在此聊天批准的 ${sessions} 个会话中的 ${n} 项会话授权。`,
  clearNone: '此聊天没有可结束的会话授权。',
  help: '/pending：列出等待你处理的请求\n/clear：结束在此聊天批准的会话授权\n/start：显示本聊天和你的 ID\n\n智能体会话：/context 名称 选择上下文，之后每条消息都是给它的提示；/new 重新开始，/stop 中断，/resume 继续上一个会话，/status 查看状态。',
};

export const MESSAGES: Record<Locale, Messages> = { en, zh };

export const messagesFor = (locale: Locale): Messages => MESSAGES[locale] ?? en;
