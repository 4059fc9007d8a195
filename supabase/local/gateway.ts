import { timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { Mailbox } from "./mailbox";

// One port in front of the services, like the Kong gateway of `supabase start`: /rest/v1 to PostgREST,
// /auth/v1 to the auth service, both behind the `apikey` check; /mailbox/v1 is the local mailbox, which
// holds every sign-in link and invitation, so it answers only to the service key (like the admin API).

const OPEN_AUTH_PATHS = new Set(["/verify", "/callback", "/authorize", "/health", "/.well-known/jwks.json"]);

/** A JWT, or a function that gives the current one (role tokens minted with the signing key, renewed before they expire). */
export type RoleJwt = string | (() => Promise<string>);

export interface GatewayOptions {
  port: number;
  restPort: number;
  authPort: number;
  /**
   * Each accepted apikey and the JWT sent on for it when the request carries no user token: a legacy
   * JWT key stands for itself; a publishable or secret key for an anon or service_role JWT signed with
   * the project's key, as Supabase's gateway swaps them (PostgREST and auth only understand JWTs).
   */
  apiKeys: Map<string, RoleJwt>;
  /** The only keys the mailbox API accepts (apikey header or Authorization: Bearer). */
  serviceKeys: string[];
  mailbox: Mailbox;
  /** The address to listen on; 127.0.0.1 unless told otherwise. */
  host?: string;
}

function json(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function cors(req: http.IncomingMessage, res: http.ServerResponse) {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader(
    "access-control-allow-headers",
    req.headers["access-control-request-headers"] ?? "authorization, x-client-info, apikey, content-type",
  );
  res.setHeader("access-control-allow-methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
}

function proxy(req: http.IncomingMessage, res: http.ServerResponse, port: number, path: string, gatewayPort: number) {
  const headers = { ...req.headers };
  headers["x-forwarded-host"] = req.headers.host ?? `127.0.0.1:${gatewayPort}`;
  headers["x-forwarded-proto"] = "http";
  headers["x-forwarded-prefix"] = req.url!.slice(0, req.url!.indexOf(path));
  // Replaced, not appended to: Auth's rate limits count per first address, which a client must not choose.
  headers["x-forwarded-for"] = req.socket.remoteAddress ?? "";
  const upstream = http.request(
    { host: "127.0.0.1", port, method: req.method, path, headers },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on("error", () => {
    if (!res.headersSent) json(res, 502, { message: "An invalid response was received from the upstream server" });
    else res.destroy();
  });
  req.pipe(upstream);
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
}

function sameSecret(given: string | undefined, expected: string) {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function hasServiceKey(req: http.IncomingMessage, serviceKeys: string[]) {
  const apikey = req.headers.apikey;
  const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? "")?.[1];
  return serviceKeys.some(
    (key) => sameSecret(typeof apikey === "string" ? apikey : undefined, key) || sameSecret(bearer, key),
  );
}

async function handleMailbox(req: http.IncomingMessage, res: http.ServerResponse, url: URL, opts: GatewayOptions) {
  if (!hasServiceKey(req, opts.serviceKeys)) {
    return json(res, 401, { message: "The mailbox needs the service key (apikey or Authorization: Bearer)" });
  }
  const { mailbox } = opts;
  if (url.pathname !== "/mailbox/v1/messages") return json(res, 404, { message: "no route" });
  try {
    if (req.method === "GET") {
      const limit = Math.min(Number(url.searchParams.get("limit") ?? 100) || 100, 1000);
      const messages = await mailbox.list({ to: url.searchParams.get("to") ?? undefined, limit });
      return json(res, 200, { messages });
    }
    if (req.method === "POST") return json(res, 201, { id: await mailbox.deliver((await readJson(req)) as never) });
    if (req.method === "DELETE") {
      await mailbox.clear();
      res.writeHead(204);
      return res.end();
    }
    return json(res, 405, { message: "method not allowed" });
  } catch (error) {
    return json(res, 400, { message: (error as Error).message });
  }
}

export function startGateway(opts: GatewayOptions): Promise<{ port: number; address: string; stop(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://gateway");
    cors(req, res);
    if (req.method === "OPTIONS") {
      res.writeHead(200);
      return res.end();
    }
    if (url.pathname.startsWith("/mailbox/v1/")) return void handleMailbox(req, res, url, opts);

    const service = /^\/(rest|auth)\/v1(\/.*)?$/.exec(url.pathname);
    if (!service) return json(res, 404, { message: "no Route matched with those values" });
    const [, name, rest = "/"] = service;
    const upstreamPath = rest + url.search;

    if (!(name === "auth" && OPEN_AUTH_PATHS.has(rest))) {
      const apikey = (req.headers.apikey as string | undefined) ?? url.searchParams.get("apikey");
      if (!apikey) return json(res, 401, { message: "No API key found in request" });
      const roleJwt = opts.apiKeys.get(apikey);
      if (roleJwt === undefined) {
        return json(res, 401, { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." });
      }
      // supabase-js sends the key itself as the bearer when no one is signed in.
      const bearer = req.headers.authorization;
      if (!bearer || bearer === `Bearer ${apikey}`) {
        try {
          req.headers.authorization = `Bearer ${typeof roleJwt === "string" ? roleJwt : await roleJwt()}`;
        } catch {
          return json(res, 500, { message: "An unexpected error occurred" });
        }
      }
    }
    proxy(req, res, name === "rest" ? opts.restPort : opts.authPort, upstreamPath, opts.port);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "127.0.0.1", () => {
      const { port, address } = server.address() as { port: number; address: string };
      resolve({
        port,
        address,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
