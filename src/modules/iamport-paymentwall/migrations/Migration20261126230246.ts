import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261126230246 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop constraint if exists "iamport_pw_cancel_ticket_cancellation_id_unique";`);
    this.addSql(`create table if not exists "iamport_pw_cancel_ticket" ("id" text not null, "payment_id" text not null, "provider_id" text not null, "order_id" text null, "imp_uid" text not null, "merchant_uid" text not null, "amount" numeric not null, "currency_code" text not null, "origin" text check ("origin" in ('admin', 'order_cancel', 'external', 'compensation')) not null, "status" text check ("status" in ('requested', 'waiting_for_cancellation', 'completed', 'rejected', 'failed')) not null default 'requested', "requested_by" text null, "reason" text null, "refund_reason_id" text null, "note" text null, "cancellation_id" text null, "refund_id" text null, "needs_attention" boolean not null default false, "error" text null, "requested_at" timestamptz not null, "waiting_since" timestamptz null, "settled_at" timestamptz null, "last_checked_at" timestamptz null, "metadata" jsonb null, "raw_amount" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "iamport_pw_cancel_ticket_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancel_ticket_deleted_at" ON "iamport_pw_cancel_ticket" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancel_ticket_payment_id" ON "iamport_pw_cancel_ticket" ("payment_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancel_ticket_status" ON "iamport_pw_cancel_ticket" ("status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancel_ticket_order_id" ON "iamport_pw_cancel_ticket" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_iamport_pw_cancel_ticket_cancellation_id_unique" ON "iamport_pw_cancel_ticket" ("payment_id", "cancellation_id") WHERE cancellation_id IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "iamport_pw_webhook_event" ("id" text not null, "dedupe_key" text not null, "imp_uid" text null, "merchant_uid" text null, "status" text null, "cancellation_id" text null, "source_ip" text null, "received_at" timestamptz not null, "processed_at" timestamptz null, "outcome" text null, "error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "iamport_pw_webhook_event_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_webhook_event_deleted_at" ON "iamport_pw_webhook_event" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_webhook_event_imp_uid" ON "iamport_pw_webhook_event" ("imp_uid") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_webhook_event_dedupe_key" ON "iamport_pw_webhook_event" ("dedupe_key") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "iamport_pw_cancel_ticket" cascade;`);

    this.addSql(`drop table if exists "iamport_pw_webhook_event" cascade;`);
  }

}
