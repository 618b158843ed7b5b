import type { IamportWebhookBody } from "../../lib/iamport/types"

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

/** The sender's address as the store's proxy reports it (first X-Forwarded-For hop, else X-Real-IP). */
export function webhookSourceIp(headers: Record<string, unknown> | undefined): string | undefined {
  const forwarded = header(headers, "x-forwarded-for")
  const first = forwarded?.split(",")[0]?.trim()
  return first || header(headers, "x-real-ip")?.trim() || undefined
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
