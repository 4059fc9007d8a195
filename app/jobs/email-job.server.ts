import { createHash } from "node:crypto";
import { z } from "zod";
import {
  DigestPageSchema,
  digestHasNews,
  digestsOfPage,
  NoticeEventSchema,
  ReminderContentSchema,
  type DigestContent,
  type NoticeEvent,
  type ReminderContent,
} from "~/digest/content";
import { emailLinks } from "~/digest/links";
import { renderDigest, renderNotice, renderReminder, type EmailContext } from "~/digest/render";
import { unsubscribeTokens, type UnsubscribePurpose } from "~/digest/unsubscribe.server";
import { appName, MAX_BATCH_SIZE, senderFor, sendEmailBatch, type BatchEmail, type BatchEmailResult } from "~/email.server";
import { getEnv } from "~/env.server";
import { newPushTally, pushDelivery, type PushEvent, type PushJobOptions, type PushTally } from "~/push/job.server";
import { noticePush, openTasksPush, reminderPush } from "~/push/messages";
import { createServiceClient, rpc, unwrap, type RpcArgs, type RpcName } from "~/supabase.server";

// The email job: immediate notices, day-before reminders and digests, sent through Resend's batch
// endpoint exactly once. Run by `npm run digest` (app/jobs/digest.cli.ts) and by the cron route
// (app/routes/cron.digest.tsx). docs/email.md describes the whole; in short:
//
// Web Push goes with each email (app/push/job.server.ts, docs/push.md): the same events and recipients,
// one push per device, claimed in the same log just before the email.
//
//   1. Recover: deliveries left 'sending' by a job that died or a send to retry are sent again, a whole
//      batch at a time under the batch's stored Idempotency-Key (Resend does not send twice).
//   2. Notices, 3. reminders, 4. digests: page by page (keyset, so memory stays flat), the database
//      says who is due and what each may see (the consent rule, evaluated for that person); each email
//      is rendered here; then, 100 at a time: claim the rows in the delivery log (its unique key lets
//      one job only win each), store the batch key, send the batch, record the outcome.
//
// A crash anywhere leaves either nothing (sent again next run) or rows 'sending' that step 1 finishes.
// The service role is used here and only here (a job, not a request made for a user).

const DELIVERY_KINDS = ["digest", "reminder", "task_claimed", "task_released", "task_cancelled", "task_rescheduled"] as const;
export type DeliveryKind = (typeof DELIVERY_KINDS)[number];
export type Phase = "recover" | "notices" | "reminders" | "digests" | "reach_outs";

export type DryRunEntry = { kind: DeliveryKind; to: string; circle: string; subject: string; summary: string };

export type SentBatch = { batchKey: string; ids: number[]; results: BatchEmailResult[] };

export type EmailJobOptions = {
  /** The job's clock (tests pin it); defaults to the real time at each step. */
  now?: Date;
  /** Build everything, write and send nothing; each email that would go is passed to onDryRun. */
  dryRun?: boolean;
  /** Ignore the schedule: everyone whose digest is not off gets today's (once). */
  force?: boolean;
  /** Only these circles (tests; or to split the work between workers). */
  circleIds?: string[];
  phases?: Phase[];
  /** Members (or claims, events) per database page. */
  pageSize?: number;
  /** Digest pages read at once, over disjoint ranges of member ids (default 2). */
  streams?: number;
  /** Emails per Resend call, at most 100. */
  batchSize?: number;
  /** How long a job holds the deliveries it is sending before another run may take them over. */
  leaseSeconds?: number;
  /** Stop starting new pages after this long (a cron route has a time limit); the rest waits for the next run. */
  timeBudgetMs?: number;
  log?: (line: string) => void;
  onDryRun?: (entry: DryRunEntry) => void;
  /** Passed to sendEmailBatch (tests use a fake sleep and short timeouts). */
  send?: { sleep?: (ms: number) => Promise<void>; timeoutMs?: number; maxRateLimitRetries?: number };
  /** Called after a batch went to the provider and before its outcome is recorded (tests: a crash). */
  afterSend?: (batch: SentBatch) => void | Promise<void>;
  /** Web Push (sent when VAPID keys are set): tests pass a fake sleep, the bench its own fetch. */
  push?: PushJobOptions;
};

export type Tally = {
  /** Due (or taken over, for recover) and looked at. */
  considered: number;
  /** Nothing to say: recorded, not sent. */
  empty: number;
  /** Already claimed by another job (or an earlier run): not sent by this one. */
  taken: number;
  sent: number;
  /** Refused for that address (4xx): logged and skipped. */
  rejected: number;
  /** Not sent for now (5xx, timeout, rate limit): a later run sends it, same key. */
  retry: number;
};

export type EmailJobReport = {
  dryRun: boolean;
  recover: Tally;
  notices: Tally;
  reminders: Tally;
  digests: Tally;
  /** Web Push, every kind (one per device and event). */
  pushes: PushTally;
  /** Sizes of the batches sent, in order. */
  batches: number[];
  stoppedEarly: boolean;
  ms: number;
};

const newTally = (): Tally => ({ considered: 0, empty: 0, taken: 0, sent: 0, rejected: 0, retry: 0 });

type Outgoing = {
  kind: DeliveryKind;
  memberId: string;
  circleId: string;
  period: string;
  claimId: string | null;
  contentUntil: string;
  email: BatchEmail;
  summary: string;
};

type Claimable = Omit<Outgoing, "email" | "summary"> & { status: "sending" | "empty"; email: BatchEmail | null };

const StoredEmailSchema = z.object({
  from: z.string(),
  to: z.string(),
  subject: z.string(),
  html: z.string(),
  text: z.string(),
  headers: z.record(z.string()).optional(),
  idempotencyKey: z.string(),
});

const RecoveredRowSchema = z.object({
  id: z.number(),
  kind: z.enum(DELIVERY_KINDS),
  batch_key: z.string().nullable(),
  batch_index: z.number().nullable(),
  idempotency_key: z.string(),
  payload: StoredEmailSchema,
});

/** The key of one delivery, for Resend and the log: derived from its unique (kind, circle, member, period). */
export function deliveryKey(kind: DeliveryKind, circleId: string, memberId: string, period: string): string {
  return `${kind}/${circleId}/${memberId}/${period}`;
}

/** A batch's Idempotency-Key: derived from the keys of the emails it carries, in order. */
export function batchKeyFor(emailKeys: string[]): string {
  return `batch/${createHash("sha256").update(emailKeys.join("\n")).digest("base64url")}`;
}

function unsubscribeHeaders(url: string): Record<string, string> {
  return { "List-Unsubscribe": `<${url}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" };
}

export async function runEmailJob(options: EmailJobOptions = {}): Promise<EmailJobReport> {
  const started = Date.now();
  const env = getEnv();
  const db = createServiceClient();
  const clock = () => options.now ?? new Date();
  const log = options.log ?? (() => {});
  const pageSize = options.pageSize ?? 250;
  const batchSize = Math.min(options.batchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
  const leaseSeconds = options.leaseSeconds ?? 900;
  const phases = new Set<Phase>(options.phases ?? ["recover", "notices", "reminders", "digests", "reach_outs"]);
  const circleIds = options.circleIds?.length ? options.circleIds : null;
  const dryRun = options.dryRun ?? false;
  const name = appName();
  const report: EmailJobReport = {
    dryRun,
    recover: newTally(),
    notices: newTally(),
    reminders: newTally(),
    digests: newTally(),
    pushes: newPushTally(),
    batches: [],
    stoppedEarly: false,
    ms: 0,
  };
  const outOfTime = () => {
    if (options.timeBudgetMs === undefined || Date.now() - started < options.timeBudgetMs) return false;
    report.stoppedEarly = true;
    return true;
  };

  const push = pushDelivery(db, {
    vapid:
      env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY && env.VAPID_SUBJECT
        ? { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject: env.VAPID_SUBJECT }
        : null,
    clock,
    leaseSeconds,
    tally: report.pushes,
    log,
    options: options.push,
  });
  /** Pushes are claimed (and sent) before their emails: see the top of app/push/job.server.ts. */
  const pushFirst = (events: PushEvent[]) => (dryRun ? Promise.resolve() : push.deliver(events));
  /** A push about a task is no use once it starts, nor after a day. */
  const usefulUntil = (startsAt: string) => new Date(Math.min(Date.parse(startsAt), clock().getTime() + 86_400_000));

  const call = async <F extends RpcName>(fn: F, args: RpcArgs<F>) => unwrap(await rpc(db, fn, args));

  const tallyFor = (kind: DeliveryKind): Tally =>
    kind === "digest" ? report.digests : kind === "reminder" ? report.reminders : report.notices;

  /** Sends rows already claimed (and, when batchKey is given, already assigned to that batch). */
  async function sendAndSettle(items: Array<{ id: number; kind: DeliveryKind; email: BatchEmail }>, batchKey: string | null, tally?: Tally) {
    const key = batchKey ?? batchKeyFor(items.map((item) => item.email.idempotencyKey));
    if (!batchKey) await call("email_job_assign_batch", { p_ids: items.map((item) => item.id), p_batch_key: key });
    const results = await sendEmailBatch(
      items.map((item) => item.email),
      { idempotencyKey: key, log, ...options.send },
    );
    report.batches.push(items.length);
    await options.afterSend?.({ batchKey: key, ids: items.map((item) => item.id), results });
    await call("email_job_settle", {
      p_now: clock().toISOString(),
      p_results: results.map((result, index) => {
        const id = items[index].id;
        const counts = tally ?? tallyFor(items[index].kind);
        switch (result.status) {
          case "sent":
            counts.sent++;
            return { id, outcome: "sent", provider_id: result.id };
          case "rejected":
            counts.rejected++;
            log(`email: ${items[index].email.to} refused (${result.message}); skipped`);
            return { id, outcome: "failed", error: result.message };
          case "retry":
            counts.retry++;
            return { id, outcome: "retry", error: result.message, retry_in_seconds: result.retryInSeconds };
        }
      }),
    });
  }

  // One delivery at a time, in the order asked (the digest streams build concurrently); once one
  // stream has failed, the others stop.
  let failed = false;
  let sending: Promise<unknown> = Promise.resolve();
  const sendingTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const turn = sending.then(work);
    sending = turn.catch(() => {});
    return turn;
  };

  /** Claims and sends, 100 at a time; empty digests are only recorded. */
  async function deliver(claimables: Claimable[]) {
    if (claimables.length === 0) return;
    if (dryRun) return;
    const empties = claimables.filter((c) => c.status === "empty");
    if (empties.length > 0) {
      await call("email_job_claim", { p_now: clock().toISOString(), p_rows: empties.map(toRow), p_lease_seconds: leaseSeconds });
    }
    const sending = claimables.filter((c) => c.status === "sending");
    for (let start = 0; start < sending.length; start += batchSize) {
      const chunk = sending.slice(start, start + batchSize);
      const won = await call("email_job_claim", {
        p_now: clock().toISOString(),
        p_rows: chunk.map(toRow),
        p_lease_seconds: leaseSeconds,
      });
      const ids = new Map(won.map((row) => [row.idempotency_key, row.id]));
      const mine = chunk.filter((c) => ids.has(c.email!.idempotencyKey));
      for (const c of chunk) if (!ids.has(c.email!.idempotencyKey)) tallyFor(c.kind).taken++;
      if (mine.length === 0) continue;
      await sendAndSettle(
        mine.map((c) => ({ id: ids.get(c.email!.idempotencyKey)!, kind: c.kind, email: c.email! })),
        null,
      );
    }
  }

  function toRow(c: Claimable) {
    return {
      kind: c.kind,
      member_id: c.memberId,
      circle_id: c.circleId,
      period: c.period,
      claim_id: c.claimId,
      status: c.status,
      idempotency_key: c.email?.idempotencyKey ?? deliveryKey(c.kind, c.circleId, c.memberId, c.period),
      payload: c.email,
      content_until: c.contentUntil,
    };
  }

  function outgoing(o: Outgoing): Claimable {
    if (dryRun) options.onDryRun?.({ kind: o.kind, to: o.email.to, circle: o.email.from, subject: o.email.subject, summary: o.summary });
    return { ...o, status: "sending" };
  }

  /** `unsubscribeToken`: from unsubscribeTokens, asked for once per page of emails. */
  const context = (unsubscribeToken: string | null): EmailContext => ({
    appUrl: env.APP_URL,
    appName: name,
    now: clock(),
    unsubscribeUrl: unsubscribeToken ? emailLinks.unsubscribe(env.APP_URL, unsubscribeToken) : undefined,
  });
  // A helper's notices are about their own promise, like reminders: they cannot be turned off.
  const noticePurpose = (event: NoticeEvent): UnsubscribePurpose | null =>
    event.kind === "claimed" || event.kind === "released" ? event.kind : null;

  // 1. Recover ----------------------------------------------------------------------------------------
  if (phases.has("recover") && !dryRun) {
    for (;;) {
      if (outOfTime()) break;
      const rows = z
        .array(RecoveredRowSchema)
        .parse(await call("email_job_recover", { p_now: clock().toISOString(), p_limit: 500, p_lease_seconds: leaseSeconds, p_circle_ids: circleIds }));
      if (rows.length === 0) break;
      report.recover.considered += rows.length;
      const groups = new Map<string | null, typeof rows>();
      for (const row of rows) groups.set(row.batch_key, [...(groups.get(row.batch_key) ?? []), row]);
      for (const [batchKey, group] of groups) {
        const items = group.map((row) => ({ id: row.id, kind: row.kind, email: row.payload }));
        if (batchKey) {
          log(`recover: sending batch ${batchKey} again (${items.length} emails, same key)`);
          await sendAndSettle(items, batchKey, report.recover);
        } else {
          for (let start = 0; start < items.length; start += batchSize) {
            await sendAndSettle(items.slice(start, start + batchSize), null, report.recover);
          }
        }
      }
    }
    await push.recover(circleIds, outOfTime);
  }

  // 2. Notices ----------------------------------------------------------------------------------------
  if (phases.has("notices")) {
    let after: number | null = null;
    for (;;) {
      if (outOfTime()) break;
      const page = z
        .array(NoticeEventSchema)
        .parse(await call("email_job_notices", { p_now: clock().toISOString(), p_after: after, p_limit: 200, p_circle_ids: circleIds }));
      if (page.length === 0) break;
      after = page[page.length - 1].event_id;
      const tokenFor = await unsubscribeTokens(
        db,
        page.flatMap((event) => {
          const purpose = noticePurpose(event);
          return purpose ? event.recipients.map((recipient) => ({ memberId: recipient.member_id, purpose })) : [];
        }),
        clock(),
      );
      const claimables = page.flatMap((event) =>
        event.recipients.map((recipient) => {
          const purpose = noticePurpose(event);
          return outgoing(noticeEmail(event, recipient, purpose ? tokenFor(recipient.member_id, purpose) : null));
        }),
      );
      report.notices.considered += claimables.length;
      await pushFirst(
        page.flatMap((event) =>
          event.recipients.map((recipient) => ({
            kind: `push_task_${event.kind}` as const,
            circleId: event.circle_id,
            memberId: recipient.member_id,
            period: String(event.event_id),
            claimId: null,
            message: noticePush(event),
            expiresAt: usefulUntil(event.task.starts_at),
          })),
        ),
      );
      await deliver(claimables);
      if (!dryRun) await call("email_job_events_done", { p_now: clock().toISOString(), p_ids: page.map((event) => event.event_id) });
      if (page.length < 200) break;
    }
  }

  function noticeEmail(event: NoticeEvent, recipient: NoticeEvent["recipients"][number], unsubscribeToken: string | null): Outgoing {
    const kind: DeliveryKind = `task_${event.kind}`;
    const period = String(event.event_id);
    const ctx = context(unsubscribeToken);
    const rendered = renderNotice(event, recipient.name, ctx);
    const key = deliveryKey(kind, event.circle_id, recipient.member_id, period);
    return {
      kind,
      memberId: recipient.member_id,
      circleId: event.circle_id,
      period,
      claimId: null,
      contentUntil: clock().toISOString(),
      email: {
        from: senderFor(event.circle_name),
        to: recipient.email,
        ...rendered,
        ...(ctx.unsubscribeUrl ? { headers: unsubscribeHeaders(ctx.unsubscribeUrl) } : {}),
        idempotencyKey: key,
      },
      summary: `${event.kind}: ${event.task.title}`,
    };
  }

  // 3. Reminders --------------------------------------------------------------------------------------
  if (phases.has("reminders")) {
    let after: string | null = null;
    for (;;) {
      if (outOfTime()) break;
      const raw: unknown[] = await call("email_job_reminders", {
        p_now: clock().toISOString(),
        p_after: after,
        p_limit: pageSize,
        p_circle_ids: circleIds,
      });
      if (raw.length === 0) break;
      const page = z.array(ReminderContentSchema).parse(raw);
      after = page[page.length - 1].claim_id;
      report.reminders.considered += page.length;
      await pushFirst(
        page.map((reminder) => ({
          kind: "push_reminder" as const,
          circleId: reminder.circle_id,
          memberId: reminder.member_id,
          period: reminder.claim_id,
          claimId: reminder.claim_id,
          message: reminderPush(reminder),
          expiresAt: usefulUntil(reminder.task.starts_at),
        })),
      );
      await deliver(page.map((reminder) => outgoing(reminderEmail(reminder))));
      if (raw.length < pageSize) break;
    }
  }

  function reminderEmail(reminder: ReminderContent): Outgoing {
    const rendered = renderReminder(reminder, context(null));
    const key = deliveryKey("reminder", reminder.circle_id, reminder.member_id, reminder.claim_id);
    return {
      kind: "reminder",
      memberId: reminder.member_id,
      circleId: reminder.circle_id,
      period: reminder.claim_id,
      claimId: reminder.claim_id,
      contentUntil: clock().toISOString(),
      email: { from: senderFor(reminder.circle_name), to: reminder.email, ...rendered, idempotencyKey: key },
      summary: `reminder: ${reminder.task.title}`,
    };
  }

  // 4. Digests ----------------------------------------------------------------------------------------
  if (phases.has("digests")) {
    // Members are split into `streams` ranges of their (random) ids, read concurrently so that the
    // database uses more than one core; within a range, pages follow by keyset, and the next page is
    // asked for as soon as the current one arrives, so the database works while this process renders.
    // Sending stays one batch at a time (Resend's rate limit is per account).
    const streams = Math.max(1, Math.min(options.streams ?? 2, 16));
    const bounds = Array.from({ length: streams + 1 }, (_, i) => Math.round((16 * i) / streams));
    const outcomes = await Promise.allSettled(
      bounds.slice(0, -1).map((from, i) =>
        digestStream(
          from === 0 ? null : `${(from - 1).toString(16)}fffffff-ffff-ffff-ffff-ffffffffffff`,
          bounds[i + 1] === 16 ? null : `${bounds[i + 1].toString(16)}0000000-0000-0000-0000-000000000000`,
        ).catch((error: unknown) => {
          // One stream failing stops the others at their next step, as a crash would.
          failed = true;
          throw error;
        }),
      ),
    );
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    if (failure) throw failure.reason;
  }

  /** The digests of the members whose id is after `start` and before `end` (null: no bound). */
  async function digestStream(start: string | null, end: string | null) {
    let limit = pageSize;
    const ask = async (after: string | null, now: Date): Promise<unknown> => {
      try {
        return await call("email_job_digests", {
          p_now: now.toISOString(),
          p_after: after,
          p_before: end,
          p_limit: limit,
          p_force: options.force ?? false,
          p_circle_ids: circleIds,
        });
      } catch (error) {
        // A page that hits the statement timeout (a busy database): half as many members, again.
        if ((error as { code?: string }).code !== "57014" || limit <= 25) throw error;
        limit = Math.ceil(limit / 2);
        log(`digests: page timed out, asking for ${limit} members at a time`);
        return ask(after, now);
      }
    };
    const fetchPage = (after: string | null) => {
      const now = clock();
      const page = ask(after, now).then((raw) => ({ contents: digestsOfPage(DigestPageSchema.parse(raw)), now, asked: limit }));
      page.catch(() => {}); // awaited below; this only keeps an abandoned prefetch from being "unhandled"
      return page;
    };
    let next: ReturnType<typeof fetchPage> | null = outOfTime() ? null : fetchPage(start);
    while (next) {
      const { contents, now, asked } = await next;
      if (contents.length === 0 || failed) break;
      const last = contents[contents.length - 1].member_id;
      next = contents.length === asked && !outOfTime() ? fetchPage(last) : null;
      const claimables: Claimable[] = [];
      const tokenFor = await unsubscribeTokens(
        db,
        contents.filter(digestHasNews).map((content) => ({ memberId: content.member_id, purpose: "digest" as const })),
        now,
      );
      for (const content of contents) {
        report.digests.considered++;
        if (!digestHasNews(content)) {
          report.digests.empty++;
          claimables.push({
            kind: "digest",
            memberId: content.member_id,
            circleId: content.circle_id,
            period: content.period,
            claimId: null,
            contentUntil: now.toISOString(),
            status: "empty",
            email: null,
          });
          continue;
        }
        claimables.push(outgoing(digestEmail(content, now, tokenFor(content.member_id, "digest"))));
      }
      const pushes = contents.flatMap((content): PushEvent[] => {
        const message = openTasksPush(content);
        return message
          ? [
              {
                kind: "push_open_tasks",
                circleId: content.circle_id,
                memberId: content.member_id,
                period: content.period,
                claimId: null,
                message,
                expiresAt: usefulUntil(new Date(Math.max(...content.open_tasks.map((task) => Date.parse(task.starts_at)))).toISOString()),
              },
            ]
          : [];
      });
      await sendingTurn(() => (failed ? Promise.resolve() : pushFirst(pushes).then(() => deliver(claimables))));
    }
  }

  function digestEmail(content: DigestContent, now: Date, unsubscribeToken: string): Outgoing {
    const ctx = context(unsubscribeToken);
    const rendered = renderDigest(content, ctx);
    const key = deliveryKey("digest", content.circle_id, content.member_id, content.period);
    return {
      kind: "digest",
      memberId: content.member_id,
      circleId: content.circle_id,
      period: content.period,
      claimId: null,
      contentUntil: now.toISOString(),
      email: {
        from: senderFor(content.circle_name),
        to: content.email,
        ...rendered,
        headers: unsubscribeHeaders(ctx.unsubscribeUrl!),
        idempotencyKey: key,
      },
      summary: `${content.open_count} open, ${content.my_tasks.length} yours, ${content.update_count} updates`,
    };
  }

  // 5. Reach-outs from check-ins: push only (the check-in page emails them at once) ---------------------
  if (phases.has("reach_outs") && !dryRun) await push.reachOuts(circleIds, outOfTime);

  report.ms = Date.now() - started;
  return report;
}
