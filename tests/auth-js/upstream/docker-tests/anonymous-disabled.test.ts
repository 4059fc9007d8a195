// Copied unchanged (below this header) from supabase/supabase-js at tag v2.109.0 (commit 4d9f9f1c6b3e251a7552392be1fc12cdd4b35c8f),
// packages/core/auth-js/test/docker-tests/anonymous-disabled.test.ts: the auth-js tests of @supabase/auth-js 2.109.0, the version in
// node_modules. MIT License, Copyright (c) 2020 Supabase: see LICENSE in this folder.
/**
 * Docker-only tests: Anonymous Sign-in Disabled
 *
 * These tests require a GoTrue instance with anonymous sign-ins disabled.
 * Supabase CLI has anonymous sign-ins enabled by default.
 *
 * Run with: npx nx test:docker auth-js
 */

import { phoneClient } from './clients'

describe('Docker: Anonymous Sign-in Disabled', () => {
  test('fail to sign in anonymously when it is disabled on the server', async () => {
    const { data, error } = await phoneClient.signInAnonymously()

    expect(data?.session).toBeNull()
    expect(error).not.toBeNull()
    expect(error?.message).toContain('Anonymous sign-ins are disabled')
  })
})

