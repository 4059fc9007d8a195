// Copied unchanged (below this header) from supabase/supabase-js at tag v2.109.0 (commit 4d9f9f1c6b3e251a7552392be1fc12cdd4b35c8f),
// packages/core/auth-js/test/docker-tests/signup-disabled.test.ts: the auth-js tests of @supabase/auth-js 2.109.0, the version in
// node_modules. MIT License, Copyright (c) 2020 Supabase: see LICENSE in this folder.
/**
 * Docker-only tests: Signup Disabled
 *
 * These tests require a GoTrue instance with signup disabled.
 * This configuration is not possible with a single Supabase CLI instance.
 *
 * Run with: npx nx test:docker auth-js
 */

import { signupDisabledClient } from './clients'
import { mockUserCredentials } from '../lib/utils'

describe('Docker: Sign Up Disabled', () => {
  test('User cannot sign up when signups are disabled', async () => {
    const { email, password } = mockUserCredentials()

    const {
      error,
      data: { user },
    } = await signupDisabledClient.signUp({
      email,
      password,
    })

    expect(user).toBeNull()
    expect(error).not.toBeNull()
    expect(error?.message).toEqual('Signups not allowed for this instance')
  })
})

