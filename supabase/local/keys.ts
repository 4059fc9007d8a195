import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  createLocalJWKSet,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTPayload,
  type JWTVerifyOptions,
} from "jose";
import { z } from "zod";

// The Supabase CLI's well-known legacy secret and keys (`supabase status` prints the same), used only in
// legacy mode (StackOptions.legacyJwt). Never use them in production.
export const LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
export const LOCAL_ANON_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.CRXP1A7WOeoJeXxjNni43kdQwgnWNReilDMblYTn_I0";
export const LOCAL_SERVICE_ROLE_KEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImV4cCI6MTk4MzgxMjk5Nn0.EGIM96RAZx35lJzdJsyH-qQwv8Hdp7fsn3W0YpN81IU";
/** Password of the `authenticator` role that PostgREST logs in as; local only. */
export const LOCAL_AUTHENTICATOR_PASSWORD = "authenticator-local-password";
// The Supabase CLI's well-known local publishable and secret API keys (`supabase status` prints them).
// The gateway swaps them for an anon or service_role JWT towards PostgREST and auth, as Supabase's does.
export const LOCAL_PUBLISHABLE_KEY = "sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH";
export const LOCAL_SECRET_KEY = "sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz";

/**
 * How the project signs access tokens: an asymmetric ES256 key (today's Supabase; its public half is
 * the JWKS) or, in legacy mode, the shared HS256 secret. Plain JSON, so it can be handed to tests.
 */
export type SigningKey = { alg: "ES256"; kid: string; privateJwk: JWK } | { alg: "HS256"; secret: string };

export type Jwks = { keys: JWK[] };

/** What /auth/v1/.well-known/jwks.json serves: public keys only (a symmetric secret is never published). */
export function publicJwks(key: SigningKey): Jwks {
  if (key.alg === "HS256") return { keys: [] };
  const { kty, crv, x, y } = key.privateJwk;
  return { keys: [{ kty, crv, x, y, kid: key.kid, alg: "ES256", use: "sig", key_ops: ["verify"], ext: true }] };
}

const imported = new WeakMap<SigningKey, Promise<CryptoKey | Uint8Array>>();

function signingSecret(key: SigningKey) {
  let secret = imported.get(key);
  if (!secret) {
    // Without the file's key_ops ("sign", "verify"): WebCrypto imports a private key for signing only.
    const { kty, crv, x, y, d } = key.alg === "ES256" ? key.privateJwk : ({} as JWK);
    secret =
      key.alg === "HS256"
        ? Promise.resolve(new TextEncoder().encode(key.secret))
        : (importJWK({ kty, crv, x, y, d }, "ES256") as Promise<CryptoKey>);
    imported.set(key, secret);
  }
  return secret;
}

/** Signs `payload` as the project does: ES256 with `kid` in the header, or HS256 in legacy mode. */
export async function signJwt(key: SigningKey, payload: JWTPayload): Promise<string> {
  const header = key.alg === "ES256" ? { alg: "ES256", kid: key.kid, typ: "JWT" } : { alg: "HS256", typ: "JWT" };
  return new SignJWT(payload).setProtectedHeader(header).sign(await signingSecret(key));
}

const verifiers = new WeakMap<SigningKey, ReturnType<typeof createLocalJWKSet>>();

/** Verifies a JWT the way PostgREST does: only with the project's key, and only with its algorithm. */
export async function verifyProjectJwt(key: SigningKey, token: string, options: Omit<JWTVerifyOptions, "algorithms"> = {}) {
  if (key.alg === "HS256") {
    return (await jwtVerify(token, await signingSecret(key), { ...options, algorithms: ["HS256"] })).payload;
  }
  let jwks = verifiers.get(key);
  if (!jwks) verifiers.set(key, (jwks = createLocalJWKSet(publicJwks(key))));
  return (await jwtVerify(token, jwks, { ...options, algorithms: ["ES256"] })).payload;
}

// The file has the shape of the Supabase CLI's signing_keys.json (`supabase gen signing-key`): a list of
// private JWKs. It lives in the data folder, so a reset database comes with a new key.
const KEY_FILE = "supabase-signing-keys.json";
const storedKeys = z
  .array(z.object({ kty: z.literal("EC"), crv: z.literal("P-256"), alg: z.literal("ES256"), kid: z.string().min(1), d: z.string(), x: z.string(), y: z.string() }).passthrough())
  .min(1);

/** The data folder's ES256 signing key, made on first use and kept there (readable by its owner only). */
export async function dataFolderSigningKey(dataDir: string): Promise<SigningKey> {
  const file = path.join(dataDir, KEY_FILE);
  const existing = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (existing !== null) {
    const [jwk] = storedKeys.parse(JSON.parse(existing));
    return { alg: "ES256", kid: jwk.kid, privateJwk: jwk };
  }
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const kid = randomUUID();
  const jwk = { ...privateKey.export({ format: "jwk" }), kid, alg: "ES256", use: "sig", key_ops: ["sign", "verify"], ext: true };
  await writeFile(file, `${JSON.stringify([jwk], null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return { alg: "ES256", kid, privateJwk: jwk as JWK };
}

export const LEGACY_SIGNING_KEY: SigningKey = { alg: "HS256", secret: LOCAL_JWT_SECRET };
