import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202050000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "iamport_pw_delivery_notice" ("id" text not null, "order_id" text not null, "payment_id" text not null, "provider_id" text not null, "imp_uid" text not null, "merchant_uid" text not null, "status" text check ("status" in ('order_shipped', 'delivered')) not null, "type" text check ("type" in ('physical', 'digital')) not null, "fulfillment_id" text null, "carrier_type" text null, "carrier_tracking_id" text null, "state" text check ("state" in ('pending', 'sent', 'failed')) not null default 'pending', "attempts" integer not null default 0, "next_attempt_at" timestamptz not null, "sent_at" timestamptz null, "last_error" text null, "request" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "iamport_pw_delivery_notice_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_delivery_notice_deleted_at" ON "iamport_pw_delivery_notice" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_iamport_pw_delivery_notice_payment_status" ON "iamport_pw_delivery_notice" ("payment_id", "status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_delivery_notice_order_id" ON "iamport_pw_delivery_notice" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_delivery_notice_state" ON "iamport_pw_delivery_notice" ("state", "next_attempt_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "iamport_pw_delivery_notice" cascade;`);
  }

}
