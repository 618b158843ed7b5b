import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/** A claim names the booking that holds it and shows that it is alive, so a dead one is taken over at once. */
export class Migration20261207150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancellation" add column if not exists "claim_owner" text null, add column if not exists "heartbeat_at" timestamptz null, add column if not exists "booking_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancellation" drop column if exists "claim_owner", drop column if exists "heartbeat_at", drop column if exists "booking_at";`);
  }

}
