import http from "node:http"
import https from "node:https"
import type { IamportWebhookBody } from "../lib/iamport/types"
import { sleep } from "./http-util"

export type WebhookConfig = {
  /** Where i'mport's console would send notifications. Nothing is sent while unset. */
  url: string | null
  format: "json" | "form"
  /** Each notification is sent this many times at once (a duplicate-delivery fault). */
  copies: number
  /** Wait before sending. */
  delayMs: number
  /** Hold notifications until `flush()`, which sends them newest first (an out-of-order fault). */
  hold: boolean
}

export type Delivery = {
  body: IamportWebhookBody
  format: "json" | "form"
  status: number | null
  error: string | null
  at: string
}

/** Sends V1 notifications: unsigned, JSON or form-encoded, once (i'mport's default), errors swallowed. */
export class WebhookDispatcher {
  config: WebhookConfig
  readonly deliveries: Delivery[] = []
  readonly #held: IamportWebhookBody[] = []
  readonly #inFlight = new Set<Promise<void>>()

  constructor(config: Partial<WebhookConfig> = {}) {
    this.config = { url: null, format: "json", copies: 1, delayMs: 0, hold: false, ...config }
  }

  configure(patch: Partial<WebhookConfig>): WebhookConfig {
    this.config = { ...this.config, ...patch }
    return this.config
  }

  notify(body: IamportWebhookBody): void {
    if (this.config.hold) {
      this.#held.push(body)
      return
    }
    this.#track(this.#deliver(body, this.config.copies, this.config.delayMs))
  }

  /** Sends what was held, newest first, each after the previous one was answered. */
  flush(): number {
    const held = this.#held.splice(0).reverse()
    this.#track(
      (async () => {
        for (const body of held) {
          await this.#deliver(body, this.config.copies, 0)
        }
      })()
    )
    return held.length
  }

  /** Resolves when every notification started so far has been answered (tests and the demo wait on it). */
  async idle(): Promise<void> {
    while (this.#inFlight.size) {
      await Promise.all([...this.#inFlight])
    }
  }

  clear(): void {
    this.deliveries.length = 0
    this.#held.length = 0
  }

  #track(work: Promise<void>): void {
    this.#inFlight.add(work)
    void work.finally(() => this.#inFlight.delete(work))
  }

  async #deliver(body: IamportWebhookBody, copies: number, delayMs: number): Promise<void> {
    const { url, format } = this.config
    if (!url) {
      return
    }
    if (delayMs > 0) {
      await sleep(delayMs)
    }
    await Promise.all(Array.from({ length: Math.max(1, copies) }, () => this.#post(url, format, body)))
  }

  async #post(url: string, format: "json" | "form", body: IamportWebhookBody): Promise<void> {
    const clean = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined && v !== null)) as Record<
      string,
      string
    >
    const text = format === "json" ? JSON.stringify(clean) : new URLSearchParams(clean).toString()
    const record: Delivery = { body: clean, format, status: null, error: null, at: new Date().toISOString() }
    this.deliveries.push(record)
    try {
      record.status = await post(
        url,
        text,
        format === "json" ? "application/json" : "application/x-www-form-urlencoded"
      )
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error)
    }
  }
}

function post(url: string, body: string, contentType: string): Promise<number> {
  const target = new URL(url)
  const transport = target.protocol === "https:" ? https : http
  return new Promise((resolve, reject) => {
    const req = transport.request(
      target,
      {
        method: "POST",
        headers: {
          "content-type": contentType,
          "content-length": Buffer.byteLength(body),
          "user-agent": "iamport-sandbox",
        },
        // i'mport's first delivery: connect 10 s, read 30 s. One connection per notification, as i'mport does.
        timeout: 30_000,
        agent: false,
      },
      (res) => {
        res.resume()
        res.on("end", () => resolve(res.statusCode ?? 0))
      }
    )
    req.on("timeout", () => req.destroy(new Error("webhook timed out")))
    req.on("error", reject)
    req.end(body)
  })
}
