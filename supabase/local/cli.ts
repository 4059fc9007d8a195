import { rm } from "node:fs/promises";
import path from "node:path";
import { DEV_DATA_DIR, devSiteUrl, readDevConfig } from "./config";
import { PortInUseError, startStack } from "./stack";
import { TYPES_FILE, writeTypes } from "./types";

// `npm run db:start`: the local stack in the foreground until Ctrl-C.
// `npm run db:reset`: a fresh dev database with every migration and the demo seed.
// `npm run db:types [-- --check]`: app/database.types.ts from the migrations (or whether it is current).

async function main(command: string | undefined) {
  if (command === "types") {
    const check = process.argv.includes("--check");
    const file = path.relative(process.cwd(), TYPES_FILE);
    if (await writeTypes({ check })) return console.log(check ? `${file} is current.` : `Wrote ${file}.`);
    console.error(`${file} is stale: run npm run db:types and commit it.`);
    process.exit(1);
  }
  const config = readDevConfig();
  if (command === "reset") await rm(DEV_DATA_DIR, { recursive: true, force: true });
  else if (command !== "start") throw new Error("usage: cli.ts start|reset|types [--check]");

  const stack = await startStack({
    dataDir: DEV_DATA_DIR,
    ports: { db: config.DB_PORT, gateway: config.API_PORT },
    siteUrl: devSiteUrl(config),
    seedNewDatabase: true,
    legacyJwt: config.LEGACY_JWT,
    host: config.HOST,
  });
  console.log(`Applied ${stack.appliedMigrations.length} migration(s)${stack.seeded ? " and the demo seed" : ""}.`);
  if (command === "reset") return stack.stop();

  console.log(`API:      ${stack.url}\nDatabase: ${stack.databaseUrl}\nMailbox:  ${stack.mailboxUrl}/messages (with the service key)`);
  console.log("Press Ctrl-C to stop.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await stack.stop();
}

main(process.argv[2]).catch((error) => {
  console.error(error instanceof PortInUseError ? error.message : error);
  process.exit(1);
});
