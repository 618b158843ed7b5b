import type { IncomingMessage, ServerResponse } from "node:http"
import type { IamportPaymentStatus } from "../lib/iamport/types"
import type { SandboxContext } from "./context"
import { type Json, booleanField, envelope, numberField, readBody, stringField } from "./http-util"
import { paymentOrRefuse, scheduleAutoSettle } from "./paymentwall"
import { Refusal, fitsCurrency, fromMinor, publicPayment, toMinor } from "./state"

type Handler = (
  ctx: SandboxContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: string[],
  query: URLSearchParams
) => Promise<void>

type Route = { method: string; pattern: RegExp; name: string; authed: boolean; handler: Handler }

const STATUSES = new Set(["ready", "paid", "cancelled", "failed"])
const NOT_FOUND_MESSAGE = "존재하지 않는 결제정보입니다."

/** The i'mport V1 endpoints the plugin uses, with i'mport's envelope, status codes and refusals. */
export const IAMPORT_ROUTES: Route[] = [
  { method: "POST", pattern: /^\/users\/getToken$/, name: "POST /users/getToken", authed: false, handler: getToken },
  {
    method: "GET",
    pattern: /^\/payments\/prepare\/([^/]+)$/,
    name: "GET /payments/prepare/{merchant_uid}",
    authed: true,
    handler: getPrepared,
  },
  { method: "POST", pattern: /^\/payments\/prepare$/, name: "POST /payments/prepare", authed: true, handler: prepare },
  { method: "PUT", pattern: /^\/payments\/prepare$/, name: "PUT /payments/prepare", authed: true, handler: prepare },
  { method: "POST", pattern: /^\/payments\/cancel$/, name: "POST /payments/cancel", authed: true, handler: cancel },
  {
    method: "GET",
    pattern: /^\/payments\/find\/([^/]+)(?:\/([^/]+))?$/,
    name: "GET /payments/find/{merchant_uid}",
    authed: true,
    handler: find,
  },
  {
    method: "GET",
    pattern: /^\/payments\/findAll\/([^/]+)(?:\/([^/]+))?$/,
    name: "GET /payments/findAll/{merchant_uid}",
    authed: true,
    handler: findAll,
  },
  { method: "GET", pattern: /^\/payments$/, name: "GET /payments?imp_uid[]", authed: true, handler: getMany },
  { method: "GET", pattern: /^\/payments\/([^/]+)$/, name: "GET /payments/{imp_uid}", authed: true, handler: getOne },
  {
    method: "POST",
    pattern: /^\/paymentwall\/delivery$/,
    name: "POST /paymentwall/delivery",
    authed: true,
    handler: delivery,
  },
]

async function getToken(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  if (body.imp_key !== ctx.options.impKey || body.imp_secret !== ctx.options.impSecret) {
    return envelope(res, 401, -1, "imp_key, imp_secret 파라메터가 누락되었거나 올바르지 않습니다.", null)
  }
  envelope(res, 200, 0, null, ctx.issueToken())
}

/** Since 2026-01-26 i'mport hides test-channel payments unless the caller asks for them. */
function visible(query: URLSearchParams): (sandbox: boolean) => boolean {
  const include = query.get("include_sandbox") === "true"
  return (sandbox) => !sandbox || include
}

async function getOne(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [impUid]: string[],
  query: URLSearchParams
): Promise<void> {
  const payment = ctx.state.payments.get(impUid)
  if (!payment || !visible(query)(payment.sandbox)) {
    return envelope(res, 404, 1, NOT_FOUND_MESSAGE, null)
  }
  envelope(res, 200, 0, null, publicPayment(payment))
}

async function find(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [merchantUid, status]: string[],
  query: URLSearchParams
): Promise<void> {
  if (status && !STATUSES.has(status)) {
    return envelope(res, 400, 1, `payment_status must be one of ready, paid, cancelled, failed`, null)
  }
  const show = visible(query)
  const found = ctx.state
    .attemptsFor(merchantUid, status as IamportPaymentStatus | undefined, query.get("sorting") ?? "-started")
    .filter((p) => show(p.sandbox))[0]
  if (!found) {
    return envelope(res, 404, 1, NOT_FOUND_MESSAGE, null)
  }
  envelope(res, 200, 0, null, publicPayment(found))
}

/** Every attempt of a merchant_uid (optionally in one status), in i'mport's paged list; one page holds them all here. */
async function findAll(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [merchantUid, status]: string[],
  query: URLSearchParams
): Promise<void> {
  if (status && !STATUSES.has(status)) {
    return envelope(res, 400, 1, `payment_status must be one of ready, paid, cancelled, failed`, null)
  }
  const show = visible(query)
  const list = ctx.state
    .attemptsFor(merchantUid, status as IamportPaymentStatus | undefined, query.get("sorting") ?? "-started")
    .filter((p) => show(p.sandbox))
  if (!list.length) {
    return envelope(res, 404, 1, NOT_FOUND_MESSAGE, null)
  }
  envelope(res, 200, 0, null, { total: list.length, previous: 0, next: 0, list: list.map(publicPayment) })
}

async function getMany(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  _p: string[],
  query: URLSearchParams
): Promise<void> {
  const ids = query.getAll("imp_uid[]")
  if (ids.length === 0 || ids.length > 100) {
    return envelope(res, 400, 1, "imp_uid[] must name 1 to 100 payments", null)
  }
  const show = visible(query)
  const found = ids.map((id) => ctx.state.payments.get(id)).filter((p) => p && show(p.sandbox))
  if (found.length === 0) {
    return envelope(res, 404, 1, NOT_FOUND_MESSAGE, null)
  }
  envelope(
    res,
    found.length < ids.length ? 207 : 200,
    0,
    null,
    found.map((p) => publicPayment(p!))
  )
}

async function prepare(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const merchantUid = stringField(body.merchant_uid)
  const amount = numberField(body.amount)
  const currency = stringField(body.currency)?.toUpperCase() ?? null
  if (!merchantUid || merchantUid.length > 40) {
    return envelope(res, 200, 1, "merchant_uid is required (at most 40 characters)", null)
  }
  if (amount === undefined || amount <= 0 || (currency && !fitsCurrency(amount, currency))) {
    return envelope(res, 200, 1, `amount ${String(body.amount)} is not a valid ${currency ?? ""} amount`.trim(), null)
  }
  const exists = ctx.state.prepared.has(merchantUid)
  if (req.method === "POST" && exists) {
    return envelope(res, 200, 1, "이미 등록된 merchant_uid입니다.", null)
  }
  if (req.method === "PUT" && !exists) {
    return envelope(res, 404, 1, "사전등록된 결제정보가 존재하지 않습니다.", null)
  }
  if ([...ctx.state.payments.values()].some((p) => p.merchant_uid === merchantUid && p.status === "paid")) {
    return envelope(res, 200, 1, "이미 결제완료된 merchant_uid입니다.", null)
  }
  const prepared = { merchant_uid: merchantUid, amount, currency }
  ctx.state.prepared.set(merchantUid, prepared)
  envelope(res, 200, 0, null, prepared)
}

async function getPrepared(
  ctx: SandboxContext,
  _req: IncomingMessage,
  res: ServerResponse,
  [merchantUid]: string[]
): Promise<void> {
  const prepared = ctx.state.prepared.get(merchantUid)
  if (!prepared) {
    return envelope(res, 404, 1, "사전등록된 결제정보가 존재하지 않습니다.", null)
  }
  envelope(res, 200, 0, null, prepared)
}

/**
 * i'mport's cancel. Refusals come as HTTP 200 with code 1. On a Paymentwall payment an accepted request opens a
 * ticket and answers code 0 with the payment unchanged: the cancellation appears only once Paymentwall settles it.
 */
async function cancel(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req)
  const impUid = stringField(body.imp_uid)
  const merchantUid = stringField(body.merchant_uid)
  const payment = impUid
    ? ctx.state.payments.get(impUid)
    : merchantUid
      ? ctx.state.attemptsFor(merchantUid, "paid")[0]
      : undefined
  if (!payment) {
    return envelope(res, 200, 1, "취소할 결제건이 존재하지 않습니다.", null)
  }
  if (payment.status !== "paid" && payment.status !== "cancelled") {
    return envelope(res, 200, 1, `결제완료 상태가 아닙니다 (${payment.status}).`, null)
  }
  const remaining = ctx.state.remainingMinor(payment)
  if (remaining <= 0) {
    return envelope(res, 200, 1, "이미 전액취소된 주문입니다.", null)
  }
  if (ctx.state.nonRefundable.has(payment.imp_uid)) {
    return envelope(
      res,
      200,
      1,
      "[Paymentwall] Refunds are not supported for this payment method in the buyer's country.",
      null
    )
  }
  const requested = numberField(body.amount)
  if (requested !== undefined && (requested < 0 || !fitsCurrency(requested, payment.currency))) {
    return envelope(res, 200, 1, `amount ${String(body.amount)} is not a valid ${payment.currency} amount`, null)
  }
  const minor = requested ? toMinor(requested, payment.currency) : remaining
  if (minor > remaining) {
    return envelope(res, 200, 1, `취소 가능 금액(${fromMinor(remaining, payment.currency)})을 초과한 금액입니다.`, null)
  }
  const checksum = numberField(body.checksum)
  if (checksum !== undefined && toMinor(checksum, payment.currency) !== remaining) {
    return envelope(
      res,
      200,
      1,
      `checksum(${checksum})이 취소 가능 금액(${fromMinor(remaining, payment.currency)})과 일치하지 않습니다.`,
      null
    )
  }
  const reason = stringField(body.reason) ?? ""
  const enableWebhook = booleanField(body.enable_webhook) ?? false
  if (payment.pg_provider === "paymentwall" && ctx.options.cancelMode === "ticket") {
    const ticket = ctx.state.openTicket(payment, fromMinor(minor, payment.currency), reason, enableWebhook)
    scheduleAutoSettle(ctx, ticket)
    return envelope(res, 200, 0, null, publicPayment(payment))
  }
  ctx.state.applyCancellation(payment, fromMinor(minor, payment.currency), reason)
  envelope(res, 200, 0, null, publicPayment(payment))
}

const DELIVERY_REQUIRED = [
  "imp_uid",
  "merchant_uid",
  "type",
  "status",
  "estimated_delivery_datetime",
  "estimated_update_datetime",
  "refundable",
  "shipping_address_email",
]

const DELIVERY_TYPES = new Set(["physical", "digital"])
const DELIVERY_STATUSES = new Set(["order_placed", "order_shipped", "delivering", "delivered"])

async function delivery(ctx: SandboxContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body: Json = await readBody(req)
  const missing = DELIVERY_REQUIRED.filter((key) => body[key] === undefined || body[key] === "")
  // Paymentwall asks a physical shipment for its carrier and tracking number (reference iamport-v1 §7.4).
  if (body.type === "physical" && body.status === "order_shipped") {
    missing.push(...["carrier_tracking_id", "carrier_type"].filter((key) => !body[key]))
  }
  if (missing.length) {
    return envelope(res, 200, 1, `missing: ${missing.join(", ")}`, null)
  }
  const invalid = [
    !DELIVERY_TYPES.has(String(body.type)) && "type is physical or digital",
    !DELIVERY_STATUSES.has(String(body.status)) && "status is order_placed, order_shipped, delivering or delivered",
    body.refundable !== "yes" && body.refundable !== "no" && "refundable is yes or no",
    !["estimated_delivery_datetime", "estimated_update_datetime"].every((key) => Number.isInteger(Number(body[key]))) &&
      "the datetimes are UNIX seconds",
  ].filter((problem): problem is string => !!problem)
  if (invalid.length) {
    return envelope(res, 200, 1, invalid.join("; "), null)
  }
  paymentOrRefuse(ctx, String(body.imp_uid))
  ctx.state.deliveries.push(body)
  envelope(res, 200, 0, null, { success: 1 })
}

export function refusalToEnvelope(res: ServerResponse, error: unknown): boolean {
  if (error instanceof Refusal) {
    envelope(res, error.httpStatus === 200 ? 200 : error.httpStatus, 1, error.message, null)
    return true
  }
  return false
}
