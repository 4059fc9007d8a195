import pg from "pg";
import { z } from "zod";

// The local stand-in for a mail provider, like Inbucket in `supabase start`: every email the app or
// the auth service sends without a RESEND_API_KEY lands here, readable from a dev page and from tests.

export const mailboxMessageSchema = z.object({
  to: z.union([z.string().email(), z.array(z.string().email()).min(1)]),
  from: z.string().max(320).optional(),
  subject: z.string().max(998),
  html: z.string().max(1_000_000).default(""),
  text: z.string().max(1_000_000).default(""),
  headers: z.record(z.string()).optional(),
});
export type MailboxMessage = z.input<typeof mailboxMessageSchema>;

const SCHEMA_SQL = `
create schema if not exists local_mailbox;
revoke all on schema local_mailbox from public;
create table if not exists local_mailbox.messages (
  id bigserial primary key,
  "to" text[] not null,
  "from" text,
  subject text not null,
  html text not null,
  text text not null,
  headers jsonb not null default '{}',
  created_at timestamptz not null default now()
);
create index if not exists messages_to_idx on local_mailbox.messages using gin ("to");
`;

export function createMailbox(databaseUrl: string) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  // An idle connection dropped by a stopping Postgres must not crash the process.
  pool.on("error", () => {});
  return {
    async init() {
      await pool.query(SCHEMA_SQL);
    },
    async deliver(input: MailboxMessage) {
      const msg = mailboxMessageSchema.parse(input);
      const to = (Array.isArray(msg.to) ? msg.to : [msg.to]).map((a) => a.toLowerCase());
      const { rows } = await pool.query<{ id: string }>(
        `insert into local_mailbox.messages ("to", "from", subject, html, text, headers)
         values ($1, $2, $3, $4, $5, $6) returning id`,
        [to, msg.from ?? null, msg.subject, msg.html, msg.text, msg.headers ?? {}],
      );
      return rows[0].id;
    },
    async list(filter: { to?: string; limit?: number }) {
      const { rows } = await pool.query(
        `select id::text, "to", "from", subject, html, text, headers, created_at
           from local_mailbox.messages
          where $1::text is null or $1 = any("to")
          order by id desc
          limit $2`,
        [filter.to?.toLowerCase() ?? null, filter.limit ?? 100],
      );
      return rows;
    },
    async clear() {
      await pool.query("truncate local_mailbox.messages");
    },
    close: () => pool.end(),
  };
}
export type Mailbox = ReturnType<typeof createMailbox>;
