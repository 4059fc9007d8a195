import { z } from "zod";

const emptyToUndefined = (value: unknown) => (value === "" ? undefined : value);

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SUPABASE_URL: z.string().url(),
  SUPABASE_ANON_KEY: z.string().min(1),
  // Optional: the web server never needs it. Jobs (digest), seeding and tests require it where
  // they use it; a request made for a user never does.
  SUPABASE_SERVICE_ROLE_KEY: z.preprocess(emptyToUndefined, z.string().min(1).optional()),
  SUPABASE_JWT_SECRET: z.string().min(32),
  SESSION_SECRET: z.string().min(32, "must be at least 32 characters"),
  RESEND_API_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  APP_URL: z.string().url(),
  MAILBOX_URL: z.preprocess(emptyToUndefined, z.string().url().optional()),
  EMAIL_FROM: z.preprocess(emptyToUndefined, z.string().default("Circle <circle@localhost>")),
  // Optional: the bearer token a platform cron sends to POST /cron/digest. Without it that route is off
  // (`npm run digest` still works).
  CRON_SECRET: z.preprocess(emptyToUndefined, z.string().min(16, "must be at least 16 characters").optional()),
});

export type Env = z.infer<typeof schema>;

// Nothing here reaches the browser: the app talks to Supabase only from the server. Should the
// browser ever need something, expose only SUPABASE_URL and SUPABASE_ANON_KEY, from the root loader.

let cached: Env | undefined;

/**
 * The validated environment. Parsed on first use (not at import) so that tests can fill
 * process.env first; fails with one line per missing or wrong variable.
 */
export function getEnv(): Env {
  if (!cached) cached = parseEnv(process.env);
  return cached;
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `  - ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  return result.data;
}
