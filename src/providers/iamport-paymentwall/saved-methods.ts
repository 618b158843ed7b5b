import type {
  CreateAccountHolderInput,
  CreateAccountHolderOutput,
  DeleteAccountHolderInput,
  DeleteAccountHolderOutput,
  DeletePaymentMethodInput,
  DeletePaymentMethodOutput,
  ListPaymentMethodsInput,
  ListPaymentMethodsOutput,
  RetrieveAccountHolderInput,
  RetrieveAccountHolderOutput,
  SavePaymentMethodInput,
  SavePaymentMethodOutput,
  UpdateAccountHolderInput,
  UpdateAccountHolderOutput,
} from "@medusajs/framework/types"
import { AbstractPaymentProvider, MedusaError } from "@medusajs/framework/utils"

export const SAVED_METHODS_REFUSAL =
  "Saved payment methods are not offered for Paymentwall through i'mport: its Key-in and Subscription payments are still " +
  "\"preparing for service\" at i'mport. Each Paymentwall payment is made in Paymentwall's widget."

function refuse(): never {
  throw new MedusaError(MedusaError.Types.NOT_ALLOWED, SAVED_METHODS_REFUSAL)
}

/**
 * Medusa's account-holder and saved-method calls, answered for a channel that has neither (see
 * i'mport's Paymentwall guide: Key-in and Subscription are "preparing for service"; docs/production.md). Each call that
 * asks for a saved method gets a MedusaError that says so, instead of Medusa's silent empty answer.
 */
export abstract class SavedMethodsRefused<
  TConfig extends Record<string, unknown>,
> extends AbstractPaymentProvider<TConfig> {
  /**
   * Not refused: Medusa's createPaymentSessionsWorkflow asks for an account holder at every logged-in customer's
   * checkout, and a refusal would stop their payment. No holder is made (the payment module stores none for an
   * empty answer), so none of the calls below can be reached through Medusa's store routes.
   */
  async createAccountHolder(_input: CreateAccountHolderInput): Promise<CreateAccountHolderOutput> {
    return {} as CreateAccountHolderOutput
  }

  async retrieveAccountHolder(_input: RetrieveAccountHolderInput): Promise<RetrieveAccountHolderOutput> {
    return refuse()
  }

  async updateAccountHolder(_input: UpdateAccountHolderInput): Promise<UpdateAccountHolderOutput> {
    return refuse()
  }

  async deleteAccountHolder(_input: DeleteAccountHolderInput): Promise<DeleteAccountHolderOutput> {
    return refuse()
  }

  async listPaymentMethods(_input: ListPaymentMethodsInput): Promise<ListPaymentMethodsOutput> {
    return refuse()
  }

  async savePaymentMethod(_input: SavePaymentMethodInput): Promise<SavePaymentMethodOutput> {
    return refuse()
  }

  async deletePaymentMethod(_input: DeletePaymentMethodInput): Promise<DeletePaymentMethodOutput> {
    return refuse()
  }
}
