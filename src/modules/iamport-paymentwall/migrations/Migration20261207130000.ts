import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/** A returned ticket, and its blocked ledger row, that a person closed because Medusa can never book it. */
export class Migration20261207130000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop constraint if exists "iamport_pw_cancel_ticket_status_check";`);
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" add constraint "iamport_pw_cancel_ticket_status_check" check("status" in ('requested', 'waiting_for_cancellation', 'returned', 'completed', 'closed', 'rejected', 'failed'));`);
    this.addSql(`alter table if exists "iamport_pw_cancellation" drop constraint if exists "iamport_pw_cancellation_status_check";`);
    this.addSql(`alter table if exists "iamport_pw_cancellation" add constraint "iamport_pw_cancellation_status_check" check("status" in ('claimed', 'booked', 'blocked', 'closed'));`);
    this.addSql(`alter table if exists "iamport_pw_cancellation" add column if not exists "closed_by" text null, add column if not exists "closed_at" timestamptz null, add column if not exists "closed_reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`update "iamport_pw_cancellation" set "status" = 'blocked' where "status" = 'closed';`);
    this.addSql(`update "iamport_pw_cancel_ticket" set "status" = 'returned' where "status" = 'closed';`);
    this.addSql(`alter table if exists "iamport_pw_cancellation" drop column if exists "closed_by", drop column if exists "closed_at", drop column if exists "closed_reason";`);
    this.addSql(`alter table if exists "iamport_pw_cancellation" drop constraint if exists "iamport_pw_cancellation_status_check";`);
    this.addSql(`alter table if exists "iamport_pw_cancellation" add constraint "iamport_pw_cancellation_status_check" check("status" in ('claimed', 'booked', 'blocked'));`);
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop constraint if exists "iamport_pw_cancel_ticket_status_check";`);
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" add constraint "iamport_pw_cancel_ticket_status_check" check("status" in ('requested', 'waiting_for_cancellation', 'returned', 'completed', 'rejected', 'failed'));`);
  }

}
