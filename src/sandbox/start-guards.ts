import { CONTROL_TOKEN_SHAPE, isLoopbackName } from "./control-auth"

/** Lets the sandbox start where NODE_ENV is production (what --allow-production and allowProduction do). */
export const ALLOW_PRODUCTION_ENV = "IAMPORT_SANDBOX_ALLOW_PRODUCTION"

export type StartGuardOptions = {
  host?: string
  controlToken?: string
  unsafeHost?: boolean
  allowProduction?: boolean
}

/**
 * Why the sandbox must not start with these options, or null. The same rules for the CLI (which exits 2 with the
 * reason) and for startSandbox (which throws it).
 */
export function startRefusal(options: StartGuardOptions, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.NODE_ENV === "production" && !options.allowProduction && env[ALLOW_PRODUCTION_ENV] !== "1") {
    return (
      "NODE_ENV is production, and the sandbox is a fake i'mport: it accepts fixed test credentials and reports " +
      "payments that never happened as paid. It does not start there unless forced (--allow-production, " +
      `allowProduction: true, or ${ALLOW_PRODUCTION_ENV}=1).`
    )
  }
  const host = options.host ?? "127.0.0.1"
  if (!isLoopbackName(host) && !options.unsafeHost) {
    return (
      `--host ${host} is not loopback (127.0.0.0/8, ::1, localhost): the control API, which can mark payments paid ` +
      "and refunded, would be reachable from the network, guarded only by its token. Pass --unsafe-host " +
      "(unsafeHost: true) to do it anyway."
    )
  }
  if (options.controlToken !== undefined && !CONTROL_TOKEN_SHAPE.test(options.controlToken)) {
    return "--control-token must be 16 to 256 characters from A-Z a-z 0-9 . _ ~ - (the default is a random one per run)."
  }
  return null
}
