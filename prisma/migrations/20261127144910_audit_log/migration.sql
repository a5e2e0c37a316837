-- CreateTable
CREATE TABLE "audit_log" (
    "sequence" BIGSERIAL NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_sub" TEXT NOT NULL,
    "actor_roles" TEXT[],
    "operation" TEXT NOT NULL,
    "arguments" JSONB NOT NULL,
    "target_owner" TEXT,
    "outcome" TEXT NOT NULL,
    "request_id" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("sequence")
);

-- CreateIndex
CREATE INDEX "audit_log_target_owner_sequence_idx" ON "audit_log"("target_owner", "sequence" DESC);

-- Append-only: no row is ever changed or removed, whoever connects (the API has no such operation either).
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_append_only
  BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
