import { rm } from "node:fs/promises";
import { DEV_DATA_DIR, readDevConfig } from "./config";
import { PortInUseError, startStack } from "./stack";

// `npm run db:start`: the local stack in the foreground until Ctrl-C.
// `npm run db:reset`: a fresh dev database with every migration and the demo seed.

async function main(command: string | undefined) {
  const config = readDevConfig();
  if (command === "reset") await rm(DEV_DATA_DIR, { recursive: true, force: true });
  else if (command !== "start") throw new Error("usage: cli.ts start|reset");

  const stack = await startStack({
    dataDir: DEV_DATA_DIR,
    ports: { db: config.DB_PORT, gateway: config.API_PORT },
    siteUrl: `http://localhost:${config.PORT}`,
    seedNewDatabase: true,
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
