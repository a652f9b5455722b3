/**
 * Where a Better Auth password sign-in goes, and its body: by email for a name with `@`, else by
 * username (the username plugin). Shared by the backend and the two-step add-on.
 */
export function signInRequest(username: string, password: string): [path: string, body: Record<string, unknown>] {
  const byEmail = username.includes('@');
  return [byEmail ? '/sign-in/email' : '/sign-in/username', { ...(byEmail ? { email: username } : { username }), password }];
}
