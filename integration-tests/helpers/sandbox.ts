import { CONTROL_TOKEN_HEADER, startSandbox, type RunningSandbox, type SandboxOptions } from "../../src/sandbox"

export const PROVIDER_ID = "pp_iamport-paymentwall_paymentwall"
export const WEBHOOK_PATH = "/hooks/payment/iamport-paymentwall_paymentwall"

/**
 * Starts the sandbox before the Medusa app boots (a root-level beforeAll runs before the runner's own), so
 * medusa-config.ts can read its URL. Returns a getter: the sandbox exists only once the hook has run.
 */
export function useSandbox(options: SandboxOptions = {}): () => RunningSandbox {
  let sandbox: RunningSandbox | undefined
  beforeAll(async () => {
    sandbox = await startSandbox(options)
    process.env.IAMPORT_SANDBOX_URL = sandbox.url
  })
  afterAll(async () => {
    await sandbox?.close()
  })
  return () => {
    if (!sandbox) {
      throw new Error("the sandbox is not running yet")
    }
    return sandbox
  }
}

/** What every call to the sandbox's control API (/sandbox/...) sends: the run's token, and JSON. */
export function controlHeaders(sandbox: RunningSandbox): Record<string, string> {
  return { [CONTROL_TOKEN_HEADER]: sandbox.controlToken, "content-type": "application/json" }
}

export async function sandboxPost<T = Record<string, any>>(
  sandbox: RunningSandbox,
  path: string,
  body: unknown = {}
): Promise<T> {
  const res = await fetch(`${sandbox.url}${path}`, {
    method: "POST",
    headers: controlHeaders(sandbox),
    body: JSON.stringify(body),
  })
  return answerOf<T>(res, path)
}

export async function sandboxGet<T = Record<string, any>>(sandbox: RunningSandbox, path: string): Promise<T> {
  return answerOf<T>(await fetch(`${sandbox.url}${path}`, { headers: controlHeaders(sandbox) }), path)
}

async function answerOf<T>(res: Response, path: string): Promise<T> {
  const json = (await res.json()) as T
  if (!res.ok) {
    throw new Error(`sandbox ${path} answered ${res.status}: ${JSON.stringify(json)}`)
  }
  return json
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const started = Date.now()
  let last: unknown
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await check()
      if (value !== undefined) {
        return value
      }
    } catch (error) {
      last = error
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- whatever the check threw, as String() shows it
  throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`)
}
