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
import type {
  IamportCancelRequest,
  IamportEnvelope,
  IamportPayment,
  IamportPaymentStatus,
  IamportPrepared,
  IamportPrepareRequest,
  IamportToken,
  PaymentwallDeliveryRequest,
  PaymentwallDeliveryResult,
} from "./types"

export const DEFAULT_API_BASE_URL = "https://api.iamport.kr"

export type IamportClientOptions = {
  impKey: string
  impSecret: string
  baseUrl?: string
  /** Per HTTP call. */
  timeoutMs?: number
  /** Test mode: i'mport hides test-channel payments from lookups without `include_sandbox=true` (since 2026-01-26). */
  includeSandbox?: boolean
  /** Extra attempts for reads after a transport failure or 5xx (not after a non-i'mport answer). Writes are never re-sent. */
  readRetries?: number
  retryBaseDelayMs?: number
  /** A cached token is renewed this many seconds before i'mport's `expired_at`. */
  tokenRenewMarginSec?: number
}

type Method = "GET" | "POST" | "PUT"

type Call = {
  method: Method
  /** Path with ids already encoded. */
  path: string
  /** Template for errors and logs: never carries ids, query or body. */
  endpoint: string
  query?: string
  body?: object
}

const MULTI_GET_LIMIT = 100

/** Defaults for reads: extra attempts after a transport failure or 5xx, and the first backoff. */
export const READ_RETRIES = 2
export const RETRY_BASE_DELAY_MS = 200

/**
 * A typed i'mport V1 REST client: token cache with single-flight renewal, envelope checks, typed errors,
 * a timeout on every call, and bounded retries for reads only (a cancel is never re-sent blindly).
 * Holds the key and secret privately; no error or log line it makes carries them.
 */
export class IamportClient {
  readonly baseUrl: string
  readonly includeSandbox: boolean
  readonly #credentials: { imp_key: string; imp_secret: string }
  readonly #http: AxiosInstance
  readonly #readRetries: number
  readonly #retryBaseDelayMs: number
  readonly #renewMarginMs: number
  #token: { value: string; renewAtMs: number } | undefined
  #tokenInFlight: Promise<string> | undefined

  constructor(options: IamportClientOptions) {
    this.#credentials = { imp_key: options.impKey, imp_secret: options.impSecret }
    this.baseUrl = (options.baseUrl ?? DEFAULT_API_BASE_URL).replace(/\/+$/, "")
    this.includeSandbox = options.includeSandbox ?? false
    this.#readRetries = options.readRetries ?? READ_RETRIES
    this.#retryBaseDelayMs = options.retryBaseDelayMs ?? RETRY_BASE_DELAY_MS
    this.#renewMarginMs = (options.tokenRenewMarginSec ?? 60) * 1000
    this.#http = axios.create({
      baseURL: this.baseUrl,
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

  /** Keep the secret out of `console.log(client)` and `JSON.stringify(client)`. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, includeSandbox: this.includeSandbox }
  }

  getPayment(impUid: string): Promise<IamportPayment> {
    return this.#authed<IamportPayment>({
      method: "GET",
      path: `/payments/${encodeURIComponent(impUid)}`,
      endpoint: "GET /payments/{imp_uid}",
      query: this.#sandboxQuery(),
    })
  }

  /**
   * The newest attempt for a merchant_uid (optionally in one status), or null when i'mport has none.
   * One merchant_uid can carry several attempts (failed, then paid).
   */
  async findPayment(merchantUid: string, status?: IamportPaymentStatus): Promise<IamportPayment | null> {
    const suffix = status ? `/${status}` : ""
    return this.#orNull(
      this.#authed<IamportPayment>({
        method: "GET",
        path: `/payments/find/${encodeURIComponent(merchantUid)}${suffix}`,
        endpoint: `GET /payments/find/{merchant_uid}${suffix}`,
        query: this.#sandboxQuery("sorting=-started"),
      })
    )
  }

  /** Many payments at once, 100 per call; unknown ids are left out (i'mport answers 207 or 404). */
  async getPayments(impUids: readonly string[]): Promise<IamportPayment[]> {
    const unique = [...new Set(impUids)]
    const found: IamportPayment[] = []
    for (let i = 0; i < unique.length; i += MULTI_GET_LIMIT) {
      const chunk = unique.slice(i, i + MULTI_GET_LIMIT)
      const ids = chunk.map((id) => `imp_uid[]=${encodeURIComponent(id)}`).join("&")
      const page = await this.#orNull(
        this.#authed<IamportPayment[]>({
          method: "GET",
          path: "/payments",
          endpoint: "GET /payments?imp_uid[]",
          query: this.#sandboxQuery(ids),
        })
      )
      found.push(...(page ?? []))
    }
    return found
  }

  preparePayment(request: IamportPrepareRequest): Promise<IamportPrepared> {
    return this.#authed({ method: "POST", path: "/payments/prepare", endpoint: "POST /payments/prepare", body: request })
  }

  updatePreparedPayment(request: IamportPrepareRequest): Promise<IamportPrepared> {
    return this.#authed({ method: "PUT", path: "/payments/prepare", endpoint: "PUT /payments/prepare", body: request })
  }

  getPreparedPayment(merchantUid: string): Promise<IamportPrepared | null> {
    return this.#orNull(
      this.#authed<IamportPrepared>({
        method: "GET",
        path: `/payments/prepare/${encodeURIComponent(merchantUid)}`,
        endpoint: "GET /payments/prepare/{merchant_uid}",
      })
    )
  }

  /** Never retried: after a transport failure the outcome is unknown and the caller must re-read first. */
  cancelPayment(request: IamportCancelRequest): Promise<IamportPayment> {
    return this.#authed({ method: "POST", path: "/payments/cancel", endpoint: "POST /payments/cancel", body: request })
  }

  paymentwallDelivery(request: PaymentwallDeliveryRequest): Promise<PaymentwallDeliveryResult> {
    return this.#authed({
      method: "POST",
      path: "/paymentwall/delivery",
      endpoint: "POST /paymentwall/delivery",
      body: request,
    })
  }

  /** Forget the cached token (tests, key rotation). */
  resetToken(): void {
    this.#token = undefined
  }

  /** Null only for i'mport's own 404 envelope; a 404 from anything else throws (see `interpret`). */
  async #orNull<T>(call: Promise<T>): Promise<T | null> {
    try {
      return await call
    } catch (error) {
      if (error instanceof IamportNotFoundError) {
        return null
      }
      throw error
    }
  }

  #sandboxQuery(extra?: string): string | undefined {
    const parts = [extra, this.includeSandbox ? "include_sandbox=true" : undefined].filter(Boolean)
    return parts.length ? parts.join("&") : undefined
  }

  async #authed<T>(call: Call): Promise<T> {
    const token = await this.#accessToken()
    try {
      return await this.#withReadRetries<T>(call, token)
    } catch (error) {
      if (!(error instanceof IamportAuthenticationError)) {
        throw error
      }
      // The token was revoked or expired early: renew once and try once more.
      if (this.#token?.value === token) {
        this.#token = undefined
      }
      return this.#withReadRetries<T>(call, await this.#accessToken())
    }
  }

  async #accessToken(): Promise<string> {
    if (this.#token && Date.now() < this.#token.renewAtMs) {
      return this.#token.value
    }
    // One renewal in flight, however many calls wait for it.
    this.#tokenInFlight ??= this.#renewToken().finally(() => {
      this.#tokenInFlight = undefined
    })
    return this.#tokenInFlight
  }

  async #renewToken(): Promise<string> {
    const endpoint = "POST /users/getToken"
    let token: IamportToken
    try {
      token = await this.#send<IamportToken>(
        { method: "POST", path: "/users/getToken", endpoint, body: this.#credentials },
        undefined
      )
    } catch (error) {
      if (error instanceof IamportAuthenticationError || error instanceof IamportRefusedError) {
        throw new IamportAuthenticationError(
          `i'mport refused the REST API key and secret: ${error.message}`,
          endpoint,
          error.httpStatus
        )
      }
      throw error
    }
    if (typeof token.access_token !== "string" || !Number.isFinite(token.expired_at) || !Number.isFinite(token.now)) {
      throw new IamportTransportError("i'mport answered getToken without a token", endpoint)
    }
    // Judge the lifetime by i'mport's own clock (`expired_at - now`), not ours.
    const lifetimeMs = Math.max(0, token.expired_at - token.now) * 1000
    this.#token = { value: token.access_token, renewAtMs: Date.now() + lifetimeMs - this.#renewMarginMs }
    return token.access_token
  }

  async #withReadRetries<T>(call: Call, token: string): Promise<T> {
    const attempts = call.method === "GET" ? 1 + this.#readRetries : 1
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#send<T>(call, token)
      } catch (error) {
        if (!worthRetrying(error) || attempt >= attempts) {
          throw error
        }
        const backoff = this.#retryBaseDelayMs * 2 ** (attempt - 1)
        await new Promise((resolve) => setTimeout(resolve, backoff / 2 + Math.random() * (backoff / 2)))
      }
    }
  }

  async #send<T>(call: Call, token: string | undefined): Promise<T> {
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
    throw new IamportRefusedError(envelope.code, envelope.message || `i'mport refused (code ${envelope.code})`, endpoint, status)
  }
  if (status >= 300 || envelope.response === null || envelope.response === undefined) {
    throw new IamportTransportError(`i'mport answered ${endpoint} with HTTP ${status} and no response`, endpoint, status)
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
