/**
 * What the control API's unit specs share: a sandbox per spec file, raw requests to it with any Host and content
 * type, and the run's token. Each spec file gets its own copy of this module.
 */

import http from "node:http"
import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox } from ".."

type Reply = { status: number; text: string; json: () => Record<string, unknown> }

export let sandbox: RunningSandbox

/** Starts one sandbox for the spec file that calls this at its top level, and resets it before each test. */
export function useSandbox(): void {
  beforeAll(async () => {
    sandbox = await startSandbox()
  })
  afterAll(() => sandbox.close())
  beforeEach(() => sandbox.context.reset())
}

/** A raw request, so that any Host and content type can be sent (fetch would fill in or refuse some). */
export function raw(
  method: string,
  urlPath: string,
  options: { headers?: Record<string, string>; body?: string } = {}
): Promise<Reply> {
  const url = new URL(urlPath, sandbox.url)
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...options.headers,
          ...(options.body !== undefined ? { "content-length": String(Buffer.byteLength(options.body)) } : {}),
        },
      },
      (res) => {
        let text = ""
        res.setEncoding("utf8")
        res.on("data", (chunk: string) => (text += chunk))
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as Record<string, unknown> })
        )
      }
    )
    req.on("error", reject)
    req.end(options.body)
  })
}

export const withToken = (extra: Record<string, string> = {}) => ({
  [CONTROL_TOKEN_HEADER]: sandbox.controlToken,
  ...extra,
})
export const json = { "content-type": "application/json" }
