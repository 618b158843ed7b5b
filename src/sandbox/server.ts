import http, { type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { CONTROL_ROUTES } from "./control-api"
import { controlRefusal, hostRefusal, pageRefusal, type Refusal } from "./control-auth"
import { SandboxContext, type NonEnvelopeBody, type SandboxOptions } from "./context"
import { BadRequest, envelope, send, sleep } from "./http-util"
import { IAMPORT_ROUTES, refusalToEnvelope } from "./iamport-api"
import { CONTROL_PAGE_ROUTES } from "./control-page"
import { startRefusal } from "./start-guards"
import { PAGE_ROUTES } from "./widget"

export type RunningSandbox = {
  /** Base URL for the provider's `apiBaseUrl`, e.g. http://127.0.0.1:41234 */
  url: string
  port: number
  /** What /sandbox control calls send in the `x-sandbox-token` header: options.controlToken, or random per run. */
  controlToken: string
  context: SandboxContext
  close: () => Promise<void>
}

/**
 * Starts the local i'mport + Paymentwall sandbox. Throws, before listening, where NODE_ENV is production (unless
 * allowProduction), on a host that is not loopback (unless unsafeHost), and on a malformed controlToken.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const refusal = startRefusal(options)
  if (refusal) {
    throw new Error(`iamport-sandbox: ${refusal}`)
  }
  const context = new SandboxContext(options)
  const server = http.createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        send(res, 500, { code: -1, message: error instanceof Error ? error.message : "sandbox error", response: null })
      }
    })
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(context.options.port, context.options.host, resolve)
  })
  const { port } = server.address() as AddressInfo
  const host = context.options.host.includes(":") ? `[${context.options.host}]` : context.options.host
  return {
    url: `http://${host}:${port}`,
    port,
    controlToken: context.controlToken,
    context,
    close: async () => {
      context.halt()
      await context.webhooks.idle()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
  }
}

async function handle(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== "GET") {
    // Whatever the request changed is on disk before the next one (a no-op without a state file).
    res.once("finish", () => ctx.persist())
  }
  return route(ctx, req, res)
}

async function route(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://sandbox")
  const method = req.method ?? "GET"
  ctx.options.log?.(`${method} ${url.pathname}`)

  for (const route of [...PAGE_ROUTES, ...CONTROL_PAGE_ROUTES]) {
    if (method === route.method && route.pattern.test(url.pathname)) {
      const refusal = route.carriesToken ? pageRefusal(ctx, req) : null
      return refusal ? refuse(res, refusal) : route.handler(ctx, req, res, url)
    }
  }

  for (const route of CONTROL_ROUTES) {
    const match = method === route.method && route.pattern.exec(url.pathname)
    if (match) {
      // Checked before the body is read: a refused request changes nothing.
      const refusal = controlRefusal(ctx, req, route.open !== true)
      if (refusal) {
        return refuse(res, refusal)
      }
      try {
        return await route.handler(ctx, req, res, paramsOf(match), url.searchParams)
      } catch (error) {
        if (error instanceof BadRequest) {
          return send(res, 400, { message: error.message })
        }
        if (refusalToEnvelope(res, error)) {
          return
        }
        throw error
      }
    }
  }

  for (const route of IAMPORT_ROUTES) {
    const match = method === route.method && route.pattern.exec(url.pathname)
    if (!match) {
      continue
    }
    // Only the store's server calls i'mport's API: under a foreign name it is a DNS-rebinding page.
    const rebound = hostRefusal(ctx, req)
    if (rebound) {
      return refuse(res, rebound)
    }
    ctx.count(route.name)
    logCallWhenAnswered(ctx, req, res, url)
    if (route.authed && !ctx.validToken(tokenOf(req))) {
      return envelope(res, 401, -1, "Unauthorized", null)
    }
    const fault = ctx.takeFault(route.name)
    if (fault?.kind === "drop") {
      req.socket.destroy()
      return
    }
    if (fault?.kind === "non_envelope") {
      return sendNonEnvelope(res, fault.status ?? 404, fault.body ?? "html")
    }
    if (fault?.kind === "5xx") {
      return envelope(res, 503, -1, "Service Unavailable (sandbox fault)", null)
    }
    if (fault?.kind === "refused") {
      return envelope(res, 200, -1, "The PG refused the request (sandbox fault)", null)
    }
    if (fault?.kind === "slow") {
      await sleep(fault.delayMs)
    }
    try {
      if (fault?.kind === "slow_after") {
        // i'mport acts at once and answers late: a caller that dies in the meantime never learns what it did.
        const answer = deferred(res)
        await route.handler(ctx, req, answer.res, paramsOf(match), url.searchParams)
        await sleep(fault.delayMs)
        return answer.flush()
      }
      if (fault?.kind === "5xx_after") {
        // The work is done, the answer is lost: the caller cannot tell whether i'mport acted.
        await route.handler(ctx, req, discard(res), paramsOf(match), url.searchParams)
        return envelope(res, 502, -1, "Bad Gateway (sandbox fault after processing)", null)
      }
      return await route.handler(ctx, req, res, paramsOf(match), url.searchParams)
    } catch (error) {
      if (error instanceof BadRequest) {
        return envelope(res, 400, 1, error.message, null)
      }
      if (refusalToEnvelope(res, error)) {
        return
      }
      throw error
    }
  }
  envelope(res, 404, 1, `No route ${method} ${url.pathname}`, null)
}

function refuse(res: ServerResponse, refusal: Refusal): void {
  send(res, refusal.status, { message: refusal.message })
}

/** Records the call once answered; the token is shown by its first characters only, and getToken's body not at all. */
function logCallWhenAnswered(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const token = tokenOf(req)
  const auth = token
    ? `token ${token.replace(/^Bearer\s+/i, "").slice(0, 4)}… (masked)`
    : url.pathname === "/users/getToken"
      ? "imp_key, imp_secret (masked)"
      : "none"
  const at = Date.now()
  res.once("close", () =>
    ctx.logCall({
      at,
      method: req.method ?? "GET",
      path: `${url.pathname}${url.search}`,
      status: res.writableFinished ? res.statusCode : 0,
      auth,
    })
  )
}

/** Path parameters, decoded; an optional group that did not match is "". */
function paramsOf(match: RegExpExecArray): string[] {
  return match.slice(1).map((value) => (value === undefined ? "" : decodeURIComponent(value)))
}

function tokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? req.headers["x-imptokenheader"]
  return Array.isArray(header) ? header[0] : header
}

/** What a proxy or a wrong host answers: never i'mport's `{code, message, response}` envelope. */
function sendNonEnvelope(res: ServerResponse, status: number, body: NonEnvelopeBody): void {
  const reason = http.STATUS_CODES[status] ?? "Error"
  if (body === "empty") {
    res.writeHead(status, { "content-length": 0 })
    res.end()
    return
  }
  if (body === "json") {
    send(res, status, { error: reason, status, path: "sandbox fault" })
    return
  }
  const page = `<html><head><title>${status} ${reason}</title></head><body><center><h1>${status} ${reason}</h1></center><hr><center>nginx</center></body></html>`
  res.writeHead(status, { "content-type": "text/html", "content-length": Buffer.byteLength(page) })
  res.end(page)
}

/** A response that swallows what the handler writes. */
/** A response whose head and body are written only on flush(). */
function deferred(res: ServerResponse): { res: ServerResponse; flush: () => void } {
  const writes: (() => void)[] = []
  const proxy = Object.create(res, {
    writeHead: {
      value: (...args: Parameters<ServerResponse["writeHead"]>) => (writes.push(() => res.writeHead(...args)), proxy),
    },
    end: { value: (...args: unknown[]) => (writes.push(() => (res.end as (...a: unknown[]) => void)(...args)), proxy) },
    headersSent: { value: false },
  }) as ServerResponse
  return { res: proxy, flush: () => writes.splice(0).forEach((write) => write()) }
}

function discard(res: ServerResponse): ServerResponse {
  return Object.create(res, {
    writeHead: { value: () => undefined },
    end: { value: () => undefined },
    headersSent: { value: false },
  }) as ServerResponse
}
