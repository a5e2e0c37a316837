-- Closing a customer (account deletion) detaches it from its owner, while its invoices stay: they are
-- legal records. An open customer belongs to exactly one user or one group, a closed one to none.
ALTER TABLE "customers" DROP CONSTRAINT "customers_exactly_one_owner_check";
ALTER TABLE "customers" ADD CONSTRAINT "customers_owner_check" CHECK (
  ("closed_at" IS NULL AND num_nonnulls("user_id", "group_id") = 1)
  OR ("closed_at" IS NOT NULL AND num_nonnulls("user_id", "group_id") = 0)
);

-- A closed customer has no owner key left to announce: only its former owner is notified.
CREATE OR REPLACE FUNCTION "billing_notify_customer_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') AND num_nonnulls(OLD."user_id", OLD."group_id") = 1 THEN
    PERFORM pg_notify('billing_customer_changed',
      CASE WHEN OLD."user_id" IS NOT NULL THEN 'user:' || OLD."user_id" ELSE 'group:' || OLD."group_id" END);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND num_nonnulls(NEW."user_id", NEW."group_id") = 1 THEN
    PERFORM pg_notify('billing_customer_changed',
      CASE WHEN NEW."user_id" IS NOT NULL THEN 'user:' || NEW."user_id" ELSE 'group:' || NEW."group_id" END);
  END IF;
  RETURN NULL;
END
$$;
