import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { LOCAL_PUBLISHABLE_KEY, LOCAL_SECRET_KEY } from "./keys";
import { SUPABASE_DIR } from "./migrate";

export const PROJECT_DIR = path.resolve(SUPABASE_DIR, "..");
export const DEV_DATA_DIR = path.join(PROJECT_DIR, ".local", "db");
/** Every demo person of supabase/seed.sql signs in with this password (printed by `npm run dev`). */
export const DEMO_PASSWORD = "recovery-circle-demo";

const port = z.coerce.number().int().min(1).max(65535);
const devEnvSchema = z.object({
  API_PORT: port.default(54321),
  DB_PORT: port.default(54322),
  PORT: port.default(3000),
  // The address the app and the gateway listen on. Loopback by default: the mailbox page and the
  // well-known local keys must not be reachable from the network unless someone asks for it.
  HOST: z.string().min(1).default("127.0.0.1"),
  SUPABASE_URL: z.string().url().optional(),
  // 1: the local stack signs with the legacy HS256 secret and takes the JWT-shaped anon/service_role keys.
  LEGACY_JWT: z.enum(["0", "1", ""]).default("0").transform((v) => v === "1"),
});

/** Ports and overrides for the dev stack, from the environment (and .env when present). */
export function readDevConfig() {
  const envFile = path.join(PROJECT_DIR, ".env");
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const parsed = devEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  return parsed.data;
}

/**
 * The environment `npm run dev` gives the app: its local stack's addresses (the stack's keys are the
 * well-known local ones) and a development session secret. Scripts run beside `npm run dev` without
 * a .env (`npm run digest`) use it too.
 */
export function devAppEnv(config = readDevConfig()) {
  const api = `http://127.0.0.1:${config.API_PORT}`;
  return {
    APP_URL: `http://localhost:${config.PORT}`,
    SESSION_SECRET: "local-dev-session-secret-not-for-production-use",
    SUPABASE_URL: api,
    SUPABASE_PUBLISHABLE_KEY: LOCAL_PUBLISHABLE_KEY,
    SUPABASE_SECRET_KEY: LOCAL_SECRET_KEY,
    MAILBOX_URL: `${api}/mailbox/v1`,
  };
}
