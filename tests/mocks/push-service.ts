import { createECDH, createHmac, createDecipheriv, createPublicKey, randomBytes, randomUUID, verify } from "node:crypto";
import { delay, http, HttpResponse } from "msw";

// Stands in for a Web Push service (RFC 8030), such as Mozilla's autopush or Google's FCM, in tests: every
// request is recorded (endpoint, headers, encrypted body, answer). Each device made by newDevice() has
// its own endpoint under PUSH_ORIGIN and the private key the browser would hold, so a test can decrypt
// what was sent (RFC 8291, aes128gcm) and check the VAPID token (RFC 8292) as the service would. Tests
// script answers per endpoint (failNextPushes): 404/410 (subscription gone), 429 with Retry-After,
// 5xx; or slow every answer down (setPushDelay), so that two jobs overlap.

export const PUSH_ORIGIN = "https://push.example.test";

export type PushRequest = { endpoint: string; headers: Record<string, string>; body: Uint8Array; status: number };
export const pushRequests: PushRequest[] = [];

export type PushFault = { status: 404 | 410 | 400 | 500 | 503 } | { status: 429; retryAfterSeconds: number };
const faults = new Map<string, PushFault[]>();
let answerDelayMs = 0;

export function failNextPushes(endpoint: string, ...next: PushFault[]) {
  faults.set(endpoint, [...(faults.get(endpoint) ?? []), ...next]);
}
export function setPushDelay(ms: number) {
  answerDelayMs = ms;
}
export function resetPushService() {
  pushRequests.length = 0;
  faults.clear();
  answerDelayMs = 0;
}

export const pushServiceHandlers = [
  http.post(`${PUSH_ORIGIN}/send/:id`, async ({ request }) => {
    const body = new Uint8Array(await request.arrayBuffer());
    if (answerDelayMs) await delay(answerDelayMs);
    const fault = faults.get(request.url)?.shift();
    const status = fault?.status ?? 201;
    pushRequests.push({ endpoint: request.url, headers: Object.fromEntries(request.headers), body, status });
    const headers: Record<string, string> = fault && "retryAfterSeconds" in fault ? { "retry-after": String(fault.retryAfterSeconds) } : {};
    return new HttpResponse(null, { status, headers });
  }),
];

/** A browser's push subscription: what the page posts (endpoint, p256dh, auth), and its private key. */
export type Device = { endpoint: string; p256dh: string; auth: string; privateKey: Buffer; publicKey: Buffer; authSecret: Buffer };

export function newDevice(): Device {
  const ecdh = createECDH("prime256v1");
  const publicKey = ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return {
    endpoint: `${PUSH_ORIGIN}/send/${randomUUID()}`,
    p256dh: publicKey.toString("base64url"),
    auth: authSecret.toString("base64url"),
    privateKey: ecdh.getPrivateKey(),
    publicKey,
    authSecret,
  };
}

const hmac = (key: Buffer, data: Buffer) => createHmac("sha256", key).update(data).digest();

/** Decrypts an aes128gcm Web Push body (RFC 8291 §3.4, RFC 8188) as the device would. */
export function decryptPush(body: Uint8Array, device: Device): string {
  const data = Buffer.from(body);
  const salt = data.subarray(0, 16);
  const recordSize = data.readUInt32BE(16);
  const idLength = data[20];
  const senderKey = data.subarray(21, 21 + idLength);
  const ciphertext = data.subarray(21 + idLength);
  if (ciphertext.length > recordSize) throw new Error("more than one record");
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(device.privateKey);
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), device.publicKey, senderKey, Buffer.from([1])]);
  const ikm = hmac(hmac(device.authSecret, shared), keyInfo);
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01", "binary")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01", "binary")).subarray(0, 12);
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // Padding: the last record ends with 0x02 followed by zeros.
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error("bad padding delimiter");
  return plain.subarray(0, end).toString("utf8");
}

/**
 * Checks `Authorization: vapid t=<JWT>, k=<public key>` as a push service does: the key is ours, the
 * token is ES256-signed by it, its audience is the service's origin, it expires within 24 hours.
 */
export function checkVapid(authorization: string, endpoint: string, publicKey: string) {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization);
  if (!match) throw new Error(`not a VAPID Authorization: ${authorization}`);
  const [, token, key] = match;
  const [header, payload, signature] = token.split(".");
  const raw = Buffer.from(key, "base64url");
  const jwk = { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33, 65).toString("base64url") };
  const signed = verify("sha256", Buffer.from(`${header}.${payload}`), { key: createPublicKey({ key: jwk, format: "jwk" }), dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { aud: string; exp: number; sub: string };
  return {
    keyIsOurs: key === publicKey,
    signed,
    alg: (JSON.parse(Buffer.from(header, "base64url").toString()) as { alg: string }).alg,
    audienceOk: claims.aud === new URL(endpoint).origin,
    expiresInSeconds: claims.exp - Date.now() / 1000,
    sub: claims.sub,
  };
}
