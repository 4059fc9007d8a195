import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../supabase/local/net";
import { startStack } from "../../supabase/local/stack";

// Starts the whole local stack once per test project, on free ports with a fresh database, so that
// tests never touch a running dev stack. With SUPABASE_URL already set, that project is used instead.
// Values reach the test workers through process.env, which they inherit.

export default async function setup() {
  if (process.env.SUPABASE_URL) return;

  const dataDir = await mkdtemp(path.join(os.tmpdir(), "circle-test-"));
  const appPort = await freePort();
  const appUrl = `http://localhost:${appPort}`;
  const stack = await startStack({
    dataDir: path.join(dataDir, "db"),
    ports: { db: 0, gateway: 0 },
    siteUrl: appUrl,
    seedNewDatabase: false,
    rateLimits: false, // every test signs in from 127.0.0.1; tests/security/rate-limits.test.ts checks them
    log: process.env.DEBUG_STACK ? console.log : undefined,
  });

  Object.assign(process.env, {
    SUPABASE_URL: stack.url,
    SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
    SUPABASE_SECRET_KEY: stack.secretKey,
    // The legacy JWT keys, for the tests of what the gateway still accepts.
    SUPABASE_LEGACY_ANON_KEY: stack.anonKey,
    SUPABASE_LEGACY_SERVICE_ROLE_KEY: stack.serviceRoleKey,
    SUPABASE_JWT_SECRET: stack.jwtSecret,
    DATABASE_URL: stack.databaseUrl,
    MAILBOX_URL: stack.mailboxUrl,
    APP_URL: appUrl,
    PORT: String(appPort),
    SESSION_SECRET: "test-session-secret-at-least-32-characters",
    RESEND_API_KEY: "",
  });

  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
    delete process.env.SUPABASE_URL;
  };
}
