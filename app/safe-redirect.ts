const DEFAULT_REDIRECT = "/";

/**
 * A same-origin relative path to send the user to after signing in, or `fallback`.
 * Anything that a browser could read as another origin (`//evil.com`, `/\evil.com`,
 * `https://evil.com`, control characters) is ignored.
 */
export function safeRedirect(
  to: FormDataEntryValue | string | null | undefined,
  fallback: string = DEFAULT_REDIRECT,
): string {
  if (!to || typeof to !== "string") return fallback;
  const path = to.trim();
  if (!path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return fallback;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return fallback;
  try {
    const base = "http://safe-redirect.invalid";
    const url = new URL(path, base);
    if (url.origin !== base) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}
