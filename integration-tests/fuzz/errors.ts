import { inspect } from "node:util"

/** A thrown value as text: workflows rethrow plain objects ({message, type, ...}) as well as Errors. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return error.message
  }
  if (error && typeof error === "object") {
    const { message, type, code } = error as { message?: unknown; type?: unknown; code?: unknown }
    if (typeof message === "string") {
      return [type, code].filter(Boolean).length ? `${message} (${[type, code].filter(Boolean).join(", ")})` : message
    }
    return inspect(error, { depth: 2, breakLength: Infinity }).slice(0, 300)
  }
  return String(error)
}

/** An HTTP answer or subscriber error nobody expected (a 5xx that is not an injected i'mport fault). */
export class UnexpectedError extends Error {}
