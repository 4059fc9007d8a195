// Fixture of the auth-js tests, ADAPTED for this project (the test files themselves are unchanged).
// Upstream: supabase/supabase-js v2.109.0 (commit 4d9f9f1c6b3e251a7552392be1fc12cdd4b35c8f),
// packages/core/auth-js/test/lib/utils.ts. MIT License, Copyright (c) 2020 Supabase: see LICENSE.
// What changed: @faker-js/faker and jsonwebtoken are not installed here, so random values come from
// node:crypto (same shapes: a lower-case email, a password, a URL) and mockAccessToken signs its HS256
// token with node:crypto. Every function keeps its name, arguments and result.
import { createHmac, randomBytes, randomUUID } from 'node:crypto'

import { serviceRoleApiClient } from './clients'

import { GOTRUE_JWT_SECRET } from './clients'

const alphanumeric = (length: number) =>
  randomBytes(length * 2)
    .toString('base64')
    .replace(/[^a-zA-Z0-9]/g, '')
    .slice(0, length)

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')

export const mockAccessToken = () => {
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url({
    sub: '1234567890',
    role: 'anon_key',
    iat: Math.floor(Date.now() / 1000),
  })}`
  return `${unsigned}.${createHmac('sha256', GOTRUE_JWT_SECRET).update(unsigned).digest('base64url')}`
}

type Credentials = {
  email?: string | undefined
  phone?: string | undefined
  password?: string | undefined
}

export const mockUserCredentials = (
  options?: Credentials
): { email: string; phone: string; password: string } => {
  const randNumbers = Date.now().toString()

  return {
    email: options?.email || `${randomUUID().slice(0, 13)}@example.com`.toLowerCase(),
    phone: options?.phone || `1${randNumbers.substring(randNumbers.length - 12, 11)}`,
    password: options?.password || alphanumeric(15),
  }
}

export const mockVerificationOTP = (): string => {
  return Math.floor(100000 + Math.random() * 900000).toString()
}

export const mockUserMetadata = () => {
  return {
    profile_image: `https://avatars.githubusercontent.com/u/${Math.floor(Math.random() * 1e8)}`,
  }
}

export const mockAppMetadata = () => {
  return {
    roles: ['editor', 'publisher'],
  }
}

export const createNewUserWithEmail = async ({
  email,
  password,
}: {
  email: string | undefined
  password?: string | undefined
}) => {
  const { email: newEmail, password: newPassword } = mockUserCredentials({
    email,
    password,
  })
  return await serviceRoleApiClient.createUser({
    email: newEmail,
    password: newPassword,
    user_metadata: {},
  })
}

export const mockOAuthClientParams = () => {
  return {
    client_name: `Test OAuth Client ${alphanumeric(8)}`,
    redirect_uris: [
      `https://${alphanumeric(8).toLowerCase()}.example.org/callback`,
      `https://example.com/callback/${alphanumeric(8)}`,
    ],
    grant_types: ['authorization_code' as const, 'refresh_token' as const],
    response_types: ['code' as const],
  }
}

export const mockOAuthUpdateParams = () => {
  return {
    client_name: `Updated OAuth Client ${alphanumeric(8)}`,
    logo_uri: `https://${alphanumeric(8).toLowerCase()}.example.org/logo.png`,
  }
}

export const createTestOAuthClient = async () => {
  const params = mockOAuthClientParams()
  return await serviceRoleApiClient.oauth.createClient(params)
}
