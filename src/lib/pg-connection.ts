import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"

/** The part of Medusa's shared Knex connection the plugin uses: one statement, its bound values, the rows it changed. */
export type RawStatements = {
  raw(sql: string, bindings: unknown[]): Promise<{ rowCount?: number | null; rows?: Record<string, unknown>[] }>
}

export function pgConnection(container: MedusaContainer): RawStatements {
  return container.resolve<RawStatements>(ContainerRegistrationKeys.PG_CONNECTION)
}
