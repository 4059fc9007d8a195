/**
 * The app's HTTP server (Remix custom-server pattern): `tsx server.ts`.
 * Development: Vite runs as middleware (HMR on this same port). Production (NODE_ENV=production):
 * serves build/client and build/server/index.js after `npm run build`.
 */
import { existsSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express, { type Request } from "express";
import type { ServerBuild } from "@remix-run/node";
import type { ViteDevServer } from "vite";
import { getEnv } from "./app/env.server";
import { createLoadContext } from "./app/load-context";
import { checkRequest, createNonce, isOriginCheckExempt, routedPath, securityHeaders } from "./app/security.server";

const here = path.dirname(fileURLToPath(import.meta.url));
if (existsSync(path.join(here, ".env"))) process.loadEnvFile(path.join(here, ".env"));

const production = process.env.NODE_ENV === "production";
let vite: ViteDevServer | undefined;
// Fail at start, naming every missing or wrong variable, rather than on the first request.
const env = (() => {
  try {
    return getEnv();
  } catch (error) {
    return fail((error as Error).message);
  }
})();
const port = Number(process.env.PORT ?? 3000);

const app = express();
// Text answers go out brotli- or gzip-compressed. A stream of events must reach the browser as each
// is written, so it is left as it is.
app.use(
  compression({
    filter: (req, res) =>
      !String(res.getHeader("Content-Type") ?? "").startsWith("text/event-stream") && compression.filter(req, res),
  }),
);
const httpServer = http.createServer(app);
app.disable("x-powered-by");

app.use((req, res, next) => {
  const started = Date.now();
  res.on("finish", () => {
    if (req.path.startsWith("/@") || req.path.startsWith("/node_modules/")) return;
    console.info(`${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`);
  });
  next();
});

app.use((req, res, next) => {
  const nonce = createNonce();
  res.locals.cspNonce = nonce;
  for (const [name, value] of Object.entries(
    securityHeaders({ nonce, dev: !production, appUrl: env.APP_URL }),
  )) {
    res.setHeader(name, value);
  }

  const routed = routedPath(req.originalUrl, header(req, "host"));
  if (routed === null) {
    res.statusCode = 400;
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end("This address is not in a form this site accepts.");
    return;
  }
  const check = checkRequest({
    method: req.method,
    path: routed,
    origin: header(req, "origin"),
    referer: header(req, "referer"),
    appUrl: env.APP_URL,
    dev: !production,
  });
  if (!check.ok) {
    res.statusCode = check.status;
    for (const [name, value] of Object.entries(check.headers ?? {})) res.setHeader(name, value);
    res.setHeader("Content-Type", "text/plain; charset=utf-8");
    res.end(check.message);
    return;
  }
  // Remix's own CSRF check answers 500 to any Origin but ours; on these routes a token or secret is
  // the authority and mail providers send their own Origin (or `null`), so it is not passed on.
  if (isOriginCheckExempt(routed)) delete req.headers.origin;
  next();
});

let build: ServerBuild | (() => Promise<ServerBuild>);
if (production) {
  const buildPath = path.join(here, "build/server/index.js");
  if (!existsSync(buildPath)) fail(`No build at ${buildPath}. Run \`npm run build\` first.`);
  build = (await import(pathToFileURL(buildPath).href)) as ServerBuild;
  // Fingerprinted by Vite, so they can be cached for good.
  app.use(
    "/assets",
    express.static(path.join(here, "build/client/assets"), { immutable: true, maxAge: "1y" }),
  );
  app.use(express.static(path.join(here, "build/client"), { maxAge: "1h", index: false }));
} else {
  const { createServer } = await import("vite");
  vite = await createServer({
    server: { middlewareMode: true, hmr: { server: httpServer } },
  });
  app.use(vite.middlewares);
  const devServer = vite;
  build = () => devServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
}

if (process.env.MOCKS === "true") {
  // Third-party APIs (Resend) answered by msw, for working offline with a fake RESEND_API_KEY.
  const { server } = await import("./tests/mocks/index");
  server.listen({ onUnhandledRequest: "bypass" });
  console.info("msw: mocking third-party APIs");
}

app.all(
  "*",
  createRequestHandler({
    build,
    mode: production ? "production" : "development",
    getLoadContext: (req, res) =>
      createLoadContext({
        cspNonce: String(res.locals.cspNonce),
        clientIp: req.ip ?? req.socket.remoteAddress ?? "unknown",
      }),
  }),
);

httpServer.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EADDRINUSE") {
    fail(`Port ${port} is already in use. Stop the other server or start with PORT=<free port>.`);
  }
  fail(`Server error: ${error.message}`);
});

// Development listens on loopback only unless HOST says otherwise; production on every interface.
const host = env.HOST ?? (production ? undefined : "127.0.0.1");
httpServer.listen(port, host, () => {
  console.info(`Circle is listening on ${host ?? "every interface"}, port ${port} (APP_URL ${env.APP_URL})`);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void vite?.close();
    httpServer.close(() => process.exit(0));
    // Keep-alive sockets can hold close() open; don't hang on them.
    setTimeout(() => process.exit(0), 2000).unref();
  });
}

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function fail(message: string): never {
  console.error(message);
  void vite?.close();
  process.exit(1);
}
