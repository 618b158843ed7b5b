/**
 * What went wrong, from anything thrown. A workflow run rethrows its step's error as the plain object Medusa's
 * orchestrator serialized it to (serializeError, in every workflow engine), not as an Error: `instanceof Error` is
 * false there, and String() of it reads "[object Object]" (seen in the inbox in npm run test:scale).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message
  }
  const message = error && typeof error === "object" ? (error as { message?: unknown }).message : undefined
  return typeof message === "string" ? message : String(error)
}
