import fc from "fast-check"
import {
  CheckNow,
  CloseReturned,
  Decide,
  OrderCancel,
  OrderEditClose,
  OrderEditOpen,
  Race,
  ResolveUnanswered,
  RunJob,
} from "./admin-actions"
import { ArmFault, ConsoleCancel, FillIn, SettleTicket } from "./iamport-actions"
import type { FaultKind, Model } from "./model"
import { ConsoleResend, Deliver, Drop, Forge, FORGERIES } from "./notice-actions"
import { AdminRefund, type AmountSpec, NewOrder, type Outcome, StoreCancelOrder, StoreRefund } from "./payment-actions"
import type { Step } from "./step"
import type { World } from "./world"

/** The generated actions; an arbitrary listed twice is drawn twice as often. */
export function commandArbitraries(): fc.Arbitrary<fc.AsyncCommand<Model, World>>[] {
  const index = fc.nat({ max: 11 })
  const amount = fc.constantFrom<AmountSpec>(1000, 2000, 3000, 4000, 6500, 13000, "rest")
  const refund = fc
    .record({ p: index, a: amount, b: fc.option(amount, { freq: 4, nil: null }) })
    .map(({ p, a, b }) => new AdminRefund(p, a, b))
  const settle = fc
    .record({ t: index, r: fc.constantFrom<"approved" | "rejected">("approved", "approved", "rejected") })
    .map(({ t, r }) => new SettleTicket(t, r))
  const deliver = fc
    .record({ n: index, copies: fc.constantFrom(1, 1, 1, 2, 3, 5), keep: fc.constantFrom(false, false, false, true) })
    .map(({ n, copies, keep }) => new Deliver(n, copies, keep))
  return [
    fc.constantFrom<Outcome>("paid", "paid", "fraud_review", "failed").map((o) => new NewOrder(o)),
    refund,
    refund,
    settle,
    settle,
    deliver,
    deliver,
    deliver,
    index.map((n) => new Drop(n)),
    fc
      .record({ p: index, kind: fc.constantFrom(...FORGERIES), copies: fc.constantFrom(1, 1, 2) })
      .map(({ p, kind, copies }) => new Forge(p, kind, copies)),
    fc
      .record({ t: index, a: fc.constantFrom<"confirm" | "keep">("confirm", "confirm", "keep") })
      .map(({ t, a }) => new Decide(t, a)),
    fc
      .record({ t: index, prefer: fc.constantFrom<"retry" | "dismiss">("retry", "dismiss") })
      .map(({ t, prefer }) => new ResolveUnanswered(t, prefer)),
    fc.record({ p: index, a: amount, omit: fc.boolean() }).map(({ p, a, omit }) => new ConsoleCancel(p, a, omit)),
    fc.record({ p: index, a: fc.constantFrom(1000, 2000, 4000, 6500, 13000) }).map(({ p, a }) => new StoreRefund(p, a)),
    index.map((p) => new StoreCancelOrder(p)),
    index.map((p) => new FillIn(p)),
    index.map((p) => new ConsoleResend(p)),
    index.map((p) => new OrderEditOpen(p)),
    index.map((t) => new CloseReturned(t)),
    index.map((p) => new OrderEditClose(p)),
    index.map((p) => new OrderCancel(p)),
    fc
      .record({
        kind: fc.constantFrom<FaultKind>("5xx", "5xx_after", "slow"),
        delay: fc.constantFrom(200, 200, 200, 5600),
      })
      .map(({ kind, delay }) => new ArmFault(kind, kind === "slow" ? delay : 0)),
    fc.constant(null).map(() => new RunJob()),
    index.map((p) => new CheckNow(p)),
    fc
      .record({
        n: index,
        other: fc.oneof(
          fc.constant(null).map((): Step => new RunJob()),
          index.map((p): Step => new CheckNow(p)),
          fc.record({ p: index, a: amount }).map(({ p, a }): Step => new AdminRefund(p, a, null)),
          index.map((p): Step => new OrderCancel(p)),
          index.map((t): Step => new Decide(t, "confirm")),
          fc
            .record({ t: index, r: fc.constantFrom<"approved" | "rejected">("approved", "rejected") })
            .map(({ t, r }): Step => new SettleTicket(t, r))
        ),
      })
      .map(({ n, other }) => new Race(new Deliver(n, 1, false), other)),
  ]
}
