// The one-file bundles' stand-in for `two-step-status.ts`: they have no two-step add-on.
export function readTwoFactorStatus(_reply: Record<string, unknown>, _fields: Record<string, unknown>): void {}
export function refuseCodeStep(_reply: unknown): void {}
