// Reading the local mailbox (where every email lands when RESEND_API_KEY is empty) from tests.

export interface MailboxMessage {
  id: string;
  to: string[];
  from: string | null;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  created_at: string;
}

/** The mailbox API answers only to the service key. */
export function mailboxHeaders(): Record<string, string> {
  return { apikey: process.env.SUPABASE_SECRET_KEY! };
}

export async function listEmails(to: string): Promise<MailboxMessage[]> {
  const res = await fetch(`${process.env.MAILBOX_URL}/messages?to=${encodeURIComponent(to)}`, {
    headers: mailboxHeaders(),
  });
  if (!res.ok) throw new Error(`mailbox answered ${res.status}`);
  return ((await res.json()) as { messages: MailboxMessage[] }).messages;
}

/** The newest email to `to` (optionally with a matching subject), waiting briefly for it to arrive. */
export async function latestEmail(to: string, opts: { subject?: RegExp; timeoutMs?: number } = {}) {
  const deadline = Date.now() + (opts.timeoutMs ?? 5_000);
  while (Date.now() < deadline) {
    const match = (await listEmails(to)).find((m) => !opts.subject || opts.subject.test(m.subject));
    if (match) return match;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No email to ${to}${opts.subject ? ` matching ${opts.subject}` : ""} arrived`);
}

/** The first absolute link in an email's text whose path starts with `pathPrefix`. */
export function linkIn(text: string, pathPrefix: string): string {
  const link = text.match(/https?:\/\/[^\s<>"]+/g)?.find((u) => new URL(u).pathname.startsWith(pathPrefix));
  if (!link) throw new Error(`No ${pathPrefix} link in email:\n${text}`);
  return link;
}
