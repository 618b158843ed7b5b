import type { IncomingHttpHeaders, IncomingMessage } from "node:http"
import { isIP } from "node:net"
import proxyaddr from "proxy-addr"
import type { IamportWebhookBody } from "../iamport/types"

export type WebhookPayload = {
  data?: Record<string, unknown>
  rawData?: string | Buffer | { type: "Buffer"; data: number[] }
  headers?: Record<string, unknown>
}

const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,80}$/

/**
 * The hints in a V1 webhook, from a JSON or a form-encoded body. Medusa's hook route has usually parsed the
 * body already; the raw body is the fallback (and the only copy after a trip through a Redis event bus).
 */
export function parseWebhookBody(payload: WebhookPayload): IamportWebhookBody {
  const parsed = hasKeys(payload.data) ? payload.data : parseRaw(payload)
  return {
    imp_uid: idOrUndefined(parsed.imp_uid),
    merchant_uid: idOrUndefined(parsed.merchant_uid),
    status: idOrUndefined(parsed.status),
    cancellation_id: idOrUndefined(parsed.cancellation_id),
  }
}

/** A notice as both doors read it: its hints, its sender, and why it is turned away (costing no i'mport call). */
export type Notice = { body: IamportWebhookBody; sender: string | undefined; refused?: string }

/**
 * The one reading of an i'mport notice, for the provider (payments) and the plugin's subscriber (cancellations):
 * the body parsed from JSON or a form, the sender the hook middleware computed, and the allow-list applied.
 */
export function readNotice(payload: WebhookPayload, allowedIps: readonly string[]): Notice {
  const sender = webhookSourceIp(payload.headers)
  const body = parseWebhookBody(payload)
  if (allowedIps.length && (!sender || !allowedIps.includes(sender))) {
    return { body, sender, refused: `sender ${sender ?? "unknown"} is not in webhookAllowedIps` }
  }
  if (!body.imp_uid) {
    return { body, sender, refused: "the body carries no imp_uid" }
  }
  return { body, sender }
}

/**
 * The request header that carries the webhook's sender address from the plugin's hook middleware
 * (src/api/hooks/webhook-sender.ts) to the provider and the inbox. The middleware deletes whatever a client sent
 * under this name and writes the address it computed, so its value is never the client's word.
 */
export const WEBHOOK_SENDER_HEADER = "x-iamport-pw-sender"

/** i'mport's bodies are a few hundred bytes; anything larger is not i'mport (answered with 413). */
export const MAX_WEBHOOK_BODY_BYTES = 16 * 1024

/** Longest header value the plugin keeps (an IPv6 address with a zone fits in 64). */
export const MAX_WEBHOOK_HEADER_CHARS = 64

/**
 * Who may speak for the client in X-Forwarded-For, in Express's `trust proxy` terms: a number of trusted hops
 * counted from the socket, or a list of addresses, CIDRs and proxy-addr's names ("loopback", "uniquelocal", ...).
 */
export type WebhookTrust = number | readonly string[]

export type WebhookSenderRequest = {
  headers: IncomingHttpHeaders
  socket?: { remoteAddress?: string } | null
}

/** Express's compileTrust, without `true` (trusting every hop would take the client's own first entry). */
export function webhookTrustFunction(trust: WebhookTrust): (address: string, hop: number) => boolean {
  if (typeof trust === "number") {
    return (_address, hop) => hop < trust
  }
  return proxyaddr.compile([...trust])
}

/**
 * The sender as Express computes req.ip: X-Forwarded-For walked from the right, starting at the socket, stopping
 * at the first hop that is not trusted. The first entry is the client's own writing and is never taken unless
 * every hop after it is trusted. Undefined when the socket is gone.
 */
export function webhookSenderAddress(
  req: WebhookSenderRequest,
  trust: WebhookTrust | ((address: string, hop: number) => boolean)
): string | undefined {
  if (!req.socket?.remoteAddress) {
    return undefined
  }
  const trusts = typeof trust === "function" ? trust : webhookTrustFunction(trust)
  // proxy-addr reads only req.headers["x-forwarded-for"] and req.socket.remoteAddress.
  const address = proxyaddr(req as IncomingMessage, trusts)
  return address ? capHeaderValue(unmapIPv4(address.trim())) : undefined
}

/** The sender address the hook middleware stamped on the request; no other header is read. */
export function webhookSourceIp(headers: Record<string, unknown> | undefined): string | undefined {
  const value = header(headers, WEBHOOK_SENDER_HEADER)?.trim()
  return value ? capHeaderValue(value) : undefined
}

export function capHeaderValue(value: string): string {
  return value.length > MAX_WEBHOOK_HEADER_CHARS ? value.slice(0, MAX_WEBHOOK_HEADER_CHARS) : value
}

/** A dual-stack server sees IPv4 peers as ::ffff:a.b.c.d; the allow-list is written in plain IPv4. */
function unmapIPv4(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)
  return mapped && isIP(mapped[1]) === 4 ? mapped[1] : address
}

function parseRaw(payload: WebhookPayload): Record<string, unknown> {
  const text = rawText(payload.rawData)
  if (!text) {
    return {}
  }
  const contentType = header(payload.headers, "content-type") ?? ""
  if (contentType.includes("json") || text.trimStart().startsWith("{")) {
    try {
      const value: unknown = JSON.parse(text)
      return hasKeys(value) ? value : {}
    } catch {
      return {}
    }
  }
  return Object.fromEntries(new URLSearchParams(text))
}

function rawText(raw: WebhookPayload["rawData"]): string {
  if (!raw) {
    return ""
  }
  if (typeof raw === "string") {
    return raw
  }
  if (Buffer.isBuffer(raw)) {
    return raw.toString("utf8")
  }
  // A Buffer serialised by a Redis event bus.
  return Array.isArray(raw.data) ? Buffer.from(raw.data).toString("utf8") : ""
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = headers?.[name] ?? headers?.[name.toLowerCase()]
  if (Array.isArray(value)) {
    return typeof value[0] === "string" ? value[0] : undefined
  }
  return typeof value === "string" ? value : undefined
}

function hasKeys(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length > 0
}

function idOrUndefined(value: unknown): string | undefined {
  const text = typeof value === "number" ? String(value) : value
  return typeof text === "string" && ID_PATTERN.test(text.trim()) ? text.trim() : undefined
}
