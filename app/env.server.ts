import { z } from "zod";

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SUPABASE_URL: z.string().url(),
  // The project's publishable key (sb_publishable_..., or a legacy anon JWT key).
  SUPABASE_PUBLISHABLE_KEY: z.string().min(1),
  // Optional: the web server never needs it. Jobs (digest), seeding and tests require it where
  // they use it; a request made for a user never does. (sb_secret_..., or a legacy service_role JWT key.)
  SUPABASE_SECRET_KEY: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters"),
  RESEND_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  APP_URL: z.string().url(),
  MAILBOX_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  // Set (1) by `npm run dev` when the app runs on the local stack: only then does /dev/mailbox exist.
  LOCAL_STACK: z.preprocess(
    emptyToUndefined,
    z.enum(["1", "0", "true", "false"], { message: "must be 1 or 0" }).default("0").transform((v) => v === "1" || v === "true"),
  ),
  // The address the web server listens on: 127.0.0.1 in development unless set, every interface in production.
  HOST: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  EMAIL_FROM: z.preprocess(emptyToUndefined, z.string().default("Circle <circle@localhost>")),
  // Optional: the bearer token a platform cron sends to POST /cron/digest. Without it that route is off
  // (`npm run digest` still works).
  CRON_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
  // Web Push (VAPID, RFC 8292): all three or none; without them the app offers no push notifications.
  // `npm run dev` makes a pair once (.local/vapid.json) and prints the public key. The public key is the
  // only one the browser ever sees (it subscribes with it).
  VAPID_PUBLIC_KEY: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[A-Za-z0-9_-]{87}$/, "must be a base64url P-256 public key (65 bytes, as web-push generate-vapid-keys prints)").optional(),
  ),
  VAPID_PRIVATE_KEY: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be a base64url P-256 private key (32 bytes)").optional(),
  ),
  VAPID_SUBJECT: z.preprocess(
    emptyToUndefined,
    z.string().regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, "must be a mailto: or https: address the push service can reach you at").optional(),
  ),
});

export type Env = z.infer<typeof schema>;

// Nothing here reaches the browser: the app talks to Supabase only from the server. Should the
// browser ever need something, expose only SUPABASE_URL and SUPABASE_PUBLISHABLE_KEY, from the root loader.

let cached: Env | undefined;

/**
 * The validated environment. Parsed on first use (not at import) so that tests can fill
 * process.env first; fails with one line per missing or wrong variable.
 */
export function getEnv(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

// Supabase's legacy key names, still read (with a notice) when the new name is not set.
const LEGACY_NAMES = [
  ["SUPABASE_ANON_KEY", "SUPABASE_PUBLISHABLE_KEY"],
  ["SUPABASE_SERVICE_ROLE_KEY", "SUPABASE_SECRET_KEY"],
] as const;

function withLegacyNames(source: Record<string, string | undefined>) {
  const renamed = { ...source };
  for (const [legacy, current] of LEGACY_NAMES) {
    if (renamed[current] || !renamed[legacy]) continue;
    renamed[current] = renamed[legacy];
    console.warn(`${legacy} is a legacy name: set ${current} instead (read as ${current} for now).`);
  }
  return renamed;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(withLegacyNames(source));
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  - ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  const misconfigured = settingProblems(result.data);
  if (misconfigured.length > 0) {
    throw new Error(`Invalid environment variables:\n${misconfigured.map((line) => `  - ${line}`).join("\n")}`);
  }
  const refused = result.data.NODE_ENV === "production" ? productionProblems(result.data) : [];
  if (refused.length > 0) {
    throw new Error(`Invalid environment variables for production:\n${refused.map((line) => `  - ${line}`).join("\n")}`);
  }
  return result.data;
}

/**
 * Secrets and keys published in .env.example, in the Supabase CLI (every `supabase start` prints the
 * same ones) and in supabase/local/keys.ts: anyone can sign sessions or tokens with them. The
 * Supabase ones are allowed in production only against a local stack (the built app tested locally).
 */
export const WELL_KNOWN_SUPABASE_SECRETS: ReadonlySet<string> = new Set([
  // The CLI's legacy local JWT secret (no longer read: listed because it is published) and the legacy
  // anon and service_role keys signed with it.
  "super-secret-jwt-token-with-at-least-32-characters-long",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0",
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU",
  // The CLI's local publishable and secret keys.
  "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH",
  "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz",
  // supabase/local/keys.ts: PostgREST's database password on the local stack.
  "authenticator-local-password",
]);
export const WELL_KNOWN_APP_SECRETS: ReadonlySet<string> = new Set([
  // .env.example's session secret.
  "local-dev-session-secret-not-for-production-use",
]);

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1"]);
const isLocal = (url: string) => LOCAL_HOSTS.has(new URL(url).hostname);

function settingProblems(env: Env): string[] {
  const problems: string[] = [];
  const vapid = [env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY, env.VAPID_SUBJECT].filter(Boolean).length;
  if (vapid !== 0 && vapid !== 3) {
    problems.push("VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY, VAPID_SUBJECT: set all three (push notifications) or none");
  }
  if (env.LOCAL_STACK && !isLocal(env.SUPABASE_URL)) {
    problems.push("LOCAL_STACK: is set, but SUPABASE_URL is not a local stack (localhost or 127.0.0.1)");
  }
  return problems;
}

function productionProblems(env: Env): string[] {
  const problems: string[] = [];
  const supabaseIsLocal = isLocal(env.SUPABASE_URL);
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string") continue;
    if (WELL_KNOWN_APP_SECRETS.has(value) || (WELL_KNOWN_SUPABASE_SECRETS.has(value) && !supabaseIsLocal)) {
      problems.push(`${name}: is a published example value that anyone can use; set this deployment's own`);
    }
  }
  const appUrl = new URL(env.APP_URL);
  if (appUrl.protocol !== "https:" && !LOCAL_HOSTS.has(appUrl.hostname)) {
    problems.push("APP_URL: must be an https address in production (sessions and links would travel in the clear)");
  }
  return problems;
}
