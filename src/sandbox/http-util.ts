import type { IncomingMessage, ServerResponse } from "node:http"
import type { SandboxContext } from "./context"

export type Json = Record<string, unknown>

/** A page or script the sandbox serves; `carriesToken` pages are served to this machine only (control-auth.ts). */
export type PageRoute = {
  method: string
  pattern: RegExp
  handler: (ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, url: URL) => void
  carriesToken?: true
}

/** A value as a JavaScript literal inside an inline <script>: no "</script>", "<!--" or line separators can end it. */
export function scriptLiteral(value: unknown): string {
  return (JSON.stringify(value) ?? "null")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")
}

export const BODY_LIMIT_BYTES = 1_000_000

/** Reads a JSON or form-encoded body, as i'mport accepts both (the control API lets only JSON reach it). */
export async function readBody(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > BODY_LIMIT_BYTES) {
      throw new BadRequest("body too large")
    }
    chunks.push(chunk as Buffer)
  }
  const text = Buffer.concat(chunks).toString("utf8")
  if (!text.trim()) {
    return {}
  }
  const type = req.headers["content-type"] ?? ""
  if (type.includes("application/x-www-form-urlencoded")) {
    return formToObject(new URLSearchParams(text))
  }
  try {
    const value: unknown = JSON.parse(text)
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Json
    }
  } catch {
    // fall through
  }
  throw new BadRequest("body is not a JSON object")
}

function formToObject(params: URLSearchParams): Json {
  const out: Json = {}
  for (const [key, value] of params) {
    out[key] = value
  }
  return out
}

export class BadRequest extends Error {}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  })
  res.end(text)
}

/** i'mport's envelope. */
export function envelope(
  res: ServerResponse,
  status: number,
  code: number,
  message: string | null,
  response: unknown
): void {
  send(res, status, { code, message, response })
}

/** JSON numbers arrive as numbers, form values as strings: both are accepted, like i'mport does. */
export function numberField(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    return value
  }
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) {
    return Number(value)
  }
  return undefined
}

export function stringField(value: unknown): string | undefined {
  if (typeof value === "number") {
    return String(value)
  }
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined
}

export function booleanField(value: unknown): boolean | undefined {
  if (typeof value === "boolean") {
    return value
  }
  if (value === "true" || value === "1" || value === 1) {
    return true
  }
  if (value === "false" || value === "0" || value === 0) {
    return false
  }
  return undefined
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
