import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "smol-toml";
import { z } from "zod";
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from "./keys";
import { SUPABASE_DIR } from "./migrate";

export const PROJECT_DIR = path.resolve(SUPABASE_DIR, "..");
export const DEV_DATA_DIR = path.join(PROJECT_DIR, ".local", "db");
/** The Supabase CLI's configuration, which the local stack reads as its one configuration. */
export const CONFIG_TOML = path.join(SUPABASE_DIR, "config.toml");
/** Every demo person of supabase/seed.sql signs in with this password (printed by `npm run dev`). */
export const DEMO_PASSWORD = "recovery-circle-demo";

const port = z.coerce.number().int().min(1).max(65535);

// supabase/config.toml, as the Supabase CLI reads it, for what the local stack does with it. The
// sections the stack acts on are strict: a misspelt or unmodelled setting stops the stack with its
// name instead of being silently ignored, as a hosted project would not ignore it. The other sections
// ([studio], [storage], ...) are the CLI's business and pass through.

/** The emails Supabase Auth sends, by their config.toml names ([auth.email.template.<name>]). */
export const EMAIL_TEMPLATES = ["invite", "confirmation", "recovery", "magic_link", "email_change", "reauthentication"] as const;
export type EmailTemplateName = (typeof EMAIL_TEMPLATES)[number];

export const rateLimitsSchema = z
  .object({
    email_sent: z.number().int().positive(),
    sign_in_sign_ups: z.number().int().positive(),
    token_verifications: z.number().int().positive(),
    token_refresh: z.number().int().positive(),
  })
  .strict();
export type RateLimits = z.infer<typeof rateLimitsSchema>;

/** A value the local auth service has no other behaviour for: anything else stops the stack, saying why. */
const only = <T extends boolean>(value: T, why: string) =>
  z.literal(value, { errorMap: () => ({ message: `only ${value} is modelled: ${why}` }) });

const templateSchema = z
  .object({
    subject: z.string().min(1),
    // Relative to the project folder, as the CLI resolves it ("./supabase/templates/...").
    content_path: z.string().min(1),
  })
  .strict();

const authSchema = z
  .object({
    enabled: z.boolean().default(true),
    site_url: z.string().url(),
    additional_redirect_urls: z.array(z.string().min(1)).default([]),
    jwt_expiry: z.number().int().min(1).max(604_800).default(3600),
    enable_refresh_token_rotation: only(true, "the local auth service always rotates refresh tokens").default(true),
    refresh_token_reuse_interval: z.number().int().min(0).default(10),
    enable_signup: z.boolean().default(true),
    enable_anonymous_sign_ins: only(false, "the local auth service has no anonymous sign-ins").default(false),
    rate_limit: rateLimitsSchema,
    email: z
      .object({
        enable_signup: z.boolean().default(true),
        double_confirm_changes: z.boolean().default(true),
        enable_confirmations: z.boolean().default(false),
        secure_password_change: z.boolean().default(false),
        template: z.object(
          Object.fromEntries(EMAIL_TEMPLATES.map((name) => [name, templateSchema])) as Record<
            EmailTemplateName,
            typeof templateSchema
          >,
        ).strict(),
      })
      .strict(),
    sms: z
      .object({
        enable_signup: only(false, "the local auth service has no phone sign-ups").default(false),
        enable_confirmations: z.boolean().default(false),
      })
      .strict()
      .default({}),
    external: z.record(z.string(), z.object({ enabled: z.boolean() }).passthrough()).default({}),
  })
  .strict();

const configSchema = z
  .object({
    project_id: z.string().min(1),
    api: z
      .object({
        enabled: only(true, "the local stack always serves the API").default(true),
        port: port.default(54321),
        schemas: z.array(z.string().min(1)).min(1).default(["public"]),
        extra_search_path: z.array(z.string().min(1)).default(["public", "extensions"]),
        max_rows: z.number().int().positive().default(1000),
      })
      .strict()
      .default({}),
    db: z.object({ port: port.default(54322) }).passthrough().default({}),
    auth: authSchema,
  })
  .passthrough();

export interface EmailTemplate {
  subject: string;
  /** The template file's text (Go template syntax, as Supabase Auth renders it). */
  content: string;
  file: string;
}

export type ProjectConfig = z.infer<typeof configSchema> & {
  emailTemplates: Record<EmailTemplateName, EmailTemplate>;
};

function problems(error: z.ZodError) {
  return error.issues
    .map((issue) => {
      const where = issue.path.join(".");
      const keys = issue.code === "unrecognized_keys" ? issue.keys.map((k) => (where ? `${where}.${k}` : k)).join(", ") : "";
      return keys ? `  ${keys}: not a setting the local stack models` : `  ${where}: ${issue.message}`;
    })
    .join("\n");
}

/** Reads and checks config.toml, with the text of every email template it names. */
export function readProjectConfig(file: string | URL = CONFIG_TOML): ProjectConfig {
  const where = file instanceof URL ? file.pathname : file;
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${where}: ${(error as Error).message}`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${where} has settings the local stack cannot use:\n${problems(parsed.error)}`);
  const projectDir = path.resolve(path.dirname(where), "..");
  const emailTemplates = Object.fromEntries(
    EMAIL_TEMPLATES.map((name) => {
      const { subject, content_path } = parsed.data.auth.email.template[name];
      const templateFile = path.resolve(projectDir, content_path);
      if (!existsSync(templateFile)) {
        throw new Error(`${where}: auth.email.template.${name}.content_path: no file at ${templateFile}`);
      }
      return [name, { subject, content: readFileSync(templateFile, "utf8"), file: templateFile }];
    }),
  ) as Record<EmailTemplateName, EmailTemplate>;
  return { ...parsed.data, emailTemplates };
}

const devEnvSchema = (project: ProjectConfig) =>
  z.object({
    API_PORT: port.default(project.api.port),
    DB_PORT: port.default(project.db.port),
    // The app's port: site_url's unless told otherwise.
    PORT: port.default(Number(new URL(project.auth.site_url).port || 80)),
    // The address the app and the gateway listen on. Loopback by default: the mailbox page and the
    // well-known local keys must not be reachable from the network unless someone asks for it.
    HOST: z.string().min(1).default("127.0.0.1"),
    SUPABASE_URL: z.string().url().optional(),
    // 1: the local stack signs with the legacy HS256 secret and takes the JWT-shaped anon/service_role keys.
    LEGACY_JWT: z.enum(["0", "1", ""]).default("0").transform((v) => v === "1"),
  });

/** Ports and overrides for the dev stack: config.toml's, unless the environment (or .env) says otherwise. */
export function readDevConfig(project = readProjectConfig()) {
  const envFile = path.join(PROJECT_DIR, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = devEnvSchema(project).safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}

/** config.toml's site_url, on another port when PORT moved the app. */
export function devSiteUrl(config: { PORT: number }, project = readProjectConfig()): string {
  const url = new URL(project.auth.site_url);
  url.port = String(config.PORT);
  return url.origin;
}

/**
 * The environment `npm run dev` gives the app: its local stack's addresses (the stack's keys are the
 * well-known local ones) and a development session secret. Scripts run beside `npm run dev` without
 * a .env (`npm run digest`) use it too.
 */
export function devAppEnv(config = readDevConfig()) {
  const api = `http://127.0.0.1:${config.API_PORT}`;
  return {
    APP_URL: devSiteUrl(config),
    SESSION_SECRET: "local-dev-session-secret-not-for-production-use",
    SUPABASE_URL: api,
    SUPABASE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY,
    MAILBOX_URL: `${api}/mailbox/v1`,
  };
}
