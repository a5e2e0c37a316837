-- Every replica caches customer rows and the plan catalog in memory; these triggers tell them, after
-- each commit, what changed (src/billing/change-notifications.ts listens).

CREATE FUNCTION "billing_notify_customer_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM pg_notify('billing_customer_changed',
      CASE WHEN OLD."user_id" IS NOT NULL THEN 'user:' || OLD."user_id" ELSE 'group:' || OLD."group_id" END);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM pg_notify('billing_customer_changed',
      CASE WHEN NEW."user_id" IS NOT NULL THEN 'user:' || NEW."user_id" ELSE 'group:' || NEW."group_id" END);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "customers_notify_changed"
  AFTER INSERT OR UPDATE OR DELETE ON "customers"
  FOR EACH ROW EXECUTE FUNCTION "billing_notify_customer_changed"();

CREATE FUNCTION "billing_notify_plan_catalog_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('billing_plan_catalog_changed', TG_TABLE_NAME);
  RETURN NULL;
END
$$;

CREATE TRIGGER "plans_notify_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plans"
  FOR EACH STATEMENT EXECUTE FUNCTION "billing_notify_plan_catalog_changed"();

CREATE TRIGGER "plan_prices_notify_changed"
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plan_prices"
  FOR EACH STATEMENT EXECUTE FUNCTION "billing_notify_plan_catalog_changed"();
