// The reviewed table that classes every auth-js test failing against the local auth service (run.ts
// reads it). A failure is one of:
//   gap    - a gap in something the app uses: must stay empty (fix supabase/local/auth/ instead, with a
//            test in tests/integration/auth-contract*.test.ts);
//   unused - a feature the app does not use (MFA, SSO, phone, OAuth server, passkeys...), which the
//            local auth service does not serve;
//   setup  - needs infrastructure or tooling this harness cannot reproduce faithfully.
// Keys are "<file> > <full test name>", or a prefix ending in " *" for every test under it.
// What the app uses (app/, tests/helpers): signUp, signInWithPassword, signInWithOtp (email),
// verifyOtp (email token_hash), exchangeCodeForSession, resetPasswordForEmail, updateUser, getUser,
// getClaims, signOut, refresh; admin createUser/getUserById/updateUserById/deleteUser/listUsers/
// generateLink.

export const CLASSES = ["gap", "unused", "setup"] as const;
export type FailureClass = (typeof CLASSES)[number];

interface Entry {
  cls: FailureClass;
  reason: string;
  /** Only when the stack runs in legacy mode (LEGACY_JWT=1): the entry is ignored otherwise. */
  legacyOnly?: true;
}

const MFA = "MFA (TOTP, phone and WebAuthn factors, AAL): the app has no second factor; /factors is not served";
const OAUTH_SERVER = "Supabase Auth as an OAuth 2.1 server (/admin/oauth/clients): the app does not use it";
const PHONE = "phone sign-in and SMS OTP: the app signs in by email only; config.toml has no SMS provider";
const SSO = "SAML SSO (/sso): the app does not use it";
const RESEND =
  "auth.resend (POST /resend): the app never calls it (a person asks for a new link from the sign-in page, which calls signInWithOtp)";
const NO_APIKEY =
  "the client is built without an apikey header: the Supabase CLI's local gateway passes /auth/v1 without one, hosted " +
  "Supabase answers 401 \"No API key found in request\", and the local gateway models hosted Supabase (issue 11)";

export const TABLE: Record<string, Entry> = {
  // GoTrueApi.test.ts
  "GoTrueApi.test.ts > GoTrueAdminApi Email/Phone Otp Verification GoTrueClient verifyOtp() verifyOtp() with non-existent phone number":
    { cls: "unused", reason: PHONE },
  "GoTrueApi.test.ts > GoTrueAdminApi Email/Phone Otp Verification GoTrueClient verifyOtp() verifyOTP() with invalid phone number":
    { cls: "unused", reason: PHONE },
  "GoTrueApi.test.ts > GoTrueAdminApi MFA Admin *": { cls: "unused", reason: MFA },
  "GoTrueApi.test.ts > GoTrueAdminApi OAuth Admin *": { cls: "unused", reason: OAUTH_SERVER },

  // GoTrueClient.test.ts
  "GoTrueClient.test.ts > GoTrueClient Email Auth 'resend with email with options'": { cls: "unused", reason: RESEND },
  "GoTrueClient.test.ts > GoTrueClient Email Auth 'resend with email with empty options'": { cls: "unused", reason: RESEND },
  "GoTrueClient.test.ts > GoTrueClient signInWithOtp 'verifyOTP fails with empty options'": {
    cls: "unused",
    reason: `verifyOtp with a phone and type phone_change: ${PHONE}`,
  },
  "GoTrueClient.test.ts > MFA *": { cls: "unused", reason: MFA },
  "GoTrueClient.test.ts > WebAuthn MFA *": { cls: "unused", reason: MFA },
  "GoTrueClient.test.ts > signInAnonymously *": {
    cls: "unused",
    reason: "anonymous sign-ins: off in config.toml (enable_anonymous_sign_ins = false), not served by the local auth service",
  },
  "GoTrueClient.test.ts > Web3 Authentication *": { cls: "unused", reason: "Sign in with Solana/Ethereum: the app does not use it" },
  "GoTrueClient.test.ts > ID Token Authentication signInWithIdToken fails with disabled provider": {
    cls: "unused",
    reason: "signInWithIdToken (OIDC ID tokens from Google, Apple...): the app has no social sign-in; grant id_token is not served",
  },
  "GoTrueClient.test.ts > Reauthentication reauthenticate() fails without session": {
    cls: "unused",
    reason:
      "expects the anonymous session left in the shared client by the signInAnonymously tests (an anonymous user has no " +
      "email, hence 'Reauthentication requires the user to have an email...'); with no anonymous sign-ins there is no session",
  },
  "GoTrueClient.test.ts > Identity Management *": {
    cls: "unused",
    reason: "identity linking (/user/identities): the app has only the email identity",
  },
  "GoTrueClient.test.ts > SSO Authentication *": { cls: "unused", reason: SSO },
  "GoTrueClient.test.ts > GoTrueClient with storageisServer = true getSession emits no warnings if getUser is called prior": {
    cls: "setup",
    reason: NO_APIKEY,
  },
  "GoTrueClient.test.ts > GoTrueClient with throwOnError option updateUser() should throw an error when throwOnError is true": {
    cls: "setup",
    reason: NO_APIKEY,
  },
  "GoTrueClient.test.ts > GoTrueClient with skipAutoInitialize option should work with lazy initialization in public methods": {
    cls: "setup",
    reason: NO_APIKEY,
  },

  "GoTrueClient.test.ts > getClaims getClaims verifies RS256 jwt without calling getUser": {
    cls: "setup",
    legacyOnly: true,
    reason:
      "legacy mode signs HS256 (a project that has not moved to signing keys), so getClaims asks the server (getUser), " +
      "as it does against such a project; upstream's CLI config signs RS256. Passes in the default mode (ES256)",
  },

  // passkey.e2e.test.ts: its beforeAll registers a passkey, so every test of the file is reported
  "passkey.e2e.test.ts > Passkey end-to-end *": {
    cls: "unused",
    reason: "passkeys (/passkeys, experimental in auth-js): the app signs in with a password or an emailed link",
  },

  // docker-tests/phone-otp.test.ts: upstream runs it against a GoTrue with Twilio configured
  "docker-tests/phone-otp.test.ts > *": { cls: "unused", reason: PHONE },
};

/** The entries that apply to this run (legacy-only ones in legacy mode only). */
export function applicableKeys(legacy = process.env.LEGACY_JWT === "1"): string[] {
  return Object.keys(TABLE).filter((key) => legacy || !TABLE[key].legacyOnly);
}

export function classify(name: string): Entry | undefined {
  const keys = applicableKeys();
  if (keys.includes(name)) return TABLE[name];
  const prefixes = keys.filter((key) => key.endsWith(" *") && name.startsWith(key.slice(0, -1)));
  return prefixes.length ? TABLE[prefixes.sort((a, b) => b.length - a.length)[0]] : undefined;
}
