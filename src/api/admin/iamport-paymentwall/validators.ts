import { z } from "@medusajs/framework/zod"

export const AdminPaymentwallOrderQuery = z
  .object({
    /** Ask i'mport for the payments' current state as well (one call per payment). */
    live: z.preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean()).optional(),
  })
  .strict()

export const AdminPaymentwallTicketAction = z.object({ note: z.string().max(500).optional() }).strict()

export const AdminPaymentwallCheck = z.object({}).strict()

/** Cancel a second paid attempt in full: nothing to choose, so nothing is taken. */
export const AdminPaymentwallAttemptCancel = z.object({}).strict()

export type AdminPaymentwallAttemptCancelType = z.infer<typeof AdminPaymentwallAttemptCancel>

export type AdminPaymentwallTicketActionType = z.infer<typeof AdminPaymentwallTicketAction>
