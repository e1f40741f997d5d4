import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- The established API's contact card. The contact's own, also when it is linked to a
    -- user (the user holds only the person: name, email, phone, job title, language).
    ALTER TABLE contacts
      ADD COLUMN address1 text,
      ADD COLUMN address2 text,
      ADD COLUMN city text,
      ADD COLUMN state text,
      ADD COLUMN zipcode text,
      ADD COLUMN country text,
      ADD COLUMN website text,
      ADD COLUMN industry text,
      ADD COLUMN organization_size text CONSTRAINT contacts_organization_size_check
        CHECK (organization_size IN ('1-10', '11-100', '101-500', '501-1000', '5000+')),
      ADD COLUMN fax text;
  `.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('Liaison migrations are forward-only');
}
