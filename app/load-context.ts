import type { AppLoadContext } from "@remix-run/node";

// What server.ts hands to every loader and action of one HTTP request. Tests pass the same shape.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request nonce allowed by the Content-Security-Policy for our inline scripts. */
    cspNonce?: string;
    /** The client's address, for rate limits. */
    clientIp?: string;
    /** What this request works out once for all its loaders: the session, the circle (see `once`). */
    memo?: RequestMemo;
  }
}

/**
 * Values worked out once per HTTP request and shared by its loaders. Remix hands each loader its own
 * `new Request`, so nothing keyed on the Request is shared; the load context is the same object for
 * every loader and action of the request.
 */
export class RequestMemo {
  readonly #values = new Map<string, Promise<unknown>>();

  get<T>(key: string, make: () => Promise<T>): Promise<T> {
    let value = this.#values.get(key) as Promise<T> | undefined;
    if (!value) {
      value = make();
      this.#values.set(key, value);
    }
    return value;
  }

  clear() {
    this.#values.clear();
  }
}

export function createLoadContext(values: { cspNonce: string; clientIp: string }): AppLoadContext {
  return { ...values, memo: new RequestMemo() };
}

/**
 * `make()` once per request for the loaders (GET/HEAD) sharing `context`. An action changes what it
 * reads (a sign-in, a circle's settings), so it always makes its own, and the loaders that revalidate
 * after it in the same request start afresh. A context without a memo (a test's) shares nothing.
 */
export function once<T>(request: Request, context: AppLoadContext, key: string, make: () => Promise<T>): Promise<T> {
  const memo = context.memo;
  if (!memo) return make();
  if (request.method !== "GET" && request.method !== "HEAD") {
    memo.clear();
    return make();
  }
  return memo.get(key, make);
}
