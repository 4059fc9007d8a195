import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startAuthService, type AuthServiceOptions } from "../../supabase/local/auth/server";
import { readProjectConfig } from "../../supabase/local/config";
import { dataFolderSigningKey } from "../../supabase/local/keys";
import { freePort } from "../../supabase/local/net";
import { startStack } from "../../supabase/local/stack";

// The infrastructure the auth-js tests expect, built from the local stack. Upstream runs them against
// `supabase start` with its test/supabase/config.toml, and the docker-tests against four GoTrue
// containers (infra/docker-compose.yml). Here: the whole local stack with this project's config.toml
// changed only where upstream's test config differs in a setting we model (confirmations off, its
// site_url and redirect URLs), and four more local auth services on the same database with the
// compose file's settings, reached directly as the containers are. LEGACY_JWT=1: the stack in legacy
// mode (HS256 secret), as the test suite's setup does.

const DOCKER_JWT_SECRET = "37c304f8-51aa-419a-a1af-06154e63707a";

export default async function setup() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "authjs-test-"));
  const project = readProjectConfig();
  const stack = await startStack({
    dataDir: path.join(dataDir, "db"),
    ports: { db: 0, gateway: 0 },
    siteUrl: "http://127.0.0.1:3000",
    seedNewDatabase: false,
    rateLimits: false, // upstream's test config raises them; every request here comes from 127.0.0.1
    config: {
      ...project,
      auth: {
        ...project.auth,
        site_url: "http://127.0.0.1:3000",
        additional_redirect_urls: ["https://127.0.0.1:3000", "http://localhost:5173"],
        email: { ...project.auth.email, enable_confirmations: false, double_confirm_changes: true, secure_password_change: false },
      },
    },
    legacyJwt: process.env.LEGACY_JWT === "1",
    log: process.env.DEBUG_STACK ? console.log : undefined,
  });
  const stops = [stack.stop];
  const teardown = async () => {
    for (const stop of stops) await stop().catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  };
  // One GoTrue container of upstream's compose file.
  const gotrue = async (opts: Partial<AuthServiceOptions>) => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const service = await startAuthService({
      port,
      databaseUrl: stack.databaseUrl,
      signingKey: { alg: "HS256", secret: DOCKER_JWT_SECRET },
      siteUrl: url,
      externalUrl: url,
      sendEmail: async () => {},
      ...opts,
    });
    stops.unshift(service.stop);
    return url;
  };

  try {
    // The docker tests' asymmetric service signs with an asymmetric key in legacy mode too.
    const asymmetricDir = path.join(dataDir, "asymmetric");
    if (stack.legacy) await mkdir(asymmetricDir);
    const asymmetricKey = stack.legacy ? await dataFolderSigningKey(asymmetricDir) : stack.signingKey;
    Object.assign(process.env, {
      AUTHJS_SUPABASE_URL: stack.url,
      AUTHJS_PUBLISHABLE_KEY: stack.publishableKey,
      AUTHJS_SECRET_KEY: stack.secretKey,
      AUTHJS_SIGNING_KEY: JSON.stringify(stack.signingKey),
      AUTHJS_GOTRUE_AUTO_CONFIRM_OFF: await gotrue({
        enableConfirmations: true,
        redirectAllowList: ["https://supabase.io/docs"],
        phoneAutoconfirm: false,
        externalProviders: { google: true },
      }),
      AUTHJS_GOTRUE_AUTO_CONFIRM_ON: await gotrue({ enableConfirmations: false }),
      AUTHJS_GOTRUE_SIGNUP_DISABLED: await gotrue({ enableSignup: false, enableEmailSignup: false, enableConfirmations: true }),
      AUTHJS_GOTRUE_ASYMMETRIC: await gotrue({ enableConfirmations: false, signingKey: asymmetricKey }),
    });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
