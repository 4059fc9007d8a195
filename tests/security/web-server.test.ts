import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { PLAN_KINDS } from "~/updates";
import { rawRequest, startAppServer, type AppServer } from "../helpers/app-server";
import { makeCalendarCircle } from "../helpers/calendar-fixture";
import { newCircle } from "../helpers/routes";
import { closeSql, must, sql } from "../helpers/supabase";

// The web server (server.ts) attacked over raw HTTP, byte for byte, as a client that does not
// normalise addresses would send it: the checks must look at the path that Remix routes.

let server: AppServer;
let owner: Awaited<ReturnType<typeof newCircle>>;

beforeAll(async () => {
  [server, owner] = await Promise.all([startAppServer(), newCircle("Maria")]);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await closeSql();
});

const circleName = async () =>
  (await sql<{ name: string }>(`select name from public.circles where id = $1`, [owner.circleId]))[0].name;

const renameBody = () => new URLSearchParams({ intent: "settings", name: "Renamed by an attacker", timeZone: "Europe/London" }).toString();

function post(target: string, headers: string[], body: string) {
  return rawRequest(
    server.port,
    [`POST ${target} HTTP/1.1`, ...headers, "Content-Type: application/x-www-form-urlencoded", `Cookie: ${owner.cookie}`].join(
      "\r\n",
    ),
    body,
  );
}

describe("the Origin check looks at the routed path (issue 10 item 9)", () => {
  const settings = () => `circles/${owner.circleId}/settings`;
  const bypasses = (): Array<[string, string]> => [
    ["dot segments", `/unsubscribe/../${settings()}`],
    ["deeper dot segments", `/unsubscribe/anything/../../${settings()}`],
    ["%2e%2e", `/unsubscribe/%2e%2e/${settings()}`],
    ["mixed-case %2E%2e", `/unsubscribe/%2E%2e/${settings()}`],
    ["half-encoded .%2e", `/unsubscribe/.%2e/${settings()}`],
    ["backslashes", `/unsubscribe/..\\${settings().replaceAll("/", "\\")}`],
    ["double slashes", `/unsubscribe//..//${settings()}`],
    ["a leading double slash", `//unsubscribe/../${settings()}`],
    ["the cron route's dot segments", `/cron/digest/../../${settings()}`],
  ];

  test.each([
    ["no Origin", [] as string[]],
    ["another Origin", ["Origin: https://evil.example"]],
  ])("a POST with %s to a non-normalised path is refused with 400 and changes nothing", async (_name, origin) => {
    for (const [what, target] of bypasses()) {
      const res = await post(target, [`Host: localhost:${server.port}`, ...origin], renameBody());
      expect(res.status, `${what}: ${target}`).toBe(400);
      expect(res.body).toMatch(/not in a form this site accepts/);
    }
    expect(await circleName()).toBe("Maria's circle");
  });

  test("a Host header that carries a path (which would replace the routed path) is refused with 400", async () => {
    for (const host of [`localhost/${settings()}?`, `localhost/${settings()}#`, "localhost/x", "evil.example\\x"]) {
      const res = await post("/unsubscribe/abc", [`Host: ${host}`], renameBody());
      expect(res.status, host).toBe(400);
    }
    expect(await circleName()).toBe("Maria's circle");
  });

  test("a GET of a non-normalised path is refused too, and normal paths still work", async () => {
    const get = (target: string) => rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: localhost:${server.port}`);
    expect((await get(`/unsubscribe/../resources`)).status).toBe(400);
    expect((await get(`/resources`)).status).toBe(200);
    expect((await get(`/resources?x=../..`)).status).toBe(200);
  });

  test("the same POST from our own origin, to the normalised path, does reach the action", async () => {
    const res = await post(
      `/${settings()}`,
      [`Host: localhost:${server.port}`, `Origin: ${server.origin}`],
      new URLSearchParams({ intent: "settings", name: "Maria's circle", timeZone: "Europe/London" }).toString(),
    );
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/${settings()}?saved=settings`);
  });

  test("without our Origin, the settings path itself is refused with 403", async () => {
    const res = await post(`/${settings()}`, [`Host: localhost:${server.port}`], renameBody());
    expect(res.status).toBe(403);
    expect(await circleName()).toBe("Maria's circle");
  });
});

describe("malformed bodies are answered 400, never 500 (issue 10 item 11)", () => {
  const boundary = "----circle-test-boundary";
  const malformed: Array<[string, string, string]> = [
    [
      "a truncated multipart form",
      `multipart/form-data; boundary=${boundary}`,
      `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\nsettings\r\n--${boundary}\r\nContent-Disposition: form-data; name="name"\r\n\r\nRenam`,
    ],
    ["multipart without a boundary", "multipart/form-data", "intent=settings&name=x"],
    ["a urlencoded form sent as JSON", "application/json", JSON.stringify({ intent: "settings", name: "x" })],
    ["a form with a made-up content type", "application/x-www-form-urlencoded-ish", "intent=settings&name=x"],
  ];
  // Every action that reads a form once the caller is known (reset-password first asks for its recovery
  // cookie and answers 403).
  const actions = () => [
    "/auth/sign-in",
    "/auth/sign-up",
    "/auth/forgot-password",
    "/auth/sign-in-link",
    "/auth/sign-out",
    "/auth/confirm",
    "/account/delete",
    "/circles",
    `/circles/${owner.circleId}/settings`,
    `/circles/${owner.circleId}/members`,
    `/circles/${owner.circleId}/notes`,
    `/circles/${owner.circleId}/check-in`,
    `/circles/${owner.circleId}/notifications`,
    `/circles/${owner.circleId}/data`,
    `/circles/${owner.circleId}/plan/${PLAN_KINDS[0]}`,
    `/circles/${owner.circleId}/tasks`,
    `/circles/${owner.circleId}/tasks/new`,
    `/circles/${owner.circleId}/tasks/feed`,
    `/circles/${owner.circleId}/tasks/offers`,
    `/circles/${owner.circleId}/updates/new`,
    `/circles/${owner.circleId}/updates/drafts`,
  ];

  let itemPages: string[] = [];
  beforeAll(async () => {
    const soon = Date.now() + 86_400_000;
    const task = must(
      await owner.owner.client
        .from("tasks")
        .insert({
          circle_id: owner.circleId,
          title: "Pick up prescriptions",
          kind: "errand",
          starts_at: new Date(soon).toISOString(),
          ends_at: new Date(soon + 3_600_000).toISOString(),
        })
        .select("id")
        .single(),
    );
    const update = must(
      await owner.owner.client
        .from("updates")
        .insert({ circle_id: owner.circleId, category: "general", body: "A quiet week.", status: "draft" })
        .select("id")
        .single(),
    );
    itemPages = [
      `/circles/${owner.circleId}/tasks/${task.id}`,
      `/circles/${owner.circleId}/tasks/${task.id}/edit`,
      `/circles/${owner.circleId}/updates/${update.id}/edit`,
    ];
  });

  test.each(malformed)("%s, with a session and our Origin, to every action", async (_what, contentType, body) => {
    const answers: string[] = [];
    const targets = [...actions(), ...itemPages];
    for (const target of targets) {
      const res = await rawRequest(
        server.port,
        [
          `POST ${target} HTTP/1.1`,
          `Host: localhost:${server.port}`,
          `Origin: ${server.origin}`,
          `Cookie: ${owner.cookie}`,
          `Content-Type: ${contentType}`,
        ].join("\r\n"),
        body,
      );
      answers.push(`${res.status} ${target}`);
      if (res.status === 400) expect(res.body, target).toContain("The form could not be read");
    }
    expect(answers).toEqual(targets.map((target) => `400 ${target}`));
    expect(await circleName()).toBe("Maria's circle");
  });
});

test("every action reads its form through readForm (a new action cannot bring the 500 back)", async () => {
  const { readdir, readFile } = await import("node:fs/promises");
  const dir = new URL("../../app/routes/", import.meta.url);
  const direct: string[] = [];
  for (const file of await readdir(dir)) {
    if ((await readFile(new URL(file, dir), "utf8")).includes(".formData()")) direct.push(file);
  }
  expect(direct).toEqual([]);
});

describe("the calendar feed's headers", () => {
  test("one Referrer-Policy, not the app's and the route's both", async () => {
    const c = await makeCalendarCircle();
    const token = must(await c.owner.client.rpc("reset_calendar_feed", { circle_id: c.circleId })) as string;
    const res = await fetch(`${server.origin}/feeds/${token}.ics`);
    expect(res.status).toBe(200);
    // fetch joins repeated headers with ", ": two policies would read "a, b".
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });
});

describe("the circle's settings page", () => {
  test("points the person to Your data to delete the circle, not to something 'coming soon'", async () => {
    const res = await fetch(`${server.origin}/circles/${owner.circleId}/settings`, { headers: { Cookie: owner.cookie } });
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).not.toContain("coming soon");
    expect(html).toContain(`href="/circles/${owner.circleId}/data"`);
  });
});
