#!/usr/bin/env node
/* Benchmark: i'mport calls per operation, the client's own overhead against a bare HTTP round trip, and peak
 * memory, all against the local sandbox on loopback. Prints figures; it never fails on a time.
 * Needs `npm run build` first (it measures the built plugin, as a store runs it). */
const http = require("node:http")
const path = require("node:path")
const axios = require("axios")

const built = path.join(__dirname, "..", ".medusa", "server", "src")
const { startSandbox } = require(path.join(built, "sandbox"))
const { IamportClient } = require(path.join(built, "lib", "iamport", "client"))
const { IamportPaymentwallProviderService } = require(path.join(built, "providers", "iamport-paymentwall", "service"))

const CALLS = Number(process.env.BENCH_CALLS || 1000)
const quietLogger = { warn() {}, info() {}, error() {}, debug() {} }

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

function bareGet(agent, url, token) {
  return new Promise((resolve, reject) => {
    const req = http.get(
      url,
      { agent, headers: { authorization: `Bearer ${token}`, accept: "application/json" } },
      (res) => {
        const chunks = []
        res.on("data", (c) => chunks.push(c))
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))))
      }
    )
    req.on("error", reject)
  })
}

async function main() {
  let peakRss = process.memoryUsage().rss
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20)
  const sandbox = await startSandbox({ tokenLifetimeSec: 1800 })
  const count = (route) => sandbox.context.stats.get(route) || 0
  const total = () => [...sandbox.context.stats.values()].reduce((a, b) => a + b, 0)
  const options = {
    impKey: "sandbox_imp_key",
    impSecret: "sandbox_imp_secret",
    impCode: "imp12345678",
    pg: "paymentwall",
    mode: "test",
    apiBaseUrl: sandbox.url,
  }
  const provider = new IamportPaymentwallProviderService({ logger: quietLogger }, options)

  // A paid payment to look up.
  const init = await provider.initiatePayment({
    amount: 13000,
    currency_code: "krw",
    data: { session_id: "payses_01BENCH00000000000000000000" },
  })
  const pay = await fetch(`${sandbox.url}/sandbox/pay`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-sandbox-token": sandbox.controlToken },
    body: JSON.stringify({ merchant_uid: init.data.merchant_uid, outcome: "paid" }),
  }).then((r) => r.json())

  console.log("i'mport calls per operation (counted by the sandbox)")
  sandbox.context.stats.clear()
  const client = new IamportClient({
    impKey: options.impKey,
    impSecret: options.impSecret,
    baseUrl: sandbox.url,
    includeSandbox: true,
  })
  for (let i = 0; i < CALLS; i++) await client.getPayment(pay.imp_uid)
  console.log(`  getToken per ${CALLS} calls while the token lives: ${count("POST /users/getToken")}`)

  const rows = []
  const measure = async (name, fn) => {
    sandbox.context.stats.clear()
    await fn()
    rows.push([name, total(), [...sandbox.context.stats.entries()].map(([k, v]) => `${k} x${v}`).join(", ")])
  }
  const authorized = await provider.authorizePayment({ data: init.data }) // also warms the provider's token
  await measure("initiatePayment (prepare)", () =>
    provider.initiatePayment({
      amount: 5000,
      currency_code: "krw",
      data: { session_id: "payses_01BENCH00000000000000000001" },
    })
  )
  await measure("authorizePayment (paid)", () => provider.authorizePayment({ data: init.data }))
  await measure("webhook (paid)", () =>
    provider.getWebhookActionAndData({ data: { imp_uid: pay.imp_uid, status: "paid" }, rawData: "", headers: {} })
  )
  // Medusa's door (the provider, which looks nothing up for a cancellation) plus the plugin subscriber's one
  // settlement lookup (workflows/settlement/steps/look-up-for-settlement); integration-tests/http/refunds.spec.ts counts the same
  // through a running app.
  await measure("webhook (cancellation)", async () => {
    await provider.getWebhookActionAndData({
      data: { imp_uid: pay.imp_uid, status: "cancelled", cancellation_id: "cxl_bench" },
      rawData: "",
      headers: {},
    })
    await provider.lookupPayment(pay.imp_uid)
  })
  // An admin's refund (the stock Refund form, POST /admin/payments/:id/refund) becomes a cancel ticket, sent by the
  // plugin's workflow from the snapshot authorizePayment kept, once it has checked it current: one call (see
  // workflows/refunds/steps/send-cancel-request.ts and providers/iamport-paymentwall/cancel.ts).
  await measure("refundPayment (ticket)", () =>
    provider.cancelAtIamport(
      pay.imp_uid,
      { amount: 1000, reason: "Refund requested in Medusa" },
      authorized.data.iamport
    )
  )
  // Medusa's own refunds through the provider (an order cancel): nothing proves the kept snapshot current, so it reads
  // first: two calls.
  await measure("refundPayment (order cancel)", () =>
    provider.refundPayment({ amount: 1000, data: authorized.data, context: { idempotency_key: "ref_bench" } })
  )
  for (const [name, calls, detail] of rows) console.log(`  ${name.padEnd(28)} ${calls} call(s): ${detail}`)

  console.log(
    `\nclient overhead over ${CALLS} GET /payments/{imp_uid}, against a bare keep-alive http.get of the same URL`
  )
  const token = sandbox.context.token.value
  const url = `${sandbox.url}/payments/${pay.imp_uid}?include_sandbox=true`
  const agent = new http.Agent({ keepAlive: true })
  for (let i = 0; i < 200; i++) {
    await bareGet(agent, url, token)
    await client.getPayment(pay.imp_uid)
  }
  // axios alone, configured as the client configures it: separates axios's cost from the client's own.
  const plainAxios = axios.create({
    httpAgent: agent,
    validateStatus: () => true,
    maxRedirects: 0,
    headers: { authorization: `Bearer ${token}` },
  })
  for (let i = 0; i < 200; i++) await plainAxios.get(url)
  const bare = []
  const viaAxios = []
  const viaClient = []
  for (let i = 0; i < CALLS; i++) {
    // Interleaved, so all three see the same machine state.
    let t = performance.now()
    await bareGet(agent, url, token)
    bare.push(performance.now() - t)
    t = performance.now()
    await plainAxios.get(url)
    viaAxios.push(performance.now() - t)
    t = performance.now()
    await client.getPayment(pay.imp_uid)
    viaClient.push(performance.now() - t)
  }
  for (const list of [bare, viaAxios, viaClient]) list.sort((a, b) => a - b)
  const us = (ms) => `${(ms * 1000).toFixed(0)} µs`
  for (const p of [50, 99]) {
    const b = percentile(bare, p)
    const a = percentile(viaAxios, p)
    const c = percentile(viaClient, p)
    console.log(
      `  p${p}: bare ${us(b)}, axios alone ${us(a)}, client ${us(c)}; client/bare ${(c / b).toFixed(2)}x (goal <= 1.2x), client/axios ${(c / a).toFixed(2)}x`
    )
  }

  clearInterval(sampler)
  peakRss = Math.max(peakRss, process.memoryUsage().rss)
  console.log(
    `\npeak memory: rss ${(peakRss / 1048576).toFixed(1)} MiB (sampled), max rss ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB (kernel), heap used ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} MiB`
  )
  agent.destroy()
  await sandbox.close()
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
