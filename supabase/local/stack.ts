import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { readRateLimits } from "./auth/rate-limit";
import { startAuthService } from "./auth/server";
import { startGateway, type RoleJwt } from "./gateway";
import {
  dataFolderSigningKey,
  LEGACY_SIGNING_KEY,
  LOCAL_ANON_KEY,
  LOCAL_AUTHENTICATOR_PASSWORD,
  LOCAL_JWT_SECRET,
  LOCAL_PUBLISHABLE_KEY,
  LOCAL_SECRET_KEY,
  LOCAL_SERVICE_ROLE_KEY,
  publicJwks,
  signJwt,
  type SigningKey,
} from "./keys";
import { createMailbox } from "./mailbox";
import { bootstrap, migrate, SUPABASE_DIR } from "./migrate";
import { freePort, isPortFree } from "./net";
import { startPostgres } from "./postgres";
import { startPostgrest } from "./postgrest";

export interface StackOptions {
  /** Where Postgres keeps its data; created on first start, reused after. */
  dataDir: string;
  /** Fixed ports (dev) or 0 for any free port (tests). */
  ports: { db: number; gateway: number };
  /** The app's URL: where emailed links point. */
  siteUrl: string;
  /** Load the seed (config.toml's [db.seed], supabase/seed.sql) when the database is created. */
  seedNewDatabase: boolean;
  /** Apply [auth.rate_limit] of config.toml (default). The test suite turns them off: all of it comes from one address. */
  rateLimits?: boolean;
  /**
   * Legacy mode (LEGACY_JWT=1): the HS256 JWT secret and the JWT-shaped anon and service_role keys of
   * a project that has not moved to signing keys. By default an ES256 key of the data folder signs.
   */
  legacyJwt?: boolean;
  /** Where the gateway listens: 127.0.0.1 unless told otherwise (HOST). The other services always do. */
  host?: string;
  log?: (line: string) => void;
}

export interface RunningStack {
  url: string;
  /** sb_publishable_...: acts as anon. */
  publishableKey: string;
  /** sb_secret_...: acts as service_role. */
  secretKey: string;
  /** What signs access tokens (the private key: for tests and benchmarks that make tokens). */
  signingKey: SigningKey;
  /** Legacy mode only: the JWT secret and the anon and service_role JWT keys, accepted beside the API keys. */
  legacy: { jwtSecret: string; anonKey: string; serviceRoleKey: string } | null;
  databaseUrl: string;
  mailboxUrl: string;
  appliedMigrations: string[];
  seeded: boolean;
  stop(): Promise<void>;
}

export class PortInUseError extends Error {}

async function portOrFree(port: number, name: string, envVar: string): Promise<number> {
  if (port === 0) return freePort();
  if (!(await isPortFree(port))) {
    throw new PortInUseError(
      `Port ${port} (${name}) is already in use. Is another local stack running? ` +
        `Stop it, or choose another port with ${envVar}=<port>.`,
    );
  }
  return port;
}

// Until config.toml is read through one TOML parser (supabase/local/config.ts), the [auth.email]
// switches and the confirmation subject are read here.
function emailConfirmation(): {
  enableConfirmations: boolean;
  confirmationSubject?: string;
  securePasswordChange: boolean;
  doubleConfirmChanges: boolean;
} {
  const toml = readFileSync(path.join(SUPABASE_DIR, "config.toml"), "utf8");
  const section = (name: string) => {
    const start = toml.indexOf(`\n[${name}]\n`);
    if (start < 0) return "";
    const body = toml.slice(start + name.length + 4);
    const next = body.search(/^\[/m);
    return next < 0 ? body : body.slice(0, next);
  };
  const flag = (name: string) =>
    new RegExp(`^${name}\\s*=\\s*(true|false)\\s*(#.*)?$`, "m").exec(section("auth.email"))?.[1] === "true";
  const subject = /^subject\s*=\s*"([^"\\]*)"/m.exec(section("auth.email.template.confirmation"))?.[1];
  return {
    enableConfirmations: flag("enable_confirmations"),
    confirmationSubject: subject,
    securePasswordChange: flag("secure_password_change"),
    doubleConfirmChanges: flag("double_confirm_changes"),
  };
}

// The JWT the gateway sends on for a publishable or secret key, as Supabase's gateway mints one with the
// project's signing key; short-lived, renewed well before it expires.
function roleJwt(key: SigningKey, role: "anon" | "service_role"): RoleJwt {
  let current: { token: Promise<string>; renewAt: number } | undefined;
  return () => {
    const now = Math.floor(Date.now() / 1000);
    if (!current || now >= current.renewAt) {
      current = { token: signJwt(key, { iss: "supabase", role, iat: now, exp: now + 3600 }), renewAt: now + 3000 };
    }
    return current.token;
  };
}

// A server listening on every interface is reached on loopback; an IPv6 address needs brackets.
function reachableHost(host = "127.0.0.1") {
  if (host === "0.0.0.0" || host === "::") return "127.0.0.1";
  return host.includes(":") ? `[${host}]` : host;
}

/** Starts Postgres, applies the platform bootstrap and migrations, then PostgREST, auth, mailbox and gateway. */
export async function startStack(opts: StackOptions): Promise<RunningStack> {
  const log = opts.log ?? (() => {});
  const dbPort = await portOrFree(opts.ports.db, "Postgres", "DB_PORT");
  const gatewayPort = await portOrFree(opts.ports.gateway, "API gateway", "API_PORT");
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((e) => log(`stop: ${(e as Error).message}`));
  };

  try {
    const isNewDatabase = !existsSync(`${opts.dataDir}/PG_VERSION`);
    const postgres = await startPostgres({ dataDir: opts.dataDir, port: dbPort, log });
    stops.push(postgres.stop);

    await bootstrap(postgres.url);
    const seeded = isNewDatabase && opts.seedNewDatabase;
    const appliedMigrations = await migrate(postgres.url, { seed: seeded });

    const signingKey = opts.legacyJwt ? LEGACY_SIGNING_KEY : await dataFolderSigningKey(opts.dataDir);

    const mailbox = createMailbox(postgres.url);
    await mailbox.init();
    stops.push(mailbox.close);

    const rest = await startPostgrest({
      port: await freePort(),
      dbUri: `postgres://authenticator:${LOCAL_AUTHENTICATOR_PASSWORD}@127.0.0.1:${dbPort}/postgres`,
      jwtSecret: opts.legacyJwt ? LOCAL_JWT_SECRET : JSON.stringify(publicJwks(signingKey)),
      log,
    });
    stops.push(rest.stop);

    const auth = await startAuthService({
      port: 0,
      databaseUrl: postgres.url,
      signingKey,
      // [auth] refresh_token_reuse_interval of config.toml; 10 is its value there until config.ts reads it.
      refreshTokenReuseIntervalSeconds: 10,
      siteUrl: opts.siteUrl,
      externalUrl: `http://127.0.0.1:${gatewayPort}/auth/v1`,
      ...emailConfirmation(),
      rateLimits: opts.rateLimits === false ? undefined : readRateLimits(path.join(SUPABASE_DIR, "config.toml")),
      sendEmail: async (email) => void (await mailbox.deliver({ ...email, from: "Supabase Auth <auth@localhost>" })),
    });
    stops.push(auth.stop);

    const gateway = await startGateway({
      port: gatewayPort,
      restPort: rest.port,
      authPort: auth.port,
      apiKeys: new Map<string, RoleJwt>(
        opts.legacyJwt
          ? [
              [LOCAL_PUBLISHABLE_KEY, LOCAL_ANON_KEY],
              [LOCAL_SECRET_KEY, LOCAL_SERVICE_ROLE_KEY],
              [LOCAL_ANON_KEY, LOCAL_ANON_KEY],
              [LOCAL_SERVICE_ROLE_KEY, LOCAL_SERVICE_ROLE_KEY],
            ]
          : [
              [LOCAL_PUBLISHABLE_KEY, roleJwt(signingKey, "anon")],
              [LOCAL_SECRET_KEY, roleJwt(signingKey, "service_role")],
            ],
      ),
      serviceKeys: opts.legacyJwt ? [LOCAL_SECRET_KEY, LOCAL_SERVICE_ROLE_KEY] : [LOCAL_SECRET_KEY],
      mailbox,
      host: opts.host,
    });
    stops.push(gateway.stop);

    const url = `http://${reachableHost(opts.host)}:${gateway.port}`;
    return {
      url,
      publishableKey: LOCAL_PUBLISHABLE_KEY,
      secretKey: LOCAL_SECRET_KEY,
      signingKey,
      legacy: opts.legacyJwt
        ? { jwtSecret: LOCAL_JWT_SECRET, anonKey: LOCAL_ANON_KEY, serviceRoleKey: LOCAL_SERVICE_ROLE_KEY }
        : null,
      databaseUrl: postgres.url,
      mailboxUrl: `${url}/mailbox/v1`,
      appliedMigrations,
      seeded,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
