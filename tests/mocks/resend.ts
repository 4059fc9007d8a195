import { createHash } from "node:crypto";
import { delay, http, HttpResponse } from "msw";
import { z } from "zod";

// Stands in for the Resend API (https://resend.com/docs/api-reference/emails/send-email) in tests
// and in offline development (MOCKS=true). Every accepted email is kept, newest last, and every request
// is recorded (endpoint, Idempotency-Key, batch size, validation mode, answer).
//
// As Resend does: a repeated Idempotency-Key with the same body answers the first response without
// sending again; the same key with another body is refused (409 invalid_idempotent_request); the batch
// endpoint takes 1 to 100 emails and, with `x-batch-validation: permissive`, sends the valid ones and
// lists the invalid ones in `errors`. Tests can script failures for the next requests
// (failNextResendRequests): 429 with rate-limit headers, 5xx, or a response that never comes in time
// (optionally after the emails were sent, as when a timeout hides a success).

const address = z.string().min(3).regex(/^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$/, "Invalid `to` field: not an email address");

export const ResendEmailSchema = z
  .object({
    from: z.string().min(3),
    to: z.union([address, z.array(address).min(1).max(50)]),
    subject: z.string().min(1),
    html: z.string().optional(),
    text: z.string().optional(),
    cc: z.union([address, z.array(address)]).optional(),
    bcc: z.union([address, z.array(address)]).optional(),
    reply_to: z.union([address, z.array(address)]).optional(),
    headers: z.record(z.string()).optional(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
    scheduled_at: z.string().optional(),
  })
  .refine((email) => email.html !== undefined || email.text !== undefined, {
    message: "html or text is required",
  });

export type ResendEmail = z.infer<typeof ResendEmailSchema> & {
  id: string;
  idempotencyKey: string | null;
};

export const sentEmails: ResendEmail[] = [];

export type ResendRequest = {
  endpoint: "emails" | "batch";
  idempotencyKey: string | null;
  /** Emails in the request body (1 for /emails). */
  size: number;
  validation: "strict" | "permissive" | null;
  status: number;
};

export const resendRequests: ResendRequest[] = [];

export type ResendFault =
  | { status: 429; retryAfterSeconds?: number; resetSeconds?: number }
  | { status: 500 | 502 | 503 }
  /** No answer within `delayMs` (the client times out first); `processed`: the emails were sent anyway. */
  | { status: "timeout"; delayMs: number; processed?: boolean };

const faults: ResendFault[] = [];

/** The next requests (one fault each, in order) fail as given; later ones succeed again. */
export function failNextResendRequests(...next: ResendFault[]) {
  faults.push(...next);
}

export function clearSentEmails() {
  sentEmails.length = 0;
}

// Idempotency-Key → what the first request with it sent, and what it answered.
const byIdempotencyKey = new Map<string, { bodyHash: string; response: unknown }>();

/** Forgets everything: emails, requests, scripted faults and idempotency keys. */
export function resetResendMock() {
  sentEmails.length = 0;
  resendRequests.length = 0;
  faults.length = 0;
  byIdempotencyKey.clear();
}

function validationError(message: string) {
  return HttpResponse.json({ statusCode: 422, name: "validation_error", message }, { status: 422 });
}

function authorised(request: Request) {
  return /^Bearer re_\S+/.test(request.headers.get("Authorization") ?? "");
}

function keep(email: z.infer<typeof ResendEmailSchema>, idempotencyKey: string | null) {
  const id = crypto.randomUUID();
  sentEmails.push({ ...email, id, idempotencyKey });
  return id;
}

const unauthorised = () =>
  HttpResponse.json(
    { statusCode: 401, name: "missing_api_key", message: "Missing or invalid API key" },
    { status: 401 },
  );

type Outcome = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * Runs one request through the scripted faults and the idempotency store; `send` sends the emails and
 * returns the success body.
 */
async function answer(body: unknown, record: Omit<ResendRequest, "status">, send: () => Outcome) {
  const fault = faults.shift();
  const done = (outcome: Outcome) => {
    resendRequests.push({ ...record, status: outcome.status });
    return HttpResponse.json(outcome.body as never, { status: outcome.status, headers: outcome.headers });
  };

  if (fault && fault.status === 429) {
    const headers: Record<string, string> = {
      "ratelimit-limit": "2",
      "ratelimit-remaining": "0",
      "ratelimit-reset": String(fault.resetSeconds ?? 1),
    };
    if (fault.retryAfterSeconds !== undefined) headers["retry-after"] = String(fault.retryAfterSeconds);
    return done({
      status: 429,
      headers,
      body: { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests. You can only make 2 requests per second." },
    });
  }
  if (fault && typeof fault.status === "number") {
    return done({
      status: fault.status,
      body: { statusCode: fault.status, name: "internal_server_error", message: "An unexpected error occurred." },
    });
  }

  const key = record.idempotencyKey;
  const bodyHash = createHash("sha256").update(JSON.stringify(body)).digest("hex");
  const run = (): Outcome => {
    if (key) {
      const seen = byIdempotencyKey.get(key);
      if (seen && seen.bodyHash !== bodyHash) {
        return {
          status: 409,
          body: { statusCode: 409, name: "invalid_idempotent_request", message: "Same idempotency key used with a different request payload." },
        };
      }
      if (seen) return { status: 200, body: seen.response };
    }
    const outcome = send();
    if (key && outcome.status === 200) byIdempotencyKey.set(key, { bodyHash, response: outcome.body });
    return outcome;
  };

  if (fault && fault.status === "timeout") {
    // By the time this answers, the client has given up; only whether the emails went out matters.
    const outcome: Outcome = fault.processed
      ? run()
      : { status: 504, body: { statusCode: 504, name: "application_error", message: "Gateway timeout" } };
    await delay(fault.delayMs);
    return done(outcome);
  }
  return done(run());
}

export const resendHandlers = [
  http.post("https://api.resend.com/emails", async ({ request }) => {
    if (!authorised(request)) return unauthorised();
    const json = await request.json().catch(() => null);
    const key = request.headers.get("Idempotency-Key");
    return answer(json, { endpoint: "emails", idempotencyKey: key, size: 1, validation: null }, () => {
      const parsed = ResendEmailSchema.safeParse(json);
      if (!parsed.success) {
        return { status: 422, body: { statusCode: 422, name: "validation_error", message: parsed.error.issues.map((i) => i.message).join("; ") } };
      }
      return { status: 200, body: { id: keep(parsed.data, key) } };
    });
  }),

  http.post("https://api.resend.com/emails/batch", async ({ request }) => {
    if (!authorised(request)) return unauthorised();
    const json = await request.json().catch(() => null);
    const list = z.array(z.unknown()).min(1).max(100).safeParse(json);
    if (!list.success) return validationError(list.error.issues.map((i) => i.message).join("; "));
    const key = request.headers.get("Idempotency-Key");
    const validation = request.headers.get("x-batch-validation") === "permissive" ? "permissive" : "strict";
    return answer(json, { endpoint: "batch", idempotencyKey: key, size: list.data.length, validation }, () => {
      const parsed = list.data.map((email) => ResendEmailSchema.safeParse(email));
      const invalid = parsed.flatMap((result, index) =>
        result.success ? [] : [{ index, message: result.error.issues.map((i) => i.message).join("; ") }],
      );
      if (validation === "strict" && invalid.length > 0) {
        return { status: 422, body: { statusCode: 422, name: "validation_error", message: invalid.map((e) => `emails[${e.index}]: ${e.message}`).join("; ") } };
      }
      const data = parsed.flatMap((result) => (result.success ? [{ id: keep(result.data, key) }] : []));
      return { status: 200, body: validation === "permissive" ? { data, errors: invalid } : { data } };
    });
  }),
];
