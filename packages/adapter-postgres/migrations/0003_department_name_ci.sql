-- Department names are unique per tenant regardless of case, as emails are: "Sales" and "SALES"
-- cannot both exist. The exact-match constraint of 0001 is replaced by a unique index on
-- lower(name), under the same name, so a violation still reads "A department with this name
-- already exists". lower() folds ASCII letters always and other letters as the database's
-- LC_CTYPE does (PGlite and UTF-8 locales fold É to é; a server in the C locale folds ASCII only).
--
-- A database that already holds names equal but for case stops here, naming them, so that they
-- can be renamed before the migration is run again (it runs in one transaction: nothing changes).
DO $$
DECLARE
  clashes text;
BEGIN
  SELECT string_agg(format('tenant %s: %s', tenant_id, names), '; ')
    INTO clashes
    FROM (
      SELECT tenant_id, string_agg(quote_literal(name), ', ' ORDER BY id) AS names
        FROM departments
       GROUP BY tenant_id, lower(name)
      HAVING count(*) > 1
    ) AS duplicates;
  IF clashes IS NOT NULL THEN
    RAISE EXCEPTION 'Department names that differ only in case must be renamed before migration 0003: %', clashes;
  END IF;
END
$$;

ALTER TABLE departments DROP CONSTRAINT departments_tenant_name_key;
CREATE UNIQUE INDEX departments_tenant_name_key ON departments (tenant_id, lower(name));
