import fc from "fast-check"
import { describeStore } from "../helpers/runner"
import { commandArbitraries } from "./arbitraries"
import { approvalReasonOf, fuzzConfig } from "./config"
import { emptyModel } from "./model"
import { createOrder } from "./payment-actions"
import { afterStep, counters, FuzzFailure } from "./step"
import { startWebhookSink } from "./webhook-sink"
import { World } from "./world"

/**
 * The ledger invariants of docs/design.md as a property: fast-check generates sequences of what buyers, Paymentwall,
 * i'mport's console, attackers, the network and shop admins do, runs them against a real Medusa app on PostgreSQL
 * and the project's sandbox, and checks every invariant for every payment after every step. `npm run fuzz`.
 */
describeStore(({ api, getContainer, sandbox, store }) => {
  const config = fuzzConfig()
  let sink: Awaited<ReturnType<typeof startWebhookSink>> | undefined

  beforeAll(async () => {
    sink = await startWebhookSink()
  })
  afterAll(async () => {
    await sink?.close()
  })

  it(
    "the ledger invariants hold after every step of generated action sequences",
    async () => {
      const world = new World(api, getContainer, sandbox, store())
      world.verbose = config.verbose
      const started = Date.now()
      let runs = 0
      let shrinkRuns = 0
      let firstFailureAt: number | null = null
      let shrinkStopped = false
      /** Subscriber errors the event bus would only have logged, by kind. */
      const warnings = new Map<string, number>()

      const property = fc.asyncProperty(
        // Unbiased: sequence lengths spread evenly up to --steps, instead of fast-check's bias towards short ones.
        fc.noBias(
          fc.commands(commandArbitraries(), {
            maxCommands: config.steps,
            size: "max",
            ...(config.replayPath ? { replayPath: config.replayPath } : {}),
          })
        ),
        async (commands) => {
          if (firstFailureAt !== null) {
            if (Date.now() - firstFailureAt > config.shrinkSeconds * 1000) {
              // Out of shrinking time: every further candidate "passes", so fast-check reports the smallest so far.
              shrinkStopped = true
              return
            }
            shrinkRuns += 1
          } else {
            runs += 1
          }
          const run = runs + shrinkRuns
          const setup = async () => {
            const model = emptyModel(run, config.maxOrders)
            world.transcript = []
            world.warnings = []
            const ctx = sandbox().context
            ctx.faults.length = 0
            ctx.options.approvalReason = approvalReasonOf(config, run)
            world.liveness = []
            ctx.webhooks.configure({ url: sink!.url, hold: false, copies: 1, delayMs: 0, format: "json" })
            await ctx.webhooks.idle()
            world.noticeCursor = ctx.webhooks.deliveries.length
            world.log(
              `run ${run} (seed ${config.seed}, i'mport writes the ${ctx.options.approvalReason === "own" ? "its own" : "request's"} reason on an approval)`
            )
            world.log("#0 order(paid)")
            await createOrder(model, world, "paid")
            await afterStep(model, world)
            return { model, real: world }
          }
          try {
            await fc.asyncModelRun(setup, commands)
          } catch (error) {
            firstFailureAt ??= Date.now()
            throw error
          }
          for (const warning of world.warnings) {
            // Ids differ from run to run; the kind of warning is what matters in the summary.
            const kind = warning.replace(
              /\b(pw_payses|pay|pwct|ord|order|payses|pwcn|cxl|imp|ordch)_[A-Za-z0-9]+/g,
              "$1_…"
            )
            warnings.set(kind, (warnings.get(kind) ?? 0) + 1)
          }
        }
      )

      const details = await fc.check(property, {
        seed: config.seed,
        // A replay runs the reported counterexample (and shrinks it further if it still fails), nothing else.
        ...(config.path ? { path: config.path, numRuns: 1 } : { numRuns: config.runs }),
      })
      const seconds = ((Date.now() - started) / 1000).toFixed(0)
      const violations = details.failed ? 1 : 0
      const summary =
        `fuzz: ${counters.steps} steps, ${runs} runs${shrinkRuns ? ` (+${shrinkRuns} shrinking)` : ""}, ${violations} violations, ` +
        `seed ${config.seed}, ${seconds} s, ${(Number(seconds) / Math.max(1, counters.steps)).toFixed(2)} s/step` +
        (counters.ignored ? `, ${counters.ignored} ignored (FUZZ_IGNORE=${process.env.FUZZ_IGNORE})` : "")
      const table = (map: Map<string, number>) =>
        [...map]
          .sort((a, b) => b[1] - a[1])
          .map(([k, n]) => `${k} ${n}`)
          .join(", ")
      process.stdout.write(
        `fuzz: actions: ${table(counters.actions)}\nfuzz: states seen (payment-steps): ${table(counters.states)}\n`
      )
      if (warnings.size) {
        process.stdout.write(
          `fuzz: subscriber errors (logged by the event bus, not failures):\n  ${[...warnings].map(([k, n]) => `${n}x ${k}`).join("\n  ")}\n`
        )
      }
      if (!details.failed) {
        process.stdout.write(`${summary}\n`)
        return
      }
      const error = details.errorInstance
      const body =
        error instanceof FuzzFailure
          ? error.message
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error)
      const ran = [
        ...((details.counterexample?.[0] ?? []) as Iterable<{ hasRan?: boolean; toString(): string }>),
      ].filter((c) => c.hasRan)
      const sequence = [
        "  0. order(paid)  (every run starts with one paid order)",
        ...ran.map((c, i) => `  ${i + 1}. ${String(c)}`),
      ].join("\n")
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- fast-check's commands print their replayPath; their type does not say so
      const replayPath = /replayPath="([^"]*)"/.exec(String(details.counterexample?.[0] ?? ""))?.[1]
      const replay =
        `npm run fuzz -- --seed ${details.seed} --steps ${config.steps} --max-orders ${config.maxOrders} --path "${details.counterexamplePath}"` +
        (replayPath ? ` --replay-path "${replayPath}"` : "")
      const report = [
        `fuzz: a ledger invariant failed. seed ${details.seed}, path ${details.counterexamplePath}`,
        `replay: ${replay}`,
        shrinkStopped
          ? `(shrinking stopped after ${config.shrinkSeconds} s: FUZZ_SHRINK_SECONDS, or replay the path to go on)`
          : "",
        `shrunk ${details.numShrinks} time(s); the sequence of actions:`,
        sequence,
        "",
        body,
        "",
        summary,
      ].join("\n")
      process.stdout.write(`${report}\n`)
      throw new Error(report)
    },
    24 * 3600 * 1000
  )
})
