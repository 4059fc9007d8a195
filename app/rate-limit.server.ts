/**
 * In-memory sliding-window rate limits. One process holds them; behind several servers
 * each counts on its own, which is still a useful brake for a small app (see the report /
 * ADR if we move to a shared store).
 */

/** `limit` per key; keys starting with "ip:" get `ipLimit`, since a household or clinic shares one IP. */
export type RateLimitRule = { name: string; limit: number; ipLimit?: number; windowMs: number };

const MINUTE = 60_000;

export const rules = {
  signIn: { name: "sign-in", limit: 10, ipLimit: 50, windowMs: 15 * MINUTE },
  signInLink: { name: "sign-in-link", limit: 5, ipLimit: 25, windowMs: 15 * MINUTE },
  passwordReset: { name: "password-reset", limit: 5, ipLimit: 25, windowMs: 15 * MINUTE },
  signUp: { name: "sign-up", limit: 10, ipLimit: 50, windowMs: 15 * MINUTE },
} satisfies Record<string, RateLimitRule>;

const hits = new Map<string, { windowMs: number; times: number[] }>();
let lastSweep = 0;

export type RateLimitResult = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Counts one attempt against every key (e.g. the IP and the email) and refuses it when any of
 * them already reached the limit within the window. A refused attempt is not counted.
 */
export function consume(
  rule: RateLimitRule,
  keys: Array<string | null | undefined>,
  now: number = Date.now(),
): RateLimitResult {
  sweep(now);
  const counted = keys
    .filter((key): key is string => Boolean(key))
    .map((key) => ({
      id: `${rule.name}:${key.toLowerCase()}`,
      limit: key.startsWith("ip:") ? (rule.ipLimit ?? rule.limit) : rule.limit,
    }));
  const ids = counted.map((c) => c.id);

  let retryAfterMs = 0;
  for (const { id, limit } of counted) {
    const recent = (hits.get(id)?.times ?? []).filter((t) => t > now - rule.windowMs);
    hits.set(id, { windowMs: rule.windowMs, times: recent });
    if (recent.length >= limit) {
      // The window frees a slot when the oldest attempt that still counts falls out of it.
      const oldest = recent[recent.length - limit];
      retryAfterMs = Math.max(retryAfterMs, oldest + rule.windowMs - now);
    }
  }
  if (retryAfterMs > 0) return { ok: false, retryAfterMs };

  for (const id of ids) hits.get(id)!.times.push(now);
  return { ok: true };
}

/** "Too many attempts. Try again in N minutes." */
export function tooManyAttemptsMessage(retryAfterMs: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterMs / MINUTE));
  return `Too many attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`;
}

/** Forget every count (tests). */
export function resetRateLimits() {
  hits.clear();
}

// Drops keys with no recent attempt, at most once a minute, so memory stays bounded.
function sweep(now: number) {
  if (now - lastSweep < MINUTE) return;
  lastSweep = now;
  for (const [id, { windowMs, times }] of hits) {
    if (times.every((t) => t <= now - windowMs)) hits.delete(id);
  }
}
