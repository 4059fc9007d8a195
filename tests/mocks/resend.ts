import { http, HttpResponse } from "msw";
import { z } from "zod";

// Stands in for the Resend API (https://resend.com/docs/api-reference/emails/send-email) in tests
// and in offline development (MOCKS=true). Every accepted email is kept, newest last.

const address = z.string().min(3);

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

export function clearSentEmails() {
  sentEmails.length = 0;
}

// Resend answers a repeated Idempotency-Key with the first email's id instead of sending again.
const byIdempotencyKey = new Map<string, string>();

function validationError(message: string) {
  return HttpResponse.json({ statusCode: 422, name: "validation_error", message }, { status: 422 });
}

function authorised(request: Request) {
  return /^Bearer re_\S+/.test(request.headers.get("Authorization") ?? "");
}

function keep(email: z.infer<typeof ResendEmailSchema>, idempotencyKey: string | null) {
  if (idempotencyKey && byIdempotencyKey.has(idempotencyKey)) {
    return byIdempotencyKey.get(idempotencyKey)!;
  }
  const id = crypto.randomUUID();
  sentEmails.push({ ...email, id, idempotencyKey });
  if (idempotencyKey) byIdempotencyKey.set(idempotencyKey, id);
  return id;
}

const unauthorised = () =>
  HttpResponse.json(
    { statusCode: 401, name: "missing_api_key", message: "Missing or invalid API key" },
    { status: 401 },
  );

export const resendHandlers = [
  http.post("https://api.resend.com/emails", async ({ request }) => {
    if (!authorised(request)) return unauthorised();
    const parsed = ResendEmailSchema.safeParse(await request.json().catch(() => null));
    if (!parsed.success) return validationError(parsed.error.issues.map((i) => i.message).join("; "));
    const id = keep(parsed.data, request.headers.get("Idempotency-Key"));
    return HttpResponse.json({ id });
  }),

  http.post("https://api.resend.com/emails/batch", async ({ request }) => {
    if (!authorised(request)) return unauthorised();
    const parsed = z
      .array(ResendEmailSchema)
      .min(1)
      .max(100)
      .safeParse(await request.json().catch(() => null));
    if (!parsed.success) return validationError(parsed.error.issues.map((i) => i.message).join("; "));
    const key = request.headers.get("Idempotency-Key");
    const data = parsed.data.map((email, index) => ({
      id: keep(email, key ? `${key}#${index}` : null),
    }));
    return HttpResponse.json({ data });
  }),
];
