import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import type { IncomingMessage } from "node:http"
import net from "node:net"

/**
 * Who may drive the control API (`/sandbox/*`) and read the pages that carry its token.
 *
 * Any web page open on the developer's machine can send requests to loopback. Three rules keep it out:
 * - the per-run token in `x-sandbox-token`: a custom header cannot ride on a cross-origin "simple request", and the
 *   preflight it forces gets no CORS answer, so only a caller that knows the token gets through;
 * - JSON only: every POST and DELETE, a body or not, says application/json; a form, text/plain or bodiless post
 *   (what a page can send without a preflight) is refused before it is read;
 * - a loopback `Host`: a DNS-rebinding page reaches 127.0.0.1 under its own name, and must not read the control page
 *   (or the widget) and the token in it.
 */

export const CONTROL_TOKEN_HEADER = "x-sandbox-token"

/** A token the sandbox accepts from `--control-token`: header-, shell- and HTML-safe, and not trivially guessed. */
export const CONTROL_TOKEN_SHAPE = /^[A-Za-z0-9._~-]{16,256}$/

/** 192 random bits, base64url: copyable into a shell without quoting. */
export function newControlToken(): string {
  return randomBytes(24).toString("base64url")
}

export type Refusal = { status: number; message: string }

/** Whether a name or address is this machine: localhost, 127.0.0.0/8, ::1 (also IPv4-mapped 127/8). */
export function isLoopbackName(name: string): boolean {
  const host = name.toLowerCase()
  if (host === "localhost") {
    return true
  }
  if (net.isIPv4(host)) {
    return host.startsWith("127.")
  }
  if (net.isIPv6(host)) {
    // The URL parser writes every spelling of an IPv6 address the same way ("::ffff:127.0.0.1" → "::ffff:7f00:1").
    const normal = new URL(`http://[${host}]`).hostname
    return normal === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(normal)
  }
  return false
}

/** A `Host` header that names this machine, with any port: `localhost:8891`, `127.0.0.1`, `[::1]:8891`. */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  // Parsed by hand, not with URL, which would read "evil.example@127.0.0.1" as 127.0.0.1.
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+))(?::\d{1,5})?$/.exec(header ?? "")
  return match !== null && isLoopbackName(match[1] ?? match[2])
}

/** The token check, in constant time: both sides are hashed first, so their lengths are equal and not revealed. */
export function tokenMatches(expected: string, given: string | string[] | undefined): boolean {
  if (typeof given !== "string") {
    return false
  }
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest()
  return timingSafeEqual(digest(expected), digest(given))
}

export function isJsonContentType(header: string | undefined): boolean {
  return (header ?? "").split(";")[0].trim().toLowerCase() === "application/json"
}

type Guarded = { controlToken: string; options: { host: string } }

/** A request whose `Host` is not this machine, while the sandbox listens on loopback only: a DNS-rebinding page. */
export function hostRefusal(ctx: Guarded, req: IncomingMessage): Refusal | null {
  if (!isLoopbackName(ctx.options.host) || isLoopbackHostHeader(req.headers.host)) {
    return null
  }
  return {
    status: 421,
    message:
      "The sandbox listens on loopback and answers its APIs and pages only under a loopback Host (localhost, 127.0.0.1, [::1]); this request named another host, as a DNS-rebinding page would.",
  }
}

/**
 * The control API's rules, in order: Host, token (all but GET /sandbox/health), then JSON for whatever is not a GET.
 * The answer never repeats the token.
 */
export function controlRefusal(ctx: Guarded, req: IncomingMessage, needsToken: boolean): Refusal | null {
  const host = hostRefusal(ctx, req)
  if (host) {
    return host
  }
  if (needsToken && !tokenMatches(ctx.controlToken, req.headers[CONTROL_TOKEN_HEADER])) {
    return {
      status: 401,
      message: `Missing or wrong ${CONTROL_TOKEN_HEADER} header. Every /sandbox call but GET /sandbox/health needs the control token iamport-sandbox printed at start (in code: RunningSandbox.controlToken; fixed with --control-token).`,
    }
  }
  const method = req.method ?? "GET"
  if (method !== "GET" && method !== "HEAD" && !isJsonContentType(req.headers["content-type"])) {
    return {
      status: 415,
      message: `The sandbox's control API takes ${method} only with content-type: application/json, even with no body (a form or text post is what any web page could send here).`,
    }
  }
  return null
}

/**
 * The pages that carry the token (control page, widget): a loopback Host, and a client on this machine, so that a
 * sandbox bound to the network with --unsafe-host does not hand its token to whoever asks.
 */
export function pageRefusal(ctx: Guarded, req: IncomingMessage): Refusal | null {
  const host = hostRefusal(ctx, req)
  if (host) {
    return host
  }
  const remote = req.socket.remoteAddress
  if (!remote || !isLoopbackName(remote) || !isLoopbackHostHeader(req.headers.host)) {
    return {
      status: 403,
      message:
        "This page carries the sandbox's control token, so it is served only to a browser on the sandbox's own machine, under http://localhost or http://127.0.0.1.",
    }
  }
  return null
}
