import { Resend } from "resend";
import { z } from "zod";
import { getEnv, type Env } from "~/env.server";

export type Email = {
  /** Defaults to EMAIL_FROM; see senderFor() for "<Circle name> via Circle". */
  from?: string;
  to: string | string[];
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /** Same key, same email: Resend sends it once even when a job is retried. */
  idempotencyKey?: string;
};

export type SendEmailResult = { id: string | null; via: "resend" | "mailbox" | "console" };

export class EmailError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmailError";
  }
}

/**
 * Sends through Resend when RESEND_API_KEY is set; otherwise stores the message in the local
 * mailbox (MAILBOX_URL), or prints it when there is no mailbox either. Throws EmailError when
 * the message could not be handed over.
 */
export async function sendEmail(email: Email): Promise<SendEmailResult> {
  const env = getEnv();
  const from = email.from ?? env.EMAIL_FROM;

  if (env.RESEND_API_KEY) {
    // The official SDK rather than raw fetch: it sets auth, idempotency and error shapes for us.
    const resend = new Resend(env.RESEND_API_KEY);
    const { data, error } = await resend.emails.send(
      {
        from,
        to: email.to,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers,
      },
      email.idempotencyKey ? { idempotencyKey: email.idempotencyKey } : undefined,
    );
    if (error) throw new EmailError(`Resend refused the email: ${error.message}`);
    return { id: data?.id ?? null, via: "resend" };
  }

  if (env.MAILBOX_URL) {
    const response = await fetch(mailboxMessagesUrl(env.MAILBOX_URL), {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        ...mailboxAuth(env),
        ...(email.idempotencyKey ? { "Idempotency-Key": email.idempotencyKey } : {}),
      },
      body: JSON.stringify({
        to: email.to,
        from,
        subject: email.subject,
        html: email.html,
        text: email.text,
        headers: email.headers ?? {},
      }),
    });
    if (!response.ok) {
      throw new EmailError(`The mailbox refused the email: ${response.status} ${await response.text()}`);
    }
    const body = (await response.json().catch(() => null)) as { id?: unknown } | null;
    return { id: typeof body?.id === "string" ? body.id : null, via: "mailbox" };
  }

  console.info(
    `[email] No RESEND_API_KEY or MAILBOX_URL: not sent.\nTo: ${[email.to].flat().join(", ")}\nSubject: ${email.subject}\n\n${email.text}`,
  );
  return { id: null, via: "console" };
}

const mailboxMessage = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  to: z.union([z.string(), z.array(z.string())]),
  from: z.string().nullish(),
  subject: z.string(),
  html: z.string().optional().default(""),
  text: z.string().optional().default(""),
  created_at: z.string(),
});

export type MailboxMessage = z.infer<typeof mailboxMessage>;

/** Messages in the local mailbox, newest first; for `to` only when given. Null without a mailbox. */
export async function listMailbox(to?: string): Promise<MailboxMessage[] | null> {
  const env = getEnv();
  if (!env.MAILBOX_URL) return null;
  const url = new URL(mailboxMessagesUrl(env.MAILBOX_URL));
  if (to) url.searchParams.set("to", to);
  const response = await fetch(url, { headers: mailboxAuth(env) });
  if (!response.ok) throw new EmailError(`The mailbox answered ${response.status}`);
  const body = z.object({ messages: z.array(mailboxMessage) }).parse(await response.json());
  return body.messages;
}

// The mailbox holds every sign-in link: like the admin API it answers only to the service key.
function mailboxAuth(env: Env): Record<string, string> {
  return env.SUPABASE_SECRET_KEY ? { apikey: env.SUPABASE_SECRET_KEY } : {};
}

function mailboxMessagesUrl(mailboxUrl: string) {
  return `${mailboxUrl.replace(/\/+$/, "")}/messages`;
}

// ---------------------------------------------------------------------------------------------------
// Sender names
// ---------------------------------------------------------------------------------------------------

const SPECIALS = /[()<>[\]:;@\\,."]/;

function parseMailbox(value: string): { name: string | null; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(value);
  return match ? { name: match[1].trim() || null, address: match[2].trim() } : { name: null, address: value.trim() };
}

/** The product's name as EMAIL_FROM shows it ("Circle"). */
export function appName(): string {
  return parseMailbox(getEnv().EMAIL_FROM).name ?? "Circle";
}

/**
 * "Maria's circle via Circle" <circle@…>: the circle's name first, so that a member recognises who the
 * email is about, and the app's own name and address, so that it is not mistaken for someone else.
 */
export function senderFor(circleName: string): string {
  const { name, address } = parseMailbox(getEnv().EMAIL_FROM);
  // eslint-disable-next-line no-control-regex
  const clean = circleName.replace(/[\u0000-\u001f\u007f"\\<>]+/g, " ").replace(/\s+/g, " ").trim().slice(0, 60);
  const display = `${clean || "Your circle"} via ${name ?? "Circle"}`;
  return `${SPECIALS.test(display) ? `"${display}"` : display} <${address}>`;
}

// ---------------------------------------------------------------------------------------------------
// Batches (the email job): Resend's /emails/batch, at most 100 emails a call
// ---------------------------------------------------------------------------------------------------

export const MAX_BATCH_SIZE = 100;

export type BatchEmail = Email & { to: string; from: string; idempotencyKey: string };

/** What happened to one email of a batch. */
export type BatchEmailResult =
  | { status: "sent"; id: string | null }
  /** Refused for this address or message (4xx): logged and skipped, never retried. */
  | { status: "rejected"; message: string }
  /** Not sent for now (5xx, timeout, rate limit that did not clear): send again later, same key. */
  | { status: "retry"; message: string; retryInSeconds: number };

export type BatchOptions = {
  /** The Idempotency-Key of this batch: the same batch sent again under it is sent once. */
  idempotencyKey: string;
  timeoutMs?: number;
  /** How many times a 429 is waited out before the batch is left for a later run. */
  maxRateLimitRetries?: number;
  /** Waits (tests pass a fake one). */
  sleep?: (ms: number) => Promise<void>;
  log?: (line: string) => void;
};

type ProviderError = { message: string; statusCode: number | null; name: string };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const RETRY_LATER_SECONDS = 300;
const MAX_WAIT_MS = 60_000;

// Resend allows a few requests a second per team; when a response says none are left, the next
// request waits for the window to reset (shared by every batch this process sends).
let nextRequestAt = 0;

/** Seconds to wait from Resend's rate-limit headers: retry-after, else ratelimit-reset, else 1. */
export function rateLimitWaitMs(headers: Record<string, string> | null, now = Date.now()): number {
  const get = (name: string) => headers?.[name] ?? headers?.[name.toLowerCase()];
  const retryAfter = get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now;
    if (Number.isFinite(ms)) return Math.min(Math.max(ms, 0), MAX_WAIT_MS);
  }
  const reset = Number(get("ratelimit-reset"));
  if (Number.isFinite(reset) && reset >= 0) return Math.min(reset * 1000, MAX_WAIT_MS);
  return 1000;
}

function noteRateLimit(headers: Record<string, string> | null) {
  if (headers?.["ratelimit-remaining"] === "0") nextRequestAt = Date.now() + rateLimitWaitMs(headers);
}

async function paced(sleep: (ms: number) => Promise<void>) {
  const wait = nextRequestAt - Date.now();
  if (wait > 0) await sleep(Math.min(wait, MAX_WAIT_MS));
}

const allRetry = (count: number, message: string, retryInSeconds = RETRY_LATER_SECONDS): BatchEmailResult[] =>
  Array.from({ length: count }, () => ({ status: "retry", message, retryInSeconds }));

/**
 * Sends up to 100 emails, each to one address, and says what happened to each, in order. Through
 * Resend's batch endpoint when RESEND_API_KEY is set (permissive validation: a bad address is refused
 * alone), else one by one to the local mailbox (or the console). Throws EmailError only when sending
 * cannot work at all (a refused API key): the job stops rather than skip everyone.
 */
export async function sendEmailBatch(emails: BatchEmail[], options: BatchOptions): Promise<BatchEmailResult[]> {
  if (emails.length === 0) return [];
  if (emails.length > MAX_BATCH_SIZE) throw new EmailError(`A batch holds at most ${MAX_BATCH_SIZE} emails.`);
  const env = getEnv();
  if (env.RESEND_API_KEY) return sendBatchThroughResend(new Resend(env.RESEND_API_KEY), emails, options);
  return Promise.all(emails.map((email) => sendOneLocally(email)));
}

async function sendBatchThroughResend(resend: Resend, emails: BatchEmail[], options: BatchOptions): Promise<BatchEmailResult[]> {
  const sleep = options.sleep ?? realSleep;
  const log = options.log ?? (() => {});
  const maxRetries = options.maxRateLimitRetries ?? 5;
  const payload = emails.map(({ from, to, subject, html, text, headers }) => ({ from, to, subject, html, text, headers }));

  for (let attempt = 0; ; attempt++) {
    await paced(sleep);
    const { data, error, headers } = await resend.batch.send(payload, {
      idempotencyKey: options.idempotencyKey,
      batchValidation: "permissive",
      signal: AbortSignal.timeout(options.timeoutMs ?? 20_000),
    });
    noteRateLimit(headers);
    if (!error) {
      const refused = new Map((data.errors ?? []).map((e) => [e.index, e.message]));
      const ids = data.data.map((d) => d.id);
      let next = 0;
      return emails.map((_, index): BatchEmailResult => {
        const message = refused.get(index);
        if (message !== undefined) return { status: "rejected", message };
        return { status: "sent", id: ids[next++] ?? null };
      });
    }

    const status = statusOf(error, headers);
    if (status === 429) {
      const waitMs = rateLimitWaitMs(headers);
      if (attempt < maxRetries) {
        log(`resend: 429 (${error.name}), waiting ${Math.round(waitMs / 100) / 10} s before sending the batch again`);
        await sleep(waitMs);
        continue;
      }
      return allRetry(emails.length, `rate limited: ${error.message}`, Math.ceil(waitMs / 1000) || 60);
    }
    if (status === 409 && error.name === "invalid_idempotent_request") {
      // The key was used, within Resend's 24 hours, by a request with other contents: this batch was
      // received before (a later retry lost rows that may no longer be sent). Sending it again could
      // only send twice, so it counts as sent.
      log(`resend: batch ${options.idempotencyKey} was already received (409), counted as sent`);
      return emails.map(() => ({ status: "sent", id: null }));
    }
    if (status === 401 || status === 403) throw new EmailError(`Resend refused the API key: ${error.message}`);
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 409) {
      // The whole batch refused (strict validation, or a field Resend rejects): each email alone, so
      // that only the bad ones are skipped. Each keeps its own idempotency key.
      log(`resend: batch refused (${status} ${error.name}: ${error.message}); sending its emails one by one`);
      const results: BatchEmailResult[] = [];
      for (const email of emails) results.push(await sendOneThroughResend(resend, email, options));
      return results;
    }
    return allRetry(emails.length, `${status ?? "no answer"}: ${error.message}`);
  }
}

async function sendOneThroughResend(resend: Resend, email: BatchEmail, options: BatchOptions): Promise<BatchEmailResult> {
  const sleep = options.sleep ?? realSleep;
  const maxRetries = options.maxRateLimitRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    await paced(sleep);
    const { from, to, subject, html, text, headers } = email;
    const { data, error, headers: responseHeaders } = await resend.emails.send(
      { from, to, subject, html, text, headers },
      { idempotencyKey: email.idempotencyKey, signal: AbortSignal.timeout(options.timeoutMs ?? 20_000) },
    );
    noteRateLimit(responseHeaders);
    if (!error) return { status: "sent", id: data?.id ?? null };
    const status = statusOf(error, responseHeaders);
    if (status === 429 && attempt < maxRetries) {
      await sleep(rateLimitWaitMs(responseHeaders));
      continue;
    }
    if (status === 409 && error.name === "invalid_idempotent_request") return { status: "sent", id: null };
    if (status === 401 || status === 403) throw new EmailError(`Resend refused the API key: ${error.message}`);
    if (status !== null && status >= 400 && status < 500 && status !== 408 && status !== 409 && status !== 429) {
      return { status: "rejected", message: `${status} ${error.name}: ${error.message}` };
    }
    return { status: "retry", message: `${status ?? "no answer"}: ${error.message}`, retryInSeconds: status === 429 ? 60 : RETRY_LATER_SECONDS };
  }
}

function statusOf(error: ProviderError, headers: Record<string, string> | null): number | null {
  if (typeof error.statusCode === "number") return error.statusCode;
  // Resend's error bodies carry statusCode; a network failure or a timeout has neither body nor headers.
  return headers ? 500 : null;
}

async function sendOneLocally(email: BatchEmail): Promise<BatchEmailResult> {
  try {
    const result = await sendEmail(email);
    return { status: "sent", id: result.id };
  } catch (error) {
    const message = (error as Error).message;
    // The mailbox answers 400 for an address it cannot store: like a 4xx from Resend, skipped.
    return / 400 /.test(message) ? { status: "rejected", message } : { status: "retry", message, retryInSeconds: RETRY_LATER_SECONDS };
  }
}
