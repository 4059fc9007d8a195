import http from "node:http";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startAppServer, type AppServer } from "../helpers/app-server";
import { newCircle } from "../helpers/routes";
import { closeSql, env } from "../helpers/supabase";

// One page is one HTTP request, but Remix runs several loaders for it (root, the circle frame, the
// page) and hands each its own Request. What they all need, the session and the circle, is worked
// out once per request and shared through the load context. The app server here talks to Supabase
// through a recording proxy, so the test sees every backend request a page costs.

let server: AppServer;
let proxy: http.Server;
let owner: Awaited<ReturnType<typeof newCircle>>;
const backend: string[] = [];

beforeAll(async () => {
  const upstream = new URL(env("SUPABASE_URL"));
  proxy = http.createServer((req, res) => {
    backend.push(`${req.method} ${req.url}`);
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  [server, owner] = await Promise.all([startAppServer({ SUPABASE_URL: proxyUrl }), newCircle("Maria")]);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await new Promise((resolve) => proxy?.close(resolve));
  await closeSql();
});

async function backendRequestsFor(path: string) {
  await fetch(`${server.origin}${path}`, { headers: { cookie: owner.cookie } }).then((res) => res.text()); // warm up Vite
  backend.length = 0;
  const res = await fetch(`${server.origin}${path}`, { headers: { cookie: owner.cookie } });
  expect(res.status).toBe(200);
  await res.text();
  return [...backend];
}

describe("per request, once", () => {
  test("the calendar page reads the circle once and calls calendar_window once, and asks Auth nothing", async () => {
    const requests = await backendRequestsFor(`/circles/${owner.circleId}/calendar`);
    expect(requests.filter((r) => r.includes("/rest/v1/circles?"))).toHaveLength(1);
    expect(requests.filter((r) => r.includes("/rest/v1/rpc/calendar_window"))).toHaveLength(1);
    expect(requests.filter((r) => r.includes("/auth/v1/"))).toEqual([]);
    expect(requests).toHaveLength(2);
  });

  test("every page of the circle reads the circle once, however many loaders it has", async () => {
    for (const page of ["", "/updates", "/tasks", "/members"]) {
      const requests = await backendRequestsFor(`/circles/${owner.circleId}${page}`);
      expect(requests.filter((r) => r.includes("/rest/v1/circles?")), page || "home").toHaveLength(1);
    }
  });
});

describe("the circle home", () => {
  test("reads the week with one calendar_window call, and what waits for the person in a few requests", async () => {
    const requests = await backendRequestsFor(`/circles/${owner.circleId}`);
    console.log("circle home (the person's), backend requests:", requests.length, requests.map((r) => r.split("?")[0]));
    expect(requests.filter((r) => r.includes("/rest/v1/rpc/calendar_window"))).toHaveLength(1);
    expect(requests.filter((r) => r.includes("/auth/v1/"))).toEqual([]);
    // circle, members, week, latest updates, grants (for the check-in), drafts, offers, notes.
    expect(requests.length).toBeLessThanOrEqual(8);
  });
});

function getWithEncoding(path: string, acceptEncoding: string) {
  return new Promise<{ encoding: string | undefined; bytes: number }>((resolve, reject) => {
    http
      .get(`${server.origin}${path}`, { headers: { "accept-encoding": acceptEncoding, cookie: owner.cookie } }, (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => resolve({ encoding: res.headers["content-encoding"], bytes }));
      })
      .on("error", reject);
  });
}

describe("compressed answers", () => {
  test("pages go out brotli-compressed to a browser that takes it, gzip to one that takes only gzip", async () => {
    const page = `/circles/${owner.circleId}/calendar`;
    const plain = await getWithEncoding(page, "identity");
    const br = await getWithEncoding(page, "gzip, deflate, br");
    const gzip = await getWithEncoding(page, "gzip");
    expect(plain.encoding).toBeUndefined();
    expect(br.encoding).toBe("br");
    expect(gzip.encoding).toBe("gzip");
    expect(br.bytes).toBeLessThan(plain.bytes / 3);
  });
});
