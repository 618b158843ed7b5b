export { startSandbox, type RunningSandbox } from "./server"
export {
  SandboxContext,
  SANDBOX_IMP_KEY,
  SANDBOX_IMP_SECRET,
  type SandboxOptions,
  type Fault,
  type FaultKind,
  type NonEnvelopeBody,
} from "./context"
export { CONTROL_TOKEN_HEADER } from "./control-auth"
export { ALLOW_PRODUCTION_ENV } from "./start-guards"
export type { WidgetOutcome, WidgetPayment } from "./paymentwall"
export type { Ticket } from "./state"
