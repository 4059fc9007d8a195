import net from "node:net";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { startGateway } from "../../supabase/local/gateway";
import { LOCAL_ANON_KEY } from "../../supabase/local/keys";
import type { Mailbox } from "../../supabase/local/mailbox";
import { rawRequest, startAppServer, type AppServer } from "../helpers/app-server";
import { listEmails } from "../helpers/mailbox";
import { appUrl, context, run } from "../helpers/routes";

// Issue 10 item 8: the local mailbox holds every sign-in link and invitation. Its API answers only to
// the service key, its page exists only on the local stack (LOCAL_STACK), and the dev servers listen on
// loopback unless told otherwise.

const gateway = () => new URL(process.env.SUPABASE_URL!);
const mailboxPath = () => `${new URL(process.env.MAILBOX_URL!).pathname}/messages`;
const serviceKey = () => process.env.SUPABASE_SECRET_KEY!;

function mailboxRequest(method: string, path: string, headers: string[] = [], body = "") {
  const head = [`${method} ${path} HTTP/1.1`, `Host: ${gateway().host}`, ...headers].join("\r\n");
  return rawRequest(Number(gateway().port), head, body);
}

/** The machine's first non-loopback IPv4 address: where another device on the network would connect. */
function networkAddress(): string | undefined {
  return Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === "IPv4" && !a.internal)?.address;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(2_000, () => (socket.destroy(), resolve(false)));
    socket.once("connect", () => (socket.destroy(), resolve(true)));
    socket.once("error", () => resolve(false));
  });
}

describe("the mailbox API needs the service key", () => {
  const to = `mailbox-key-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const email = JSON.stringify({ to, subject: "Sign in", text: "http://localhost/auth/confirm?token_hash=secret" });

  test("reading without a key, with a wrong key or with the anon key is 401", async () => {
    const reads: string[][] = [
      [],
      ["apikey: wrong-key"],
      ["Authorization: Bearer wrong-key"],
      [`apikey: ${process.env.SUPABASE_PUBLISHABLE_KEY}`],
      [`Authorization: Bearer ${process.env.SUPABASE_PUBLISHABLE_KEY}`],
      [`apikey: ${LOCAL_ANON_KEY}`],
      [`apikey: ${serviceKey()}x`],
    ];
    for (const headers of reads) {
      const res = await mailboxRequest("GET", mailboxPath(), headers);
      expect(res.status, headers.join() || "no key").toBe(401);
      expect(res.body).not.toContain("messages");
    }
  });

  test("delivering or emptying without the service key is 401 and changes nothing", async () => {
    const post = await mailboxRequest("POST", mailboxPath(), ["Content-Type: application/json"], email);
    expect(post.status).toBe(401);
    const remove = await mailboxRequest("DELETE", mailboxPath(), [`apikey: ${process.env.SUPABASE_PUBLISHABLE_KEY}`]);
    expect(remove.status).toBe(401);
    expect(await listEmails(to)).toEqual([]);
  });

  test("the service key, as apikey or as a bearer token, reads and delivers", async () => {
    const post = await mailboxRequest(
      "POST",
      mailboxPath(),
      ["Content-Type: application/json", `Authorization: Bearer ${serviceKey()}`],
      email,
    );
    expect(post.status).toBe(201);
    const read = await mailboxRequest("GET", `${mailboxPath()}?to=${encodeURIComponent(to)}`, [`apikey: ${serviceKey()}`]);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body).messages).toMatchObject([{ to: [to], subject: "Sign in" }]);
  });
});

describe("the /dev/mailbox page exists only on the local stack (LOCAL_STACK)", () => {
  async function mailboxPage(localStack: string | undefined) {
    vi.resetModules();
    const previous = process.env.LOCAL_STACK;
    if (localStack === undefined) delete process.env.LOCAL_STACK;
    else process.env.LOCAL_STACK = localStack;
    try {
      const route = await import("~/routes/dev.mailbox");
      return await run(route.loader, new Request(`${appUrl()}/dev/mailbox`), {}, context());
    } finally {
      if (previous === undefined) delete process.env.LOCAL_STACK;
      else process.env.LOCAL_STACK = previous;
      vi.resetModules();
    }
  }

  test("without the setting it answers 404, whatever NODE_ENV", async () => {
    expect(process.env.NODE_ENV).not.toBe("production");
    expect((await mailboxPage(undefined)).status).toBe(404);
    expect((await mailboxPage("0")).status).toBe(404);
  });

  test("with LOCAL_STACK=1 it lists the mailbox", async () => {
    const page = await mailboxPage("1");
    expect(page.status).toBe(200);
    expect(Array.isArray(page.data.messages)).toBe(true);
  });

  test("LOCAL_STACK against a project that is not local stops the app at start", async () => {
    const { parseEnv } = await import("~/env.server");
    expect(() => parseEnv({ ...process.env, LOCAL_STACK: "1", SUPABASE_URL: "https://abc.supabase.co" })).toThrow(
      /LOCAL_STACK: is set, but SUPABASE_URL is not a local stack/,
    );
  });
});

describe("the dev servers listen on 127.0.0.1 unless told otherwise", () => {
  let app: AppServer;
  beforeAll(async () => {
    app = await startAppServer();
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  test("the gateway listens on 127.0.0.1 by default and on HOST when given", async () => {
    const mailbox = {} as Mailbox;
    const options = { port: 0, restPort: 1, authPort: 1, apiKeys: new Map(), serviceKeys: ["k"], mailbox };
    const loopback = await startGateway(options);
    const everywhere = await startGateway({ ...options, host: "0.0.0.0" });
    try {
      expect(loopback.address).toBe("127.0.0.1");
      expect(everywhere.address).toBe("0.0.0.0");
    } finally {
      await Promise.all([loopback.stop(), everywhere.stop()]);
    }
    expect(gateway().hostname).toBe("127.0.0.1");
  });

  test("the test stack's gateway and the app server cannot be reached from the network", async () => {
    const outside = networkAddress();
    expect(await connects("127.0.0.1", Number(gateway().port))).toBe(true);
    expect(await connects("127.0.0.1", app.port)).toBe(true);
    // A machine with only a loopback interface has no network to be reached from.
    if (outside) {
      expect(await connects(outside, Number(gateway().port))).toBe(false);
      expect(await connects(outside, app.port)).toBe(false);
    }
    // The app server, without LOCAL_STACK, has no mailbox page over HTTP either.
    const page = await rawRequest(app.port, `GET /dev/mailbox HTTP/1.1\r\nHost: localhost:${app.port}`);
    expect(page.status).toBe(404);
  });
});
