/**
 * What went wrong, from anything thrown. A workflow run on Medusa's Redis workflow engine rethrows its step's error
 * as the plain object the engine stored, not as an Error: `instanceof Error` is false there, and String() of it
 * reads "[object Object]" (seen in the inbox under the server + worker topology, npm run test:scale).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message
  }
  const message = error && typeof error === "object" ? (error as { message?: unknown }).message : undefined
  return typeof message === "string" ? message : String(error)
}
