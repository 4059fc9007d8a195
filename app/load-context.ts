// What server.ts hands to every loader and action. Tests pass the same shape.
declare module "@remix-run/node" {
  interface AppLoadContext {
    /** Per-request nonce allowed by the Content-Security-Policy for our inline scripts. */
    cspNonce?: string;
    /** The client's address, for rate limits. */
    clientIp?: string;
  }
}

export {};
