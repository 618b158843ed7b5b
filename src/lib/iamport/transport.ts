import http from "node:http"
import https from "node:https"
import axios, { type AxiosInstance, type AxiosResponse } from "axios"
import {
  IamportAuthenticationError,
  IamportError,
  IamportNotFoundError,
  IamportRefusedError,
  IamportTimeoutError,
  IamportTransportError,
  IamportUnexpectedAnswerError,
} from "./errors"
import type { IamportEnvelope } from "./types"

/** Defaults for reads: extra attempts after a transport failure or 5xx, and the first backoff. */
export const READ_RETRIES = 2
export const RETRY_BASE_DELAY_MS = 200

type Method = "GET" | "POST" | "PUT"

export type Call = {
  method: Method
  /** Path with ids already encoded. */
  path: string
  /** Template for errors and logs: never carries ids, query or body. */
  endpoint: string
  query?: string
  body?: object
}

export type TransportOptions = {
  baseUrl: string
  /** Per HTTP call. */
  timeoutMs?: number
  readRetries?: number
  retryBaseDelayMs?: number
}

/**
 * HTTP to i'mport: a timeout on every call, i'mport's envelope checked on every answer and turned into typed errors,
 * and bounded retries for reads only. Holds no token or credentials.
 */
export class IamportTransport {
  readonly #http: AxiosInstance
  readonly #readRetries: number
  readonly #retryBaseDelayMs: number

  constructor(options: TransportOptions) {
    this.#readRetries = options.readRetries ?? READ_RETRIES
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? RETRY_BASE_DELAY_MS
    this.#http = axios.create({
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 15_000,
      // Every status is read by `interpret`: i'mport reports failures in the envelope as often as in the status.
      validateStatus: () => true,
      maxRedirects: 0,
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
      headers: { Accept: "application/json" },
    })
  }

  /** Sends a GET again after a transient failure; a write only once, since its outcome is then unknown. */
  async request<T>(call: Call, token: string): Promise<T> {
    const attempts = call.method === "GET" ? 1 + this.#readRetries : 1
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.send<T>(call, token)
      } catch (error) {
        if (!worthRetrying(error) || attempt >= attempts) {
          throw error
        }
        const backoff = this.#retryBaseDelayMs * 2 ** (attempt - 1)
        await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)))
      }
    }
  }

  /** One attempt; getToken's is sent without a token. */
  async send<T>(call: Call, token: string | undefined): Promise<T> {
    let response: AxiosResponse<unknown>
    try {
      response = await this.#http.request({
        method: call.method,
        url: call.query ? `${call.path}?${call.query}` : call.path,
        data: call.body,
        headers: token ? { Authorization: `Bearer ${token}` } : undefined,
      })
    } catch (error) {
      // Rebuild the failure from its code alone: axios errors hold the request config, body and secret included.
      throw transportFailure(error, call.endpoint)
    }
    return interpret<T>(response, call.endpoint)
  }
}

function transportFailure(error: unknown, endpoint: string): IamportError {
  const code = axios.isAxiosError(error) ? error.code : undefined
  if (code === "ETIMEDOUT" || code === "ECONNABORTED") {
    return new IamportTimeoutError(`i'mport did not answer ${endpoint} in time`, endpoint)
  }
  return new IamportTransportError(`Could not reach i'mport for ${endpoint} (${code ?? "network error"})`, endpoint)
}

/**
 * i'mport's envelope as i'mport sends it, on every status: an integer `code` and both `message` (string or null) and
 * `response` keys. Anything else came from something that is not i'mport.
 */
function isEnvelope(body: unknown): body is IamportEnvelope<unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return false
  }
  const { code, message } = body as { code?: unknown; message?: unknown }
  return Number.isInteger(code) && (message === null || typeof message === "string") && "response" in body
}

/** What the answer looked like, in a few words: never any of its content. */
function shapeOf(response: AxiosResponse<unknown>): string {
  const { data } = response
  const type = String(response.headers?.["content-type"] ?? "")
  if (data === undefined || data === null || (typeof data === "string" && data.trim() === "")) {
    return "an empty body"
  }
  if (typeof data === "string") {
    return type.includes("html") || /^\s*</.test(data) ? "an HTML page" : "a text body"
  }
  return "JSON without i'mport's {code, message, response} envelope"
}

function interpret<T>(response: AxiosResponse<unknown>, endpoint: string): T {
  const { status, data } = response
  if (!isEnvelope(data)) {
    // Checked before the status: a proxy's 404 is not i'mport saying "no such payment", nor its 401 a bad token.
    throw new IamportUnexpectedAnswerError(
      `${endpoint} answered HTTP ${status} with ${shapeOf(response)}: not i'mport's answer. Check apiBaseUrl and any proxy between the store and i'mport.`,
      endpoint,
      status
    )
  }
  const envelope = data
  const said = envelope.message ? `: ${envelope.message}` : ""
  if (status === 401) {
    throw new IamportAuthenticationError(`i'mport refused the access token (401)${said}`, endpoint, status)
  }
  if (status === 404) {
    throw new IamportNotFoundError(envelope.message || `i'mport found nothing for ${endpoint}`, endpoint, status)
  }
  if (status >= 500) {
    throw new IamportTransportError(`i'mport answered ${endpoint} with HTTP ${status}${said}`, endpoint, status)
  }
  if (envelope.code !== 0) {
    throw new IamportRefusedError(
      envelope.code,
      envelope.message || `i'mport refused (code ${envelope.code})`,
      endpoint,
      status
    )
  }
  if (status >= 300 || envelope.response === null || envelope.response === undefined) {
    throw new IamportTransportError(
      `i'mport answered ${endpoint} with HTTP ${status} and no response`,
      endpoint,
      status
    )
  }
  return envelope.response as T
}

/**
 * Whether a failed read is worth sending again. A non-envelope answer below 500 (a wrong apiBaseUrl, a proxy's 404 or
 * login page, a redirect) is configuration and comes back the same, so retrying only delays the error; a gateway's
 * 5xx page or a 408/429 in front of i'mport is as transient as i'mport's own 5xx.
 */
function worthRetrying(error: unknown): boolean {
  if (error instanceof IamportUnexpectedAnswerError) {
    const status = error.httpStatus ?? 0
    return status >= 500 || status === 408 || status === 429
  }
  return error instanceof IamportTransportError
}
