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
});

export type Env = z.infer<typeof schema>;

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

/** The only values that may reach the browser. Nothing needs them yet; keep the list explicit. */
export function getPublicEnv() {
  const env = getEnv();
  return { SUPABASE_URL: env.SUPABASE_URL, SUPABASE_ANON_KEY: env.SUPABASE_ANON_KEY };
}
