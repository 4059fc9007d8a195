import { mkdtemp, rm } from "node:fs/promises";
import webpush from "web-push";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../supabase/local/net";
import { startStack } from "../../supabase/local/stack";

// Starts the whole local stack once per test project, on free ports with a fresh database, so that
// tests never touch a running dev stack. With SUPABASE_URL already set, that project is used instead.
// Values reach the test workers through process.env, which they inherit.
// LEGACY_JWT=1 starts the stack in legacy mode (HS256 secret, JWT-shaped keys, handed to the app as a
// project that has not moved would have them); .ci/run runs part of the suite so.

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
    legacyJwt: process.env.LEGACY_JWT === "1",
    log: process.env.DEBUG_STACK ? console.log : undefined,
  });

  Object.assign(process.env, {
    SUPABASE_URL: stack.url,
    SUPABASE_PUBLISHABLE_KEY: stack.legacy?.anonKey ?? stack.publishableKey,
    SUPABASE_SECRET_KEY: stack.legacy?.serviceRoleKey ?? stack.secretKey,
    // The project's private signing key, for tests that make tokens as the project would (never the app's).
    SUPABASE_LOCAL_SIGNING_KEY: JSON.stringify(stack.signingKey),
    DATABASE_URL: stack.databaseUrl,
    MAILBOX_URL: stack.mailboxUrl,
    APP_URL: appUrl,
    PORT: String(appPort),
    SESSION_SECRET: "test-session-secret-at-least-32-characters",
    RESEND_API_KEY: "",
    ...vapidEnv(),
  });

  return async () => {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
    delete process.env.SUPABASE_URL;
  };
}

function vapidEnv() {
  const keys = webpush.generateVAPIDKeys();
  return { VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:tests@circle.test" };
}
