import { z } from "zod";
import { reachOutPush, type ReachOut } from "~/push/messages";
import { createPushSender, type PushMessage, type PushSendOptions, type PushTarget, type Vapid } from "~/push/send.server";
import { unwrap, type Supabase } from "~/supabase.server";

// The push part of the email job (app/jobs/email-job.server.ts; docs/push.md). The job hands over the
// events it is about to email, with the recipients the email functions chose (consent rule and
// preferences); this module finds those members' devices and sends one push per device and event,
// through the same delivery log: claim the rows (unique per device and event: one job wins each),
// send, record the outcome. Claimed before the event's email, so a crash in between loses nothing
// (the email's row is what makes an event "done" for the email functions).

export const PUSH_KINDS = [
  "push_open_tasks",
  "push_reminder",
  "push_task_claimed",
  "push_task_released",
  "push_task_cancelled",
  "push_task_rescheduled",
  "push_reach_out",
] as const;
export type PushKind = (typeof PUSH_KINDS)[number];

/** An event to push to every device of one member. */
export type PushEvent = {
  kind: PushKind;
  circleId: string;
  memberId: string;
  period: string;
  claimId: string | null;
  message: PushMessage;
  /** After this the message is no use (the task has started, or a day has passed): not sent, TTL up to it. */
  expiresAt: Date;
};

export type PushTally = {
  /** Device × event pairs looked at (recover: rows taken over). */
  considered: number;
  /** Already claimed by another job or an earlier run. */
  taken: number;
  sent: number;
  /** 404/410: the subscription was removed. */
  gone: number;
  /** Any other 4xx: skipped. */
  rejected: number;
  /** 429 that did not clear, 5xx, timeout: a later run sends the same row again. */
  retry: number;
  /** Time spent on pushes: finding devices, claiming, encrypting, sending, recording. */
  ms: number;
};

export type PushJobOptions = PushSendOptions & {
  /** Pushes in flight at once (each one is its own HTTP request). */
  concurrency?: number;
  /** Called after pushes went out and before their outcome is recorded (tests: a crash). */
  afterSend?: (ids: number[]) => void | Promise<void>;
};

export const newPushTally = (): PushTally => ({ considered: 0, taken: 0, sent: 0, gone: 0, rejected: 0, retry: 0, ms: 0 });

const MAX_TTL_SECONDS = 24 * 3600;
const CLAIM_CHUNK = 500;

const StoredPushSchema = z.object({
  message: z.object({ title: z.string(), body: z.string(), url: z.string().startsWith("/"), tag: z.string() }),
  expires_at: z.string().datetime({ offset: true }),
});
type StoredPush = z.infer<typeof StoredPushSchema>;

const ReachOutSchema = z.object({
  request_id: z.string().uuid(),
  circle_id: z.string().uuid(),
  member_id: z.string().uuid(),
  circle_name: z.string(),
  person_name: z.string(),
  visible: z.boolean(),
});

type Outgoing = { id: number; target: PushTarget; stored: StoredPush };

/** The log's key of one push: the email's (kind, circle, member, period) and the device. */
export function pushKey(kind: PushKind, circleId: string, memberId: string, period: string, subscriptionId: string): string {
  return `${kind}/${circleId}/${memberId}/${period}/${subscriptionId}`;
}

export function pushDelivery(
  db: Supabase,
  context: {
    vapid: Vapid | null;
    clock: () => Date;
    leaseSeconds: number;
    tally: PushTally;
    log: (line: string) => void;
    options?: PushJobOptions;
  },
) {
  const { vapid, clock, leaseSeconds, tally, log } = context;
  const options = context.options ?? {};
  const send = vapid ? createPushSender(vapid, options) : null;
  const concurrency = Math.max(1, options.concurrency ?? 16);

  /** Sends rows already claimed, `concurrency` at a time, and records each outcome. */
  async function sendAndSettle(items: Outgoing[]) {
    if (!send || items.length === 0) return;
    const now = clock();
    const outcomes: Array<{ id: number; outcome: string; error?: string; retry_in_seconds?: number }> = [];
    const gone = new Set<string>();
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++];
        const ttl = Math.min(MAX_TTL_SECONDS, (Date.parse(item.stored.expires_at) - now.getTime()) / 1000);
        if (ttl <= 0) {
          outcomes.push({ id: item.id, outcome: "cancelled", error: "no use any more" });
          continue;
        }
        const result = await send(item.target, item.stored.message, ttl);
        switch (result.status) {
          case "sent":
            tally.sent++;
            outcomes.push({ id: item.id, outcome: "sent" });
            break;
          case "gone":
            tally.gone++;
            gone.add(item.target.endpoint);
            outcomes.push({ id: item.id, outcome: "failed", error: `${result.message}: subscription removed` });
            break;
          case "rejected":
            tally.rejected++;
            log(`push: device refused (${result.message}); skipped`);
            outcomes.push({ id: item.id, outcome: "failed", error: result.message });
            break;
          case "retry":
            tally.retry++;
            outcomes.push({ id: item.id, outcome: "retry", error: result.message, retry_in_seconds: result.retryInSeconds });
            break;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    await options.afterSend?.(items.map((item) => item.id));
    unwrap(await db.rpc("email_job_settle", { p_now: clock().toISOString(), p_results: outcomes }));
    if (gone.size > 0) {
      const removed = unwrap(await db.rpc("push_job_remove_endpoints", { p_endpoints: [...gone] }));
      log(`push: ${removed} subscription(s) removed (the push service says they are gone)`);
    }
  }

  /** Claims and sends one push per device of each event's member. */
  async function deliver(events: PushEvent[]) {
    if (!send || events.length === 0) return;
    const started = performance.now();
    try {
      await claimAndSend(events);
    } finally {
      tally.ms += performance.now() - started;
    }
  }

  async function claimAndSend(events: PushEvent[]) {
    const members = [...new Set(events.map((event) => event.memberId))];
    const devices = new Map<string, string[]>();
    for (const device of unwrap(await db.rpc("push_job_devices", { p_member_ids: members }))) {
      devices.set(device.member_id, [...(devices.get(device.member_id) ?? []), device.subscription_id]);
    }
    const rows = events.flatMap((event) =>
      (devices.get(event.memberId) ?? []).map((subscriptionId) => ({
        kind: event.kind,
        member_id: event.memberId,
        circle_id: event.circleId,
        period: event.period,
        claim_id: event.claimId,
        subscription_id: subscriptionId,
        idempotency_key: pushKey(event.kind, event.circleId, event.memberId, event.period, subscriptionId),
        payload: { message: event.message, expires_at: event.expiresAt.toISOString() },
      })),
    );
    tally.considered += rows.length;
    for (let start = 0; start < rows.length; start += CLAIM_CHUNK) {
      const chunk = rows.slice(start, start + CLAIM_CHUNK);
      const won = unwrap(
        await db.rpc("push_job_claim", { p_now: clock().toISOString(), p_rows: chunk, p_lease_seconds: leaseSeconds }),
      );
      tally.taken += chunk.length - won.length;
      const payloads = new Map(chunk.map((row) => [row.idempotency_key, row.payload]));
      await sendAndSettle(
        won.map((row) => ({
          id: row.id,
          target: { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
          stored: payloads.get(row.idempotency_key)!,
        })),
      );
    }
  }

  /** Pushes left 'sending' by a job that died, or due for a retry: sent again (docs/push.md: why). */
  async function recover(circleIds: string[] | null, outOfTime: () => boolean) {
    if (!send) return;
    while (!outOfTime()) {
      const rows = unwrap(
        await db.rpc("push_job_recover", {
          p_now: clock().toISOString(),
          p_limit: 200,
          p_lease_seconds: leaseSeconds,
          p_circle_ids: circleIds ?? undefined,
        }),
      );
      if (rows.length === 0) break;
      tally.considered += rows.length;
      await sendAndSettle(
        rows.map((row) => ({
          id: row.id,
          target: { endpoint: row.endpoint, p256dh: row.p256dh, auth: row.auth },
          stored: StoredPushSchema.parse(row.payload),
        })),
      );
    }
  }

  /** Reach-out requests from check-ins (their emails are sent by the check-in page at once). */
  async function reachOuts(circleIds: string[] | null, outOfTime: () => boolean) {
    if (!send) return;
    let after: string | undefined;
    while (!outOfTime()) {
      const page = z.array(ReachOutSchema).parse(
        unwrap(
          await db.rpc("push_job_reach_outs", { p_now: clock().toISOString(), p_after: after, p_limit: 200, p_circle_ids: circleIds ?? undefined }),
        ),
      );
      if (page.length === 0) break;
      after = page[page.length - 1].request_id;
      const expiresAt = new Date(clock().getTime() + MAX_TTL_SECONDS * 1000);
      await deliver(
        page
          .filter((request) => request.visible)
          .map((request: ReachOut) => ({
            kind: "push_reach_out" as const,
            circleId: request.circle_id,
            memberId: request.member_id,
            period: request.request_id,
            claimId: null,
            message: reachOutPush(request),
            expiresAt,
          })),
      );
      if (page.length < 200) break;
    }
  }

  return { enabled: send !== null, deliver, recover, reachOuts };
}

export type PushDelivery = ReturnType<typeof pushDelivery>;
