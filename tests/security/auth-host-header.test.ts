import http from "node:http";
import { describe, expect, test } from "vitest";
import { latestEmail, linkIn } from "../helpers/mailbox";
import { createAuthUser, env } from "../helpers/supabase";

// Issue 10 item 5: the links that the auth service emails must be built on its configured external URL.
// An attacker who sends a reset for the victim's address with a Host (or X-Forwarded-Host) of their own
// must not receive a link pointing at their server: one click would hand them the victim's token.

function postWithHeaders(path: string, headers: Record<string, string>, body: unknown): Promise<number> {
  const gateway = new URL(env("SUPABASE_URL"));
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: gateway.hostname,
        port: gateway.port,
        method: "POST",
        path,
        headers: {
          ...headers,
          apikey: env("SUPABASE_PUBLISHABLE_KEY"),
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

const forgedHeaders: Array<[string, Record<string, string>]> = [
  ["Host", { host: "evil.example" }],
  ["X-Forwarded-Host", { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" }],
];

describe("emailed links ignore the request's Host", () => {
  test.each(forgedHeaders)("a password reset sent with a forged %s links to the real auth URL", async (_name, headers) => {
    const victim = await createAuthUser();
    expect(await postWithHeaders("/auth/v1/recover", headers, { email: victim.email })).toBe(200);

    const message = await latestEmail(victim.email, { subject: /reset/i });
    const link = new URL(linkIn(message.text, "/auth/confirm"));
    expect(link.host).toBe(new URL(env("APP_URL")).host);
    expect(message.html + message.text).not.toContain("evil.example");
  });

  test.each(forgedHeaders)("a sign-in link sent with a forged %s links to the real auth URL", async (_name, headers) => {
    const victim = await createAuthUser();
    expect(await postWithHeaders("/auth/v1/otp", headers, { email: victim.email, create_user: false })).toBe(200);

    const message = await latestEmail(victim.email, { subject: /magic link|sign-in/i });
    const link = new URL(linkIn(message.text, "/auth/confirm"));
    expect(link.host).toBe(new URL(env("APP_URL")).host);
    expect(message.html + message.text).not.toContain("evil.example");
  });
});
