import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261207100000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_extra_attempt" drop constraint if exists "iamport_pw_extra_attempt_imp_uid_unique";`);
    this.addSql(`create table if not exists "iamport_pw_extra_attempt" ("id" text not null, "payment_id" text not null, "order_id" text null, "imp_uid" text not null, "merchant_uid" text not null, "amount" numeric not null, "currency_code" text not null, "status" text check ("status" in ('found', 'cancel_requested', 'waiting_for_cancellation', 'cancelled', 'failed')) not null default 'found', "error" text null, "found_at" timestamptz not null, "decided_by" text null, "decided_at" timestamptz null, "metadata" jsonb null, "raw_amount" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "iamport_pw_extra_attempt_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_extra_attempt_deleted_at" ON "iamport_pw_extra_attempt" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_extra_attempt_payment_id" ON "iamport_pw_extra_attempt" ("payment_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_extra_attempt_status" ON "iamport_pw_extra_attempt" ("status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_iamport_pw_extra_attempt_imp_uid_unique" ON "iamport_pw_extra_attempt" ("imp_uid") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "iamport_pw_extra_attempt" cascade;`);
  }

}
