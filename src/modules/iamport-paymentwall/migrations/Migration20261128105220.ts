import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261128105220 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" add column if not exists "reserved_amount" numeric null, add column if not exists "raw_reserved_amount" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "iamport_pw_cancel_ticket" drop column if exists "reserved_amount", drop column if exists "raw_reserved_amount";`);
  }

}
