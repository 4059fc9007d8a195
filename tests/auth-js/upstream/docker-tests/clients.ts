// Fixture of the auth-js docker tests, ADAPTED for this project (the test files themselves are unchanged).
// Upstream: supabase/supabase-js v2.109.0 (commit 4d9f9f1c6b3e251a7552392be1fc12cdd4b35c8f),
// packages/core/auth-js/test/docker-tests/clients.ts. MIT License, Copyright (c) 2020 Supabase: see LICENSE.
// Upstream's docker compose runs four GoTrue containers (ports 9999..9996) with different settings;
// ../../setup.ts starts four local auth services with the same settings on free ports, reached
// directly as those containers are (no gateway, no apikey). What changed: the URLs, and the service-role
// JWT is signed with node:crypto (jsonwebtoken is not installed).
import { createHmac } from 'node:crypto'
import { GoTrueAdminApi, GoTrueClient } from '../../src/index'

function env(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is not set: run through npm run test:auth-js`)
  return value
}

// Docker Compose GoTrue URLs (different ports for different configurations): here local auth services
export const DOCKER_URLS = {
  SIGNUP_ENABLED_AUTO_CONFIRM_OFF: env('AUTHJS_GOTRUE_AUTO_CONFIRM_OFF'),
  SIGNUP_ENABLED_AUTO_CONFIRM_ON: env('AUTHJS_GOTRUE_AUTO_CONFIRM_ON'),
  SIGNUP_DISABLED_AUTO_CONFIRM_OFF: env('AUTHJS_GOTRUE_SIGNUP_DISABLED'),
  SIGNUP_ENABLED_ASYMMETRIC_AUTO_CONFIRM_ON: env('AUTHJS_GOTRUE_ASYMMETRIC'),
} as const

// Docker JWT secret (the HS256 secret ../../setup.ts gives the symmetric services, as upstream's compose file)
export const DOCKER_JWT_SECRET = '37c304f8-51aa-419a-a1af-06154e63707a'

class MemoryStorage {
  private _storage: { [name: string]: string } = {}

  async setItem(name: string, value: string) {
    this._storage[name] = value
  }

  async getItem(name: string): Promise<string | null> {
    return this._storage[name] || null
  }

  async removeItem(name: string) {
    delete this._storage[name]
  }
}

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({
  role: 'service_role',
  iat: Math.floor(Date.now() / 1000) - 60,
})}`
const SERVICE_ROLE_JWT = `${unsigned}.${createHmac('sha256', DOCKER_JWT_SECRET).update(unsigned).digest('base64url')}`

// Client for signup disabled instance
export const signupDisabledClient = new GoTrueClient({
  url: DOCKER_URLS.SIGNUP_DISABLED_AUTO_CONFIRM_OFF,
  autoRefreshToken: false,
  persistSession: true,
  storage: new MemoryStorage(),
})

// Client for asymmetric JWT instance (RS256 upstream; ES256 here, as the local stack signs)
export const asymmetricClient = new GoTrueClient({
  url: DOCKER_URLS.SIGNUP_ENABLED_ASYMMETRIC_AUTO_CONFIRM_ON,
  autoRefreshToken: false,
  persistSession: true,
  storage: new MemoryStorage(),
})

// Client for phone/SMS tests (autoconfirm OFF with SMS enabled)
export const phoneClient = new GoTrueClient({
  url: DOCKER_URLS.SIGNUP_ENABLED_AUTO_CONFIRM_OFF,
  autoRefreshToken: false,
  persistSession: true,
  storage: new MemoryStorage(),
})

// Client for autoconfirm ON (standard Docker instance)
export const autoConfirmClient = new GoTrueClient({
  url: DOCKER_URLS.SIGNUP_ENABLED_AUTO_CONFIRM_ON,
  autoRefreshToken: false,
  persistSession: true,
  storage: new MemoryStorage(),
})

// Service role API for autoconfirm OFF instance
export const serviceRoleApiClient = new GoTrueAdminApi({
  url: DOCKER_URLS.SIGNUP_ENABLED_AUTO_CONFIRM_OFF,
  headers: {
    Authorization: `Bearer ${SERVICE_ROLE_JWT}`,
  },
})
