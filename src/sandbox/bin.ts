#!/usr/bin/env node
import { parseArgs } from "node:util"
import { SANDBOX_IMP_KEY, SANDBOX_IMP_SECRET } from "./context"
import { CONTROL_TOKEN_HEADER, isLoopbackName } from "./control-auth"
import { type RunningSandbox, startSandbox } from "./server"
import { ALLOW_PRODUCTION_ENV, startRefusal } from "./start-guards"

const USAGE = `iamport-sandbox: a local i'mport (PortOne V1) + Paymentwall stand-in. No network, no real cards.

  --port N                 listen port (default 8891; 0 picks one)
  --host H                 listen address (default 127.0.0.1); one that is not loopback needs --unsafe-host
  --unsafe-host            allow a --host reachable from the network: the control API is then guarded by the
                           control token alone (and the control page and widget are served to this machine only)
  --control-token T        the token /sandbox/* calls must send in ${CONTROL_TOKEN_HEADER} (default: random per run,
                           printed at start); 16 to 256 of A-Z a-z 0-9 . _ ~ -
  --allow-production       start even where NODE_ENV=production (also ${ALLOW_PRODUCTION_ENV}=1); it fakes
                           payments and accepts fixed test credentials, so it refuses by default
  --webhook-url URL        where to send notifications, e.g.
                           http://localhost:9000/hooks/payment/iamport-paymentwall_paymentwall
  --webhook-format F       json (default) or form
  --settle-after-ms N      Paymentwall settles each cancel ticket by itself after N ms (default: only on request)
  --settle-result R        approved (default) or rejected, for --settle-after-ms
  --imp-key K, --imp-secret S   credentials it accepts (default ${SANDBOX_IMP_KEY} / ${SANDBOX_IMP_SECRET})
  --state-file F           keep payments and tickets in this JSON file across restarts (default: memory only)
  --quiet                  do not print each request`

/** Hosts that listen on every interface, loopback included. */
const WILDCARDS = new Set(["0.0.0.0", "::", "[::]"])

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
      "control-token": { type: "string" },
      "unsafe-host": { type: "boolean", default: false },
      "allow-production": { type: "boolean", default: false },
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
  if (
    (format !== "json" && format !== "form") ||
    (result !== "approved" && result !== "rejected") ||
    !Number.isInteger(port)
  ) {
    console.error(USAGE)
    process.exitCode = 2
    return
  }
  const guarded = {
    host: values.host,
    controlToken: values["control-token"],
    unsafeHost: values["unsafe-host"],
    allowProduction: values["allow-production"],
  }
  const refusal = startRefusal(guarded)
  if (refusal) {
    console.error(`iamport-sandbox: ${refusal}`)
    process.exitCode = 2
    return
  }
  let sandbox: RunningSandbox
  try {
    sandbox = await startSandbox({
      ...guarded,
      port,
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
      console.error(
        `iamport-sandbox: port ${port} on ${values.host} is ${code === "EADDRINUSE" ? "in use" : "not allowed"}; choose another with --port N (0 picks a free one).`
      )
      process.exitCode = 1
      return
    }
    throw error
  }
  const kept = values["state-file"]
    ? `its state is kept in ${values["state-file"]}`
    : "its state lives in memory and ends with it"
  console.log(`iamport-sandbox listening on ${sandbox.url} (apiBaseUrl for the provider; ${kept})`)
  console.log(`  storefront script: ${sandbox.url}/v1/iamport.js`)
  // The control page carries the token, so it is served only to this machine under a loopback name (control-auth.ts).
  const local = isLoopbackName(values.host)
    ? sandbox.url
    : WILDCARDS.has(values.host)
      ? `http://127.0.0.1:${sandbox.port}`
      : null
  console.log(
    `  control page:      ${local ? `${local}/` : `none on ${values.host} (served to loopback only: bind 0.0.0.0 to have it at 127.0.0.1)`}`
  )
  // Printed once, here: a local per-run token for scripts and curl (the control page carries it by itself).
  console.log(
    `  control token:     ${sandbox.controlToken}   (header ${CONTROL_TOKEN_HEADER}; --control-token fixes it)`
  )
  console.log(
    `  e.g. curl -H '${CONTROL_TOKEN_HEADER}: ${sandbox.controlToken}' ${local ?? sandbox.url}/sandbox/payments`
  )
  if (values["unsafe-host"] && !isLoopbackName(values.host)) {
    console.error(`
  !!! WARNING: --unsafe-host ${values.host}: the sandbox is reachable from the network.
  !!! Its control API (mark payments paid, refund them, reset everything) is guarded only by the control token,
  !!! and its i'mport API by ${values["imp-key"] ? "the --imp-key / --imp-secret you gave" : "the fixed, public sandbox credentials"}. Use a network you trust.
`)
  }
  const stop = (): void => void sandbox.close().then(() => process.exit(0))
  process.on("SIGINT", stop)
  process.on("SIGTERM", stop)
}

void main()
