import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import webpush from "web-push";
import { DEMO_PASSWORD, DEV_DATA_DIR, devAppEnv, PROJECT_DIR, readDevConfig } from "./config";
import { isPortFree } from "./net";
import { PortInUseError, startStack, type RunningStack } from "./stack";

// `npm run dev`: the local Supabase stack (unless SUPABASE_URL points elsewhere) and the app server.

async function demoSignIns(databaseUrl: string): Promise<string[]> {
  const client = new pg.Client(databaseUrl);
  await client.connect();
  try {
    const { rows } = await client.query<{ email: string; who: string }>(
      `select u.email, coalesce(u.raw_user_meta_data->>'demo_role', '') as who
         from auth.users u where u.email like '%@demo.test' order by u.created_at, u.email`,
    );
    return rows.map((r) => `  ${r.email.padEnd(28)} ${r.who}`);
  } finally {
    await client.end();
  }
}

/** Development VAPID keys for Web Push: made once, kept in .local/vapid.json (git-ignored). */
function devVapidKeys(): { publicKey: string; privateKey: string } {
  const file = path.join(PROJECT_DIR, ".local", "vapid.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as { publicKey: string; privateKey: string };
  const keys = webpush.generateVAPIDKeys();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  return keys;
}

async function main() {
  const config = readDevConfig();
  if (!(await isPortFree(config.PORT))) {
    throw new PortInUseError(`Port ${config.PORT} (app) is already in use. Stop what uses it, or set PORT=<port>.`);
  }
  const local = devAppEnv(config);
  let stack: RunningStack | null = null;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    PORT: String(config.PORT),
    HOST: config.HOST,
  };
  env.APP_URL ??= local.APP_URL;
  env.SESSION_SECRET ??= local.SESSION_SECRET;
  if (!env.VAPID_PUBLIC_KEY && !env.VAPID_PRIVATE_KEY) {
    const vapid = devVapidKeys();
    env.VAPID_PUBLIC_KEY = vapid.publicKey;
    env.VAPID_PRIVATE_KEY = vapid.privateKey;
    env.VAPID_SUBJECT ??= "mailto:circle@localhost.test";
  }

  if (config.SUPABASE_URL) {
    console.log(`Using the Supabase project at ${config.SUPABASE_URL} (SUPABASE_URL is set).`);
  } else {
    console.log("Starting the local Supabase stack…");
    stack = await startStack({
      dataDir: DEV_DATA_DIR,
      ports: { db: config.DB_PORT, gateway: config.API_PORT },
      siteUrl: env.APP_URL,
      seedNewDatabase: true,
      legacyJwt: config.LEGACY_JWT,
      host: config.HOST,
      log: process.env.DEBUG_STACK ? console.log : undefined,
    });
    Object.assign(env, {
      SUPABASE_URL: stack.url,
      SUPABASE_PUBLISHABLE_KEY: stack.publishableKey,
      SUPABASE_SECRET_KEY: stack.secretKey,
      MAILBOX_URL: stack.mailboxUrl,
      // Only on the local stack does the app show its mailbox page (/dev/mailbox).
      LOCAL_STACK: "1",
    });
  }

  const app = spawn(process.execPath, [path.join(PROJECT_DIR, "node_modules/tsx/dist/cli.mjs"), "server.ts"], {
    cwd: PROJECT_DIR,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    app.kill("SIGTERM");
    await stack?.stop();
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  app.on("exit", (code) => void shutdown(code ?? 1));

  if (stack) {
    const people = await demoSignIns(stack.databaseUrl);
    console.log(`
  App:      ${env.APP_URL}
  Mailbox:  ${env.APP_URL}/dev/mailbox
  API:      ${stack.url}   (SUPABASE_URL)
  Publishable key: ${stack.publishableKey}
  Secret key:      ${stack.secretKey}   (server only)
  VAPID public key: ${env.VAPID_PUBLIC_KEY ?? "(push off)"}   (Web Push; private key in .local/vapid.json)
  Database: ${stack.databaseUrl}
${people.length ? `\n  Demo sign-ins (password: ${DEMO_PASSWORD}):\n${people.join("\n")}\n` : ""}
  Ctrl-C stops everything.`);
  }
}

main().catch((error) => {
  console.error(error instanceof PortInUseError ? error.message : error);
  process.exit(1);
});
