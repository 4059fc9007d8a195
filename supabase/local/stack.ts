import { existsSync } from "node:fs";
import { startAuthService } from "./auth/server";
import { readProjectConfig, type ProjectConfig } from "./config";
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
import { bootstrap, migrate } from "./migrate";
import { freePort, isPortFree } from "./net";
import { startPostgres } from "./postgres";
import { startPostgrest } from "./postgrest";

export interface StackOptions {
  /** Where Postgres keeps its data; created on first start, reused after. */
  dataDir: string;
  /** Fixed ports (dev) or 0 for any free port (tests). */
  ports: { db: number; gateway: number };
  /** The app's URL, where emailed links point: config.toml's site_url unless given (tests run the app on a free port). */
  siteUrl?: string;
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
  /** supabase/config.toml, read once by the caller or here. */
  config?: ProjectConfig;
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
  const { api: apiConfig, auth: authConfig, emailTemplates } = opts.config ?? readProjectConfig();
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
      api: apiConfig,
      log,
    });
    stops.push(rest.stop);

    const auth = await startAuthService({
      port: 0,
      databaseUrl: postgres.url,
      signingKey,
      refreshTokenReuseIntervalSeconds: authConfig.refresh_token_reuse_interval,
      siteUrl: opts.siteUrl ?? authConfig.site_url,
      externalUrl: `http://127.0.0.1:${gatewayPort}/auth/v1`,
      redirectAllowList: authConfig.additional_redirect_urls,
      accessTokenTtlSeconds: authConfig.jwt_expiry,
      enableSignup: authConfig.enable_signup,
      enableEmailSignup: authConfig.email.enable_signup,
      enableConfirmations: authConfig.email.enable_confirmations,
      securePasswordChange: authConfig.email.secure_password_change,
      doubleConfirmChanges: authConfig.email.double_confirm_changes,
      phoneAutoconfirm: !authConfig.sms.enable_confirmations,
      externalProviders: Object.fromEntries(Object.entries(authConfig.external).map(([name, p]) => [name, p.enabled])),
      emailTemplates,
      rateLimits: opts.rateLimits === false ? undefined : authConfig.rate_limit,
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
