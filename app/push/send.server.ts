import { createHash } from "node:crypto";
import webpush from "web-push";
import { rateLimitWaitMs } from "~/email.server";

// One Web Push message to one device (RFC 8030, 8291, 8292): the payload encrypted for the device
// (aes128gcm) by the `web-push` package, signed for the push service with our VAPID key, and POSTed
// with fetch (so a timeout and the answer are ours to read). What each answer means for the job:
//   2xx sent · 404/410 gone (the subscription has expired or was withdrawn: the job deletes it)
//   429 wait as Retry-After says and send again, up to maxRateLimitRetries, then retry later
//   5xx, timeout, unreachable: retry later (a later run, same row) · any other 4xx: refused, skipped.

export type PushMessage = { title: string; body: string; url: string; tag: string };
export type PushTarget = { endpoint: string; p256dh: string; auth: string };
export type Vapid = { publicKey: string; privateKey: string; subject: string };

export type PushResult =
  | { status: "sent" }
  | { status: "gone"; message: string }
  | { status: "rejected"; message: string }
  | { status: "retry"; message: string; retryInSeconds: number };

export type PushSendOptions = {
  /** Tests and the bench pass their own (msw intercepts the global one). */
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  timeoutMs?: number;
  maxRateLimitRetries?: number;
};

const RETRY_LATER_SECONDS = 300;
// A VAPID token may live 24 hours; one is signed per push service and reused for an hour.
const VAPID_TOKEN_SECONDS = 12 * 3600;
const VAPID_REUSE_MS = 3600_000;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The Topic header for a notification tag: a push service keeps only the newest undelivered message per topic. */
export function topicFor(tag: string): string {
  return createHash("sha256").update(tag).digest("base64url").slice(0, 32);
}

export function createPushSender(vapid: Vapid, options: PushSendOptions = {}) {
  const fetchFn = options.fetch ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxRateLimitRetries = options.maxRateLimitRetries ?? 5;
  const tokens = new Map<string, { authorization: string; madeAt: number }>();

  function authorization(endpoint: string): string {
    const audience = new URL(endpoint).origin;
    const cached = tokens.get(audience);
    if (cached && Date.now() - cached.madeAt < VAPID_REUSE_MS) return cached.authorization;
    const headers = webpush.getVapidHeaders(
      audience,
      vapid.subject,
      vapid.publicKey,
      vapid.privateKey,
      "aes128gcm",
      Math.floor(Date.now() / 1000) + VAPID_TOKEN_SECONDS,
    );
    tokens.set(audience, { authorization: headers.Authorization, madeAt: Date.now() });
    return headers.Authorization;
  }

  return async function send(target: PushTarget, message: PushMessage, ttlSeconds: number): Promise<PushResult> {
    const details = webpush.generateRequestDetails(
      { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
      JSON.stringify(message),
      {
        TTL: Math.max(0, Math.floor(ttlSeconds)),
        contentEncoding: "aes128gcm",
        urgency: "normal",
        topic: topicFor(message.tag),
        // No vapidDetails: the token is signed once per push service (above), not once per message.
        headers: { Authorization: authorization(target.endpoint) },
      },
    );
    const headers = Object.fromEntries(Object.entries(details.headers).map(([name, value]) => [name, String(value)]));
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetchFn(details.endpoint, {
          method: "POST",
          headers,
          body: new Uint8Array(details.body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        return { status: "retry", message: `push service not reached: ${(error as Error).message}`, retryInSeconds: RETRY_LATER_SECONDS };
      }
      const answer = `push service answered ${response.status}`;
      await response.body?.cancel();
      if (response.ok) return { status: "sent" };
      if (response.status === 404 || response.status === 410) return { status: "gone", message: answer };
      if (response.status === 429) {
        const waitMs = rateLimitWaitMs(Object.fromEntries(response.headers));
        if (attempt < maxRateLimitRetries) {
          await sleep(waitMs);
          continue;
        }
        return { status: "retry", message: answer, retryInSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
      }
      if (response.status >= 500) return { status: "retry", message: answer, retryInSeconds: RETRY_LATER_SECONDS };
      return { status: "rejected", message: answer };
    }
  };
}

export type PushSender = ReturnType<typeof createPushSender>;
