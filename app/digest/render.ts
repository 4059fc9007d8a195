import { formatInZone, formatRangeInZone } from "~/calendar/time";
import { CONTACT_LABELS, namesList, spotsText, type ContactPreference } from "~/calendar/words";
import { CATEGORY_WORDS } from "~/consent";
import type { DigestContent, DigestUpdate, EmailTask, NoticeEvent, ReminderContent } from "~/digest/content";
import { emailLinks } from "~/digest/links";
import { formatDay } from "~/format";
import { DETAILS_IN_APP, DETAILS_SENTENCE, keptInApp, taskForOutside } from "~/outside-words";

// The digest, reminder and notice emails: pure functions from what the database allowed for this
// recipient to a subject, an HTML part and a plain-text part. One column, large type and big buttons,
// so they read well on a phone; inline styles only (email clients drop <style> and classes); every link
// points to the app. Nothing here decides who may see what: the consent rule already has. What may leave
// the app at all is ~/outside-words: every task goes through taskForOutside (no title, place or notes of
// a health or wellbeing task), every update through keptInApp.

export type RenderedEmail = { subject: string; html: string; text: string };

export type EmailContext = {
  appUrl: string;
  /** The product's name as the sender shows it ("Circle"). */
  appName: string;
  /** Where the footer's "unsubscribe" link points (the same URL as the List-Unsubscribe header). */
  unsubscribeUrl?: string;
  now: Date;
};

const COLORS = { ink: "#1f2a2e", muted: "#4a5a60", accent: "#2f5d62", line: "#d9d4c7", page: "#f4f1ea", card: "#ffffff", warn: "#7a4b00" };

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(value: string): string {
  return /[&<>"']/.test(value) ? value.replace(/[&<>"']/g, (char) => ENTITIES[char]) : value;
}

/** One line, no control characters: safe for a subject or a display name. */
export function oneLine(value: string, max = 150): string {
  // eslint-disable-next-line no-control-regex
  const flat = /[\u0000-\u001f\u007f]|\s\s|^\s|\s$/.test(value)
    ? // eslint-disable-next-line no-control-regex
      value.replace(/[\u0000-\u001f\u007f]+/g, " ").replace(/\s+/g, " ").trim()
    : value;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const quoted = (title: string, max = 60) => `“${oneLine(title, max)}”`;

// The members of a circle see the same tasks and updates: each date is worded once per run, not once
// per email (Intl formatting is the slowest part of rendering 20,000 digests).
const words = new Map<string, string>();

function remember(key: string, make: () => string): string {
  let value = words.get(key);
  if (value === undefined) {
    if (words.size >= 10_000) words.clear();
    value = make();
    words.set(key, value);
  }
  return value;
}

export function taskWhen(task: Pick<EmailTask, "starts_at" | "ends_at" | "all_day">, timeZone: string): string {
  return remember(`when|${task.starts_at}|${task.ends_at}|${task.all_day}|${timeZone}`, () => wordTaskTime(task, timeZone));
}

function wordTaskTime(task: Pick<EmailTask, "starts_at" | "ends_at" | "all_day">, timeZone: string): string {
  const start = new Date(task.starts_at);
  if (task.all_day && task.ends_at) return `${formatRangeInZone(start, new Date(task.ends_at), timeZone, { allDay: true })} (all day)`;
  if (task.ends_at) return formatRangeInZone(start, new Date(task.ends_at), timeZone);
  return formatInZone(start, timeZone);
}

/** "Maria's preference: No-contact drop-off. Leave it at the door; no need to knock or wait." */
export function contactPreferenceSentence(preference: ContactPreference | null, personName: string): string | null {
  if (!preference) return null;
  const { label, description } = CONTACT_LABELS[preference];
  return `${personName}'s preference: ${label}. ${description}`;
}

// ---------------------------------------------------------------------------------------------------
// Building blocks: each returns [html, text]
// ---------------------------------------------------------------------------------------------------

type Part = [html: string, text: string];

const p = (html: string, style = "") => `<p style="margin:0 0 12px;${style}">${html}</p>`;

function button(href: string, label: string): string {
  return `<a href="${escapeHtml(href)}" style="display:inline-block;padding:12px 18px;background:${COLORS.accent};color:#ffffff;border-radius:8px;text-decoration:none;font-weight:600;font-size:16px;line-height:1.25;">${escapeHtml(label)}</a>`;
}

function card(inner: string): string {
  return `<li style="background:${COLORS.card};border:1px solid ${COLORS.line};border-radius:10px;padding:14px 16px;margin:0 0 12px;">${inner}</li>`;
}

function list(items: string[]): string {
  return `<ul style="list-style:none;padding:0;margin:0 0 8px;">${items.join("")}</ul>`;
}

function heading(text: string): string {
  return `<h2 style="font-size:19px;line-height:1.3;margin:24px 0 12px;color:${COLORS.ink};">${escapeHtml(text)}</h2>`;
}

function layout(opts: { title: string; preheader: string; kicker: string; body: string; footer: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(opts.title)}</title>
</head>
<body style="margin:0;padding:0;background:${COLORS.page};">
<div style="display:none;max-height:0;overflow:hidden;">${escapeHtml(opts.preheader)}</div>
<main style="max-width:600px;margin:0 auto;padding:24px 16px;font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:${COLORS.ink};">
<p style="margin:0 0 4px;color:${COLORS.muted};font-size:15px;">${escapeHtml(opts.kicker)}</p>
${opts.body}
<footer style="margin:32px 0 0;padding:16px 0 0;border-top:1px solid ${COLORS.line};color:${COLORS.muted};font-size:14px;">
${opts.footer}
</footer>
</main>
</body>
</html>`;
}

function taskCard(item: EmailTask & { claimed?: number }, ctx: EmailContext, circleId: string, timeZone: string, claimable: boolean): Part {
  const task = taskForOutside(item);
  const when = taskWhen(task, timeZone);
  const where = task.location ? ` · ${oneLine(task.location, 100)}` : task.detailsInApp ? ` · ${DETAILS_IN_APP}` : "";
  const link = emailLinks.task(ctx.appUrl, circleId, task.id);
  const claimed = task.claimed ?? 0;
  const status = !claimable ? null : claimed === 0 ? `Unclaimed: ${spotsText(task.slots, 0)}` : spotsText(task.slots, claimed);
  const badge = status
    ? `<p style="margin:0 0 6px;"><span style="display:inline-block;padding:2px 8px;border-radius:999px;font-size:14px;font-weight:600;${
        claimed === 0 ? `background:#fde9c8;color:${COLORS.warn};` : `background:#e3eeee;color:${COLORS.accent};`
      }">${escapeHtml(status)}</span></p>`
    : "";
  const html = card(
    `${badge}<p style="margin:0;font-weight:600;font-size:17px;">${escapeHtml(oneLine(task.title, 200))}</p>` +
      `<p style="margin:2px 0 0;color:${COLORS.muted};">${escapeHtml(when + where)}</p>` +
      `<p style="margin:12px 0 0;">${claimable ? button(link, `Claim ${quoted(task.title, 40)}`) : `<a href="${escapeHtml(link)}" style="color:${COLORS.accent};">See the task</a>`}</p>`,
  );
  const text = [
    `${status ? `[${status}] ` : ""}${oneLine(task.title, 200)}`,
    `  ${when}${where}`,
    `  ${claimable ? "Claim it" : "See it"}: ${link}`,
  ].join("\n");
  return [html, text];
}

function updateCard(update: DigestUpdate, ctx: EmailContext, circleId: string, timeZone: string): Part {
  const category = CATEGORY_WORDS[update.category].label.toLowerCase();
  const day = remember(`day|${update.published_at}|${timeZone}|${ctx.now.getUTCFullYear()}`, () => formatDay(update.published_at, timeZone, ctx.now));
  const headline = `${oneLine(update.author, 80)} shared ${/^[aeiou]/.test(category) ? "an" : "a"} ${category} update · ${day}`;
  const private_ = keptInApp(update.category);
  const title = !private_ && update.title ? oneLine(update.title, 200) : null;
  const body = !private_ && update.body ? update.body.trim() : null;
  const link = emailLinks.updates(ctx.appUrl, circleId);
  const readLabel = private_ ? "Read it in Circle (not shown in emails)" : "Read it in Circle";
  const html = card(
    `<p style="margin:0;color:${COLORS.muted};font-size:15px;">${escapeHtml(headline)}</p>` +
      (title ? `<p style="margin:4px 0 0;font-weight:600;">${escapeHtml(title)}</p>` : "") +
      (body
        ? `<p style="margin:6px 0 0;white-space:pre-line;">${escapeHtml(body)}</p>`
        : "") +
      `<p style="margin:8px 0 0;"><a href="${escapeHtml(link)}" style="color:${COLORS.accent};">${escapeHtml(readLabel)}</a></p>`,
  );
  const text = [headline, ...(title ? [`  ${title}`] : []), ...(body ? body.split("\n").map((line) => `  ${line}`) : []), `  ${readLabel}: ${link}`].join(
    "\n",
  );
  return [html, text];
}

function footer(lines: Array<{ html: string; text: string }>): Part {
  return [lines.map((line) => p(line.html, "font-size:14px;")).join("\n"), lines.map((line) => line.text).join("\n")];
}

function link(href: string, label: string) {
  return `<a href="${escapeHtml(href)}" style="color:${COLORS.accent};">${escapeHtml(label)}</a>`;
}

function assemble(subject: string, preheader: string, kicker: string, parts: Part[], foot: Part): RenderedEmail {
  const html = layout({ title: subject, preheader, kicker, body: parts.map(([h]) => h).join("\n"), footer: foot[0] });
  const text = [kicker, "", ...parts.map(([, t]) => t), "", "--", foot[1]].join("\n").replace(/\n{3,}/g, "\n\n");
  return { subject, html, text };
}

// ---------------------------------------------------------------------------------------------------
// The digest
// ---------------------------------------------------------------------------------------------------

export function digestSubject(content: DigestContent): string {
  const parts: string[] = [];
  if (content.open_count > 0) parts.push(`${plural(content.open_count, "task needs", "tasks need")} help`);
  if (content.my_tasks.length > 0) parts.push(`${plural(content.my_tasks.length, "task", "tasks")} of yours coming up`);
  if (content.update_count > 0) parts.push(plural(content.update_count, "new update", "new updates"));
  return oneLine(`${content.circle_name}: ${parts.join(", ") || "what's coming up"}`, 150);
}

export function renderDigest(content: DigestContent, ctx: EmailContext): RenderedEmail {
  const { circle_id: circleId, time_zone: timeZone } = content;
  const subject = digestSubject(content);
  const period = content.frequency === "daily" ? "daily" : "weekly";
  const kicker = `${oneLine(content.circle_name, 80)} · your ${period} digest`;
  const parts: Part[] = [];

  parts.push([
    `<h1 style="font-size:22px;line-height:1.3;margin:0 0 12px;">Hello ${escapeHtml(oneLine(content.name, 80))},</h1>` +
      p(escapeHtml(`Here is what is happening in ${oneLine(content.circle_name, 80)}.`)),
    `Hello ${oneLine(content.name, 80)},\n\nHere is what is happening in ${oneLine(content.circle_name, 80)}.`,
  ]);

  if (content.open_tasks.length > 0) {
    const intro = `${plural(content.open_count, "task", "tasks")} in the next 7 days ${content.open_count === 1 ? "still needs" : "still need"} help. Claim one and the others will see it is taken.`;
    // The job picks unclaimed tasks first when there are more than it lists; the reader wants them by date.
    const cards = byStart(content.open_tasks).map((task) => taskCard(task, ctx, circleId, timeZone, true));
    const more = content.open_count - content.open_tasks.length;
    const calendar = emailLinks.calendar(ctx.appUrl, circleId);
    parts.push([
      heading("Help needed") +
        p(escapeHtml(intro)) +
        list(cards.map(([h]) => h)) +
        (more > 0 ? p(`${escapeHtml(`And ${plural(more, "more task", "more tasks")}:`)} ${link(calendar, "see the calendar")}`) : ""),
      ["HELP NEEDED", intro, "", cards.map(([, t]) => t).join("\n\n"), ...(more > 0 ? ["", `And ${plural(more, "more task", "more tasks")}: ${calendar}`] : [])].join(
        "\n",
      ),
    ]);
  }

  if (content.my_tasks.length > 0) {
    const cards = byStart(content.my_tasks).map((task) => taskCard(task, ctx, circleId, timeZone, false));
    parts.push([
      heading("Your tasks") + p("Thank you for these. If you can no longer do one, release it in Circle so someone else can.") + list(cards.map(([h]) => h)),
      ["", "YOUR TASKS", cards.map(([, t]) => t).join("\n\n")].join("\n"),
    ]);
  }

  if (content.updates.length > 0) {
    const cards = content.updates.map((update) => updateCard(update, ctx, circleId, timeZone));
    const more = content.update_count - content.updates.length;
    const note =
      content.update_text === "titles"
        ? "Only who shared what is shown here; read the updates themselves in Circle."
        : "Health and wellbeing updates are never shown in emails: read them in Circle.";
    parts.push([
      heading(content.updates.length === 1 ? "A new update" : "New updates") +
        p(escapeHtml(note), `color:${COLORS.muted};font-size:15px;`) +
        list(cards.map(([h]) => h)) +
        (more > 0 ? p(escapeHtml(`And ${plural(more, "more update", "more updates")} in Circle.`)) : ""),
      ["", "NEW UPDATES", note, "", cards.map(([, t]) => t).join("\n\n"), ...(more > 0 ? [`And ${plural(more, "more update", "more updates")} in Circle.`] : [])].join(
        "\n",
      ),
    ]);
  }

  const settings = emailLinks.settings(ctx.appUrl, circleId);
  const foot = footer([
    {
      html: escapeHtml(`You get this ${period} digest because you are in ${oneLine(content.circle_name, 80)} on ${ctx.appName}.`),
      text: `You get this ${period} digest because you are in ${oneLine(content.circle_name, 80)} on ${ctx.appName}.`,
    },
    {
      html: `${link(settings, "Change how often you get it")}${ctx.unsubscribeUrl ? ` · ${link(ctx.unsubscribeUrl, "Unsubscribe from this digest")}` : ""}`,
      text: `Change how often you get it: ${settings}${ctx.unsubscribeUrl ? `\nUnsubscribe from this digest: ${ctx.unsubscribeUrl}` : ""}`,
    },
    {
      html: escapeHtml(`Every link in this email goes to ${new URL(ctx.appUrl).host}. ${ctx.appName} never asks for your password by email.`),
      text: `Every link in this email goes to ${new URL(ctx.appUrl).host}. ${ctx.appName} never asks for your password by email.`,
    },
  ]);
  const preheader = subject.slice(content.circle_name.length + 2);
  return assemble(subject, preheader, kicker, parts, foot);
}

// ---------------------------------------------------------------------------------------------------
// The day-before reminder
// ---------------------------------------------------------------------------------------------------

export function renderReminder(content: ReminderContent, ctx: EmailContext): RenderedEmail {
  const { time_zone: timeZone, circle_id: circleId } = content;
  const task = taskForOutside(content.task);
  const when = taskWhen(task, timeZone);
  const subject = oneLine(`Reminder: ${quoted(task.title)} tomorrow`, 150);
  const kicker = `${oneLine(content.circle_name, 80)} · reminder`;
  const helpers = content.co_helpers.map((name) => oneLine(name, 80));
  const others = helpers.length ? `Also helping: ${namesList(helpers)}.` : "You are the only helper.";
  const contact = contactPreferenceSentence(task.contact_preference, oneLine(content.person_name, 80));
  const taskLink = emailLinks.task(ctx.appUrl, circleId, task.id);
  const lines = [
    `Tomorrow you are helping with ${quoted(task.title, 200)}.`,
    `When: ${when}`,
    ...(task.location ? [`Where: ${oneLine(task.location, 200)}`] : []),
    ...(task.detailsInApp ? [DETAILS_SENTENCE] : []),
    others,
    ...(contact ? [contact] : []),
  ];
  const parts: Part[] = [
    [
      `<h1 style="font-size:22px;line-height:1.3;margin:0 0 12px;">Hello ${escapeHtml(oneLine(content.name, 80))},</h1>` +
        lines.map((line) => p(escapeHtml(line))).join("") +
        p(button(taskLink, "See the task")) +
        p(escapeHtml("Can't make it any more? Release it in Circle as soon as you can, so someone else can help."), `color:${COLORS.muted};`),
      [`Hello ${oneLine(content.name, 80)},`, "", ...lines, "", `See the task: ${taskLink}`, "", "Can't make it any more? Release it in Circle as soon as you can, so someone else can help."].join("\n"),
    ],
  ];
  const settings = emailLinks.settings(ctx.appUrl, circleId);
  const foot = footer([
    {
      html: escapeHtml(`You get this reminder because you claimed this task in ${oneLine(content.circle_name, 80)} on ${ctx.appName}.`),
      text: `You get this reminder because you claimed this task in ${oneLine(content.circle_name, 80)} on ${ctx.appName}.`,
    },
    { html: link(settings, "Your email settings"), text: `Your email settings: ${settings}` },
  ]);
  return assemble(subject, `${when}. ${others}`, kicker, parts, foot);
}

// ---------------------------------------------------------------------------------------------------
// Immediate notices for the person and coordinators
// ---------------------------------------------------------------------------------------------------

export function renderNotice(event: NoticeEvent, recipientName: string, ctx: EmailContext): RenderedEmail {
  if (event.kind === "cancelled" || event.kind === "rescheduled") return renderHelperNotice(event, recipientName, ctx);
  const { time_zone: timeZone, circle_id: circleId } = event;
  const task = taskForOutside(event.task);
  const when = taskWhen(task, timeZone);
  const helper = oneLine(event.helper_name, 80);
  const day = formatInZone(new Date(task.starts_at), timeZone, { allDay: true });
  const claimed = event.kind === "claimed";
  const subject = oneLine(
    claimed ? `${helper} will help with ${quoted(task.title)} (${day})` : `${quoted(task.title)} (${day}) needs a helper again`,
    150,
  );
  const kicker = `${oneLine(event.circle_name, 80)} · ${claimed ? "a task was claimed" : "a task needs a helper"}`;
  const lines = claimed
    ? [`${helper} claimed ${quoted(task.title, 200)}.`, `When: ${when}`]
    : [`${helper} can no longer do ${quoted(task.title, 200)}, which starts in less than 48 hours.`, `When: ${when}`, "It needs a helper again."];
  if (task.detailsInApp) lines.push(DETAILS_SENTENCE);
  const taskLink = emailLinks.task(ctx.appUrl, circleId, task.id);
  const parts: Part[] = [
    [
      `<h1 style="font-size:22px;line-height:1.3;margin:0 0 12px;">Hello ${escapeHtml(oneLine(recipientName, 80))},</h1>` +
        lines.map((line) => p(escapeHtml(line))).join("") +
        p(button(taskLink, "See the task")),
      [`Hello ${oneLine(recipientName, 80)},`, "", ...lines, "", `See the task: ${taskLink}`].join("\n"),
    ],
  ];
  const settings = emailLinks.settings(ctx.appUrl, circleId);
  const what = claimed ? "when a task is claimed" : "when a helper releases a task at short notice";
  const foot = footer([
    {
      html: escapeHtml(`You get this email ${what} in ${oneLine(event.circle_name, 80)} on ${ctx.appName}.`),
      text: `You get this email ${what} in ${oneLine(event.circle_name, 80)} on ${ctx.appName}.`,
    },
    {
      html: `${link(settings, "Turn these emails off")}${ctx.unsubscribeUrl ? ` · ${link(ctx.unsubscribeUrl, "Unsubscribe")}` : ""}`,
      text: `Turn these emails off: ${settings}${ctx.unsubscribeUrl ? `\nUnsubscribe: ${ctx.unsubscribeUrl}` : ""}`,
    },
  ]);
  return assemble(subject, lines.join(" "), kicker, parts, foot);
}

// ---------------------------------------------------------------------------------------------------
// Immediate notices for a helper: a task they claimed was cancelled, or has a new time
// ---------------------------------------------------------------------------------------------------

function renderHelperNotice(event: NoticeEvent, recipientName: string, ctx: EmailContext): RenderedEmail {
  const { time_zone: timeZone, circle_id: circleId } = event;
  const task = taskForOutside(event.task);
  const when = taskWhen(task, timeZone);
  const day = formatInZone(new Date(task.starts_at), timeZone, { allDay: true });
  const cancelled = event.kind === "cancelled";
  const subject = oneLine(cancelled ? `${quoted(task.title)} (${day}) was cancelled` : `New time for ${quoted(task.title)} (${day})`, 150);
  const kicker = `${oneLine(event.circle_name, 80)} · ${cancelled ? "a task you claimed was cancelled" : "a task you claimed has a new time"}`;
  const lines = cancelled
    ? [`${quoted(task.title, 200)}, which you claimed, was cancelled: you no longer need to do it.`, `It was planned for: ${when}`]
    : [
        `${quoted(task.title, 200)}, which you claimed, has a new time.`,
        `New time: ${when}`,
        ...(event.previous_time ? [`Before: ${taskWhen(event.previous_time, timeZone)}`] : []),
      ];
  if (task.detailsInApp) lines.push(DETAILS_SENTENCE);
  // A cancel note is about the task: for health and wellbeing it stays in the app with the rest.
  const note = cancelled && !task.detailsInApp ? event.cancel_note?.trim() || null : null;
  const advice = cancelled ? null : "Can't make the new time? Release it in Circle as soon as you can, so someone else can help.";
  const taskLink = emailLinks.task(ctx.appUrl, circleId, task.id);
  const parts: Part[] = [
    [
      `<h1 style="font-size:22px;line-height:1.3;margin:0 0 12px;">Hello ${escapeHtml(oneLine(recipientName, 80))},</h1>` +
        lines.map((line) => p(escapeHtml(line))).join("") +
        (note
          ? p("A word for the helpers:") +
            p(escapeHtml(note), `white-space:pre-line;padding:0 0 0 12px;border-left:3px solid ${COLORS.line};`)
          : "") +
        p(button(taskLink, "See the task")) +
        (advice ? p(escapeHtml(advice), `color:${COLORS.muted};`) : ""),
      [
        `Hello ${oneLine(recipientName, 80)},`,
        "",
        ...lines,
        ...(note ? ["", "A word for the helpers:", ...note.split("\n").map((line) => `  ${line}`)] : []),
        "",
        `See the task: ${taskLink}`,
        ...(advice ? ["", advice] : []),
      ].join("\n"),
    ],
  ];
  const settings = emailLinks.settings(ctx.appUrl, circleId);
  const because = `You get this email because you claimed this task in ${oneLine(event.circle_name, 80)} on ${ctx.appName}.`;
  const foot = footer([
    { html: escapeHtml(because), text: because },
    { html: link(settings, "Your email settings"), text: `Your email settings: ${settings}` },
  ]);
  return assemble(subject, lines.join(" "), kicker, parts, foot);
}

function byStart<T extends { starts_at: string }>(tasks: T[]): T[] {
  return [...tasks].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
}
