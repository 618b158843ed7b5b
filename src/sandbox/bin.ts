#!/usr/bin/env node
import { parseArgs } from "node:util"
import { SANDBOX_IMP_KEY, SANDBOX_IMP_SECRET } from "./context"
import { type RunningSandbox, startSandbox } from "./server"

const USAGE = `iamport-sandbox: a local i'mport (PortOne V1) + Paymentwall stand-in. No network, no real cards.

  --port N                 listen port (default 8891; 0 picks one)
  --host H                 listen address (default 127.0.0.1)
  --webhook-url URL        where to send notifications, e.g.
                           http://localhost:9000/hooks/payment/iamport-paymentwall_paymentwall
  --webhook-format F       json (default) or form
  --settle-after-ms N      Paymentwall settles each cancel ticket by itself after N ms (default: only on request)
  --settle-result R        approved (default) or rejected, for --settle-after-ms
  --imp-key K, --imp-secret S   credentials it accepts (default ${SANDBOX_IMP_KEY} / ${SANDBOX_IMP_SECRET})
  --state-file F           keep payments and tickets in this JSON file across restarts (default: memory only)
  --quiet                  do not print each request`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8891" },
      host: { type: "string", default: "127.0.0.1" },
      "webhook-url": { type: "string" },
      "webhook-format": { type: "string", default: "json" },
      "settle-after-ms": { type: "string" },
      "settle-result": { type: "string", default: "approved" },
      "imp-key": { type: "string" },
      "imp-secret": { type: "string" },
      "state-file": { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return
  }
  const format = values["webhook-format"]
  const result = values["settle-result"]
  const port = Number(values.port)
  if ((format !== "json" && format !== "form") || (result !== "approved" && result !== "rejected") || !Number.isInteger(port)) {
    console.error(USAGE)
    process.exitCode = 2
    return
  }
  let sandbox: RunningSandbox
  try {
    sandbox = await startSandbox({
      port,
      host: values.host,
      impKey: values["imp-key"],
      impSecret: values["imp-secret"],
      webhook: { url: values["webhook-url"] ?? null, format },
      ticketSettleAfterMs: values["settle-after-ms"] ? Number(values["settle-after-ms"]) : null,
      ticketAutoResult: result,
      log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
      stateFile: values["state-file"],
    })
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === "EADDRINUSE" || code === "EACCES") {
      console.error(`iamport-sandbox: port ${port} on ${values.host} is ${code === "EADDRINUSE" ? "in use" : "not allowed"}; choose another with --port N (0 picks a free one).`)
      process.exitCode = 1
      return
    }
    throw error
  }
  console.log(`iamport-sandbox listening on ${sandbox.url} (apiBaseUrl for the provider; its state lives in memory and ends with it)`)
  console.log(`  storefront script: ${sandbox.url}/v1/iamport.js`)
  const stop = (): void => void sandbox.close().then(() => process.exit(0))
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
}

void main()
