import { existsSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
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
  SUPABASE_URL: z.string().url().optional(),
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
