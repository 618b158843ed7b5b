import type { IncomingMessage, ServerResponse } from "node:http"
import type { Fault, FaultKind, NonEnvelopeBody, SandboxContext } from "./context"
import { BadRequest, booleanField, numberField, readBody, send, stringField } from "./http-util"
import {
  approveLate,
  consoleCancel,
  failPayment,
  fillInEntries,
  notify,
  paymentOrRefuse,
  payThroughWidget,
  settleTicket,
  type WidgetOutcome,
} from "./paymentwall"
import { publicPayment } from "./state"

type Handler = (
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
  query: URLSearchParams
) => Promise<void>

const OUTCOMES = new Set(["paid", "failed", "fraud_review", "ready"])
const FAULT_KINDS = new Set(["5xx", "5xx_after", "slow", "slow_after", "drop", "non_envelope", "refused"])
const NON_ENVELOPE_BODIES = new Set(["html", "empty", "json"])

/**
 * The sandbox's own controls under /sandbox: what a buyer, Paymentwall or i'mport's console would do, and
 * injected faults. server.ts checks each call first (control-auth.ts): a loopback Host, the run's token in
 * x-sandbox-token (all but the `open` health check), and JSON for all but GETs.
 */
export const CONTROL_ROUTES: { method: string; pattern: RegExp; handler: Handler; open?: true }[] = [
  {
    method: "GET",
    pattern: /^\/sandbox\/health$/,
    handler: async (_c, _q, res) => send(res, 200, { ok: true }),
    open: true,
  },
  { method: "POST", pattern: /^\/sandbox\/pay$/, handler: pay },
  {
    method: "GET",
    pattern: /^\/sandbox\/payments$/,
    handler: async (ctx, _q, res) => send(res, 200, [...ctx.state.payments.values()].map(publicPayment)),
  },
  { method: "GET", pattern: /^\/sandbox\/payments\/([^/]+)$/, handler: showPayment },
  { method: "POST", pattern: /^\/sandbox\/payments\/([^/]+)\/approve$/, handler: approve },
  { method: "POST", pattern: /^\/sandbox\/payments\/([^/]+)\/fail$/, handler: fail },
  { method: "POST", pattern: /^\/sandbox\/payments\/([^/]+)\/console-cancel$/, handler: consoleRefund },
  { method: "GET", pattern: /^\/sandbox\/tickets$/, handler: listTickets },
  { method: "POST", pattern: /^\/sandbox\/tickets\/([^/]+)\/settle$/, handler: settle },
  { method: "POST", pattern: /^\/sandbox\/faults$/, handler: addFault },
  { method: "POST", pattern: /^\/sandbox\/cancel-mode$/, handler: setCancelMode },
  { method: "POST", pattern: /^\/sandbox\/approval-reason$/, handler: setApprovalReason },
  { method: "POST", pattern: /^\/sandbox\/payments\/([^/]+)\/fill-in$/, handler: fillIn },
  { method: "DELETE", pattern: /^\/sandbox\/faults$/, handler: clearFaults },
  { method: "GET", pattern: /^\/sandbox\/webhooks$/, handler: listWebhooks },
  { method: "POST", pattern: /^\/sandbox\/webhooks\/config$/, handler: configureWebhooks },
  { method: "POST", pattern: /^\/sandbox\/webhooks\/flush$/, handler: flushWebhooks },
  { method: "POST", pattern: /^\/sandbox\/webhooks\/resend$/, handler: resendWebhook },
  {
    method: "GET",
    pattern: /^\/sandbox\/stats$/,
    handler: async (ctx, _q, res) => send(res, 200, Object.fromEntries(ctx.stats)),
  },
  {
    method: "DELETE",
    pattern: /^\/sandbox\/stats$/,
    handler: async (ctx, _q, res) => (ctx.stats.clear(), send(res, 200, {})),
  },
  { method: "GET", pattern: /^\/sandbox\/calls$/, handler: async (ctx, _q, res) => send(res, 200, ctx.calls) },
  {
    method: "GET",
    pattern: /^\/sandbox\/deliveries$/,
    handler: async (ctx, _q, res) => send(res, 200, ctx.state.deliveries),
  },
  {
    method: "POST",
    pattern: /^\/sandbox\/reset$/,
    handler: async (ctx, _q, res) => (ctx.reset(), send(res, 200, { ok: true })),
  },
]

async function pay(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const merchantUid = stringField(body.merchant_uid)
  const outcome = stringField(body.outcome) ?? "paid"
  if (!merchantUid || !OUTCOMES.has(outcome)) {
    throw new BadRequest("merchant_uid is required; outcome is one of paid, failed, fraud_review, ready")
  }
  const payment = payThroughWidget(ctx, {
    merchant_uid: merchantUid,
    outcome: outcome as WidgetOutcome,
    amount: numberField(body.amount),
    currency: stringField(body.currency),
    name: stringField(body.name),
    buyer_email: stringField(body.buyer_email),
    buyer_name: stringField(body.buyer_name),
    sandbox: booleanField(body.sandbox),
    pg_provider: stringField(body.pg_provider),
    ignore_prepare: booleanField(body.ignore_prepare),
    fail_reason: stringField(body.fail_reason),
    approve_after_ms: numberField(body.approve_after_ms),
    refundable: booleanField(body.refundable),
  })
  send(res, 200, publicPayment(payment))
}

async function showPayment(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [impUid]: string[]
): Promise<void> {
  send(res, 200, publicPayment(paymentOrRefuse(ctx, impUid)))
}

async function approve(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [impUid]: string[]
): Promise<void> {
  send(res, 200, publicPayment(approveLate(ctx, impUid)))
}

async function fail(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse, [impUid]: string[]): Promise<void> {
  const body = await readBody(req)
  send(res, 200, publicPayment(failPayment(ctx, impUid, stringField(body.reason) ?? "Card declined")))
}

async function consoleRefund(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  [impUid]: string[]
): Promise<void> {
  const body = await readBody(req)
  const reason = stringField(body.reason) ?? "Refunded in the i'mport console"
  const payment = consoleCancel(
    ctx,
    impUid,
    numberField(body.amount),
    reason,
    body.omit_cancellation_id === true,
    body.pg_tid_later === true
  )
  send(res, 200, publicPayment(payment))
}

async function fillIn(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [impUid]: string[]
): Promise<void> {
  send(res, 200, publicPayment(fillInEntries(ctx, impUid)))
}

async function setApprovalReason(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const reason = stringField((await readBody(req)).reason)
  if (reason !== "request" && reason !== "own") {
    throw new BadRequest("reason is request or own")
  }
  ctx.options.approvalReason = reason
  send(res, 200, { reason })
}

async function listTickets(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  _p: string[],
  query: URLSearchParams
): Promise<void> {
  const impUid = query.get("imp_uid")
  const status = query.get("status")
  send(
    res,
    200,
    [...ctx.state.tickets.values()].filter((t) => (!impUid || t.imp_uid === impUid) && (!status || t.status === status))
  )
}

async function settle(
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  [ticketId]: string[]
): Promise<void> {
  const body = await readBody(req)
  const result = stringField(body.result) ?? "approved"
  if (result !== "approved" && result !== "rejected") {
    throw new BadRequest("result is approved or rejected")
  }
  send(res, 200, settleTicket(ctx, ticketId, result, stringField(body.message)))
}

async function addFault(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const route = stringField(body.route) ?? "*"
  const kind = stringField(body.kind) ?? "5xx"
  if (!FAULT_KINDS.has(kind)) {
    throw new BadRequest("kind is one of 5xx, 5xx_after, slow, slow_after, drop, non_envelope, refused")
  }
  const status = numberField(body.status)
  if (status !== undefined && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
    throw new BadRequest("status is an HTTP status from 200 to 599")
  }
  const answer = stringField(body.body)
  if (answer !== undefined && !NON_ENVELOPE_BODIES.has(answer)) {
    throw new BadRequest("body is one of html, empty, json")
  }
  const fault: Fault = {
    route,
    kind: kind as FaultKind,
    times: numberField(body.times) ?? 1,
    delayMs: numberField(body.delay_ms) ?? 0,
    ...(status !== undefined ? { status } : {}),
    ...(answer !== undefined ? { body: answer as NonEnvelopeBody } : {}),
  }
  ctx.faults.push(fault)
  send(res, 200, fault)
}

async function setCancelMode(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const mode = stringField((await readBody(req)).mode)
  if (mode !== "ticket" && mode !== "immediate") {
    throw new BadRequest("mode is ticket or immediate")
  }
  ctx.options.cancelMode = mode
  send(res, 200, { mode })
}

async function clearFaults(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  ctx.faults.length = 0
  send(res, 200, [])
}

async function listWebhooks(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  await ctx.webhooks.idle()
  send(res, 200, ctx.webhooks.deliveries)
}

async function configureWebhooks(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const format = stringField(body.format)
  if (format && format !== "json" && format !== "form") {
    throw new BadRequest("format is json or form")
  }
  const config = ctx.webhooks.configure({
    ...(body.url !== undefined ? { url: stringField(body.url) ?? null } : {}),
    ...(format ? { format: format as "json" | "form" } : {}),
    ...(body.copies !== undefined ? { copies: numberField(body.copies) ?? 1 } : {}),
    ...(body.delay_ms !== undefined ? { delayMs: numberField(body.delay_ms) ?? 0 } : {}),
    ...(body.hold !== undefined ? { hold: booleanField(body.hold) ?? false } : {}),
  })
  send(res, 200, config)
}

async function flushWebhooks(ctx: SandboxContext, _req: IncomingMessage, res: ServerResponse): Promise<void> {
  const sent = ctx.webhooks.flush()
  await ctx.webhooks.idle()
  send(res, 200, { sent })
}

/** The console's "resend": the payment's current status, `times` copies at once. */
async function resendWebhook(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const payment = paymentOrRefuse(ctx, stringField(body.imp_uid) ?? "")
  const times = Math.max(1, Math.min(100, numberField(body.times) ?? 1))
  const cancellationId = stringField(body.cancellation_id)
  for (let i = 0; i < times; i++) {
    notify(ctx, payment, cancellationId)
  }
  await ctx.webhooks.idle()
  send(res, 200, { sent: times })
}
