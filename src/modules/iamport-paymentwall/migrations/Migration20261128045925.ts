import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261128045925 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancellation" drop constraint if exists "iamport_pw_cancellation_key_unique";`);
    this.addSql(`create table if not exists "iamport_pw_cancellation" ("id" text not null, "imp_uid" text not null, "payment_id" text not null, "key" text not null, "alias" text null, "cancellation_id" text null, "position" integer not null, "amount" numeric not null, "currency_code" text not null, "cancelled_at" timestamptz null, "ticket_id" text null, "refund_id" text null, "status" text check ("status" in ('claimed', 'booked', 'blocked')) not null default 'claimed', "blocked_reason" text null, "attempts" integer not null default 0, "claimed_at" timestamptz not null, "booked_at" timestamptz null, "raw_amount" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "iamport_pw_cancellation_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancellation_deleted_at" ON "iamport_pw_cancellation" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancellation_payment_id" ON "iamport_pw_cancellation" ("payment_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_cancellation_status" ON "iamport_pw_cancellation" ("status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_iamport_pw_cancellation_key_unique" ON "iamport_pw_cancellation" ("imp_uid", "key") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop constraint if exists "iamport_pw_cancel_ticket_status_check";`);

    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" add column if not exists "rejection_suspected_at" timestamptz null, add column if not exists "decided_by" text null, add column if not exists "decided_at" timestamptz null;`);
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" add constraint "iamport_pw_cancel_ticket_status_check" check("status" in ('requested', 'waiting_for_cancellation', 'returned', 'completed', 'rejected', 'failed'));`);

    this.addSql(`alter table if exists "iamport_pw_webhook_event" add column if not exists "looked_up_at" timestamptz null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_webhook_event_received_at" ON "iamport_pw_webhook_event" ("received_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "iamport_pw_cancellation" cascade;`);

    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop constraint if exists "iamport_pw_cancel_ticket_status_check";`);

    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop column if exists "rejection_suspected_at", drop column if exists "decided_by", drop column if exists "decided_at";`);

    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" add constraint "iamport_pw_cancel_ticket_status_check" check("status" in ('requested', 'waiting_for_cancellation', 'completed', 'rejected', 'failed'));`);

    this.addSql(`drop index if exists "IDX_iamport_pw_webhook_event_received_at";`);
    this.addSql(`alter table if exists "iamport_pw_webhook_event" drop column if exists "looked_up_at";`);
  }

}
