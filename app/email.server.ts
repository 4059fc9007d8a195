import { Resend } from "resend";
import { z } from "zod";
import { getEnv } from "~/env.server";

export type Email = {
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
  const from = env.EMAIL_FROM;

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
  from: z.string().optional(),
  subject: z.string(),
  html: z.string().optional().default(""),
  text: z.string().optional().default(""),
  created_at: z.string(),
});

export type MailboxMessage = z.infer<typeof mailboxMessage>;

/** Messages in the local mailbox, newest first; for `to` only when given. Null without a mailbox. */
export async function listMailbox(to?: string): Promise<MailboxMessage[] | null> {
  const { MAILBOX_URL } = getEnv();
  if (!MAILBOX_URL) return null;
  const url = new URL(mailboxMessagesUrl(MAILBOX_URL));
  if (to) url.searchParams.set("to", to);
  const response = await fetch(url);
  if (!response.ok) throw new EmailError(`The mailbox answered ${response.status}`);
  const body = z.object({ messages: z.array(mailboxMessage) }).parse(await response.json());
  return body.messages;
}

function mailboxMessagesUrl(mailboxUrl: string) {
  return `${mailboxUrl.replace(/\/+$/, "")}/messages`;
}
