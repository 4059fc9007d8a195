import type { RateLimits } from "../config";
import { ApiError } from "./http";

export type { RateLimits };

// Supabase Auth's rate limits, as `[auth.rate_limit]` of config.toml sets them (read in ../config.ts).
// Request limits are token buckets per client address (GoTrue's tollbooth limiters: a burst of 30, refilled at the
// configured count per 5 minutes); the email limit counts every email sent, for the whole project,
// per hour.

/** Which limit each endpoint spends, as GoTrue's router assigns them. */
export type RequestLimit = "sign_in_sign_ups" | "token_verifications" | "token_refresh";

const BURST = 30;
const REFILL_WINDOW_MS = 5 * 60_000;
const EMAIL_WINDOW_MS = 60 * 60_000;
const IDLE_BUCKET_MS = 60 * 60_000; // GoTrue forgets a client after an hour

interface Bucket {
  tokens: number;
  at: number;
}

export interface RateLimiter {
  /** Spends one request of `limit` for `client`, or throws Supabase Auth's 429. */
  request(limit: RequestLimit, endpoint: string, client: string): void;
  /** Spends one email, or throws Supabase Auth's 429. */
  email(): void;
}

export const unlimited: RateLimiter = { request() {}, email() {} };

export function createRateLimiter(limits: RateLimits, now: () => Date): RateLimiter {
  const buckets = new Map<string, Bucket>();
  let emailWindow = { start: 0, sent: 0 };

  function forgetIdle(at: number) {
    for (const [key, bucket] of buckets) if (at - bucket.at > IDLE_BUCKET_MS) buckets.delete(key);
  }

  return {
    request(limit, endpoint, client) {
      const at = now().getTime();
      if (buckets.size > 10_000) forgetIdle(at);
      // Each endpoint has its own limiter in GoTrue, even where several share one configured rate.
      const key = `${endpoint}\n${client}`;
      const refillPerMs = limits[limit] / REFILL_WINDOW_MS;
      const bucket = buckets.get(key) ?? { tokens: BURST, at };
      bucket.tokens = Math.min(BURST, bucket.tokens + (at - bucket.at) * refillPerMs);
      bucket.at = at;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) throw new ApiError(429, "over_request_rate_limit", "Request rate limit reached");
      bucket.tokens -= 1;
    },
    email() {
      const at = now().getTime();
      if (at - emailWindow.start >= EMAIL_WINDOW_MS) emailWindow = { start: at, sent: 0 };
      if (emailWindow.sent >= limits.email_sent) {
        throw new ApiError(429, "over_email_send_rate_limit", "email rate limit exceeded");
      }
      emailWindow.sent += 1;
    },
  };
}
