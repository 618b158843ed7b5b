import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * i'mport's snapshot moves into the plugin's own table. Each Paymentwall payment's snapshot in core's payment.data is
 * copied once (read only: core's row is left as Medusa wrote it, and the plugin reads the newer of the two).
 */
export class Migration20261207160000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "iamport_pw_payment_snapshot" ("id" text not null, "payment_id" text not null, "imp_uid" text not null, "checked_at" timestamptz not null, "snapshot" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "iamport_pw_payment_snapshot_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_iamport_pw_payment_snapshot_deleted_at" ON "iamport_pw_payment_snapshot" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_iamport_pw_payment_snapshot_payment_unique" ON "iamport_pw_payment_snapshot" ("payment_id") WHERE deleted_at IS NULL;`);
    // On a new store this may run before the payment module's own migrations: there is nothing to copy then.
    this.addSql(`
      do $$ begin if to_regclass('payment') is not null then
      insert into "iamport_pw_payment_snapshot" ("id", "payment_id", "imp_uid", "checked_at", "snapshot")
      select 'pwsn_' || substr(md5(p."id"), 1, 26), p."id", p."data"->'iamport'->>'imp_uid', (p."data"->'iamport'->>'checked_at')::timestamptz, p."data"->'iamport'
        from "payment" p
       where p."provider_id" like 'pp_iamport-paymentwall%' and p."deleted_at" is null
         and jsonb_typeof(p."data"->'iamport') = 'object'
         and p."data"->'iamport'->>'imp_uid' is not null
         and p."data"->'iamport'->>'checked_at' ~ '^\\d{4}-\\d{2}-\\d{2}T'
      on conflict do nothing;
      end if; end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "iamport_pw_payment_snapshot" cascade;`);
  }

}
