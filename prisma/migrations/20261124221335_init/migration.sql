-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "BillingInterval" AS ENUM ('MONTH', 'YEAR');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('INCOMPLETE', 'INCOMPLETE_EXPIRED', 'TRIALING', 'ACTIVE', 'PAST_DUE', 'UNPAID', 'CANCELED', 'PAUSED');

-- CreateEnum
CREATE TYPE "EntitlementBasis" AS ENUM ('FREE_PLAN', 'SUBSCRIPTION', 'GRACE_PERIOD', 'PAYMENT_LAPSED');

-- CreateEnum
CREATE TYPE "InvoiceStatus" AS ENUM ('DRAFT', 'OPEN', 'PAID', 'VOID', 'UNCOLLECTIBLE');

-- CreateEnum
CREATE TYPE "VatTreatment" AS ENUM ('STANDARD', 'REVERSE_CHARGE', 'OUT_OF_SCOPE');

-- CreateEnum
CREATE TYPE "PaymentMethodType" AS ENUM ('CARD', 'PAYPAL', 'SEPA_DEBIT', 'OTHER');

-- CreateTable
CREATE TABLE "customers" (
    "id" UUID NOT NULL,
    "user_id" TEXT,
    "group_id" TEXT,
    "anonymous_id" UUID NOT NULL,
    "provider_customer_id" TEXT,
    "legal_name" TEXT,
    "address_line1" TEXT,
    "address_line2" TEXT,
    "postal_code" TEXT,
    "city" TEXT,
    "region" TEXT,
    "country" CHAR(2),
    "vat_number" TEXT,
    "billing_email" TEXT,
    "plan_id" TEXT NOT NULL,
    "drive_storage_bytes" BIGINT NOT NULL,
    "parallel_downloads" INTEGER NOT NULL,
    "entitlement_basis" "EntitlementBasis" NOT NULL DEFAULT 'FREE_PLAN',
    "grace_ends_at" TIMESTAMPTZ(3),
    "used_storage_bytes" BIGINT NOT NULL DEFAULT 0,
    "has_unpaid_invoice" BOOLEAN NOT NULL DEFAULT false,
    "closed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plans" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "drive_storage_bytes" BIGINT NOT NULL,
    "parallel_downloads" INTEGER NOT NULL,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "provider_product_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_prices" (
    "id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "interval" "BillingInterval" NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "provider_price_id" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "plan_id" TEXT NOT NULL,
    "price_id" UUID NOT NULL,
    "provider_subscription_id" TEXT NOT NULL,
    "status" "SubscriptionStatus" NOT NULL,
    "current_period_start" TIMESTAMPTZ(3) NOT NULL,
    "current_period_end" TIMESTAMPTZ(3) NOT NULL,
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "canceled_at" TIMESTAMPTZ(3),
    "trial_end" TIMESTAMPTZ(3),
    "past_due_since" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoices" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "provider_invoice_id" TEXT,
    "number" TEXT,
    "series" TEXT,
    "sequence" INTEGER,
    "status" "InvoiceStatus" NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "subtotal" INTEGER NOT NULL,
    "tax_amount" INTEGER NOT NULL,
    "total" INTEGER NOT NULL,
    "amount_paid" INTEGER NOT NULL DEFAULT 0,
    "amount_due" INTEGER NOT NULL,
    "vat_rate_bps" INTEGER NOT NULL DEFAULT 0,
    "vat_treatment" "VatTreatment" NOT NULL DEFAULT 'STANDARD',
    "vat_mention" TEXT,
    "seller_snapshot" JSONB,
    "buyer_snapshot" JSONB,
    "period_start" TIMESTAMPTZ(3),
    "period_end" TIMESTAMPTZ(3),
    "issued_at" TIMESTAMPTZ(3),
    "due_at" TIMESTAMPTZ(3),
    "paid_at" TIMESTAMPTZ(3),
    "payment_failed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "invoices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_lines" (
    "id" UUID NOT NULL,
    "invoice_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_amount" INTEGER NOT NULL,
    "discount_amount" INTEGER NOT NULL DEFAULT 0,
    "amount" INTEGER NOT NULL,
    "proration" BOOLEAN NOT NULL DEFAULT false,
    "period_start" TIMESTAMPTZ(3),
    "period_end" TIMESTAMPTZ(3),

    CONSTRAINT "invoice_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "invoice_number_series" (
    "series" TEXT NOT NULL,
    "last_number" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "invoice_number_series_pkey" PRIMARY KEY ("series")
);

-- CreateTable
CREATE TABLE "payment_methods" (
    "id" UUID NOT NULL,
    "customer_id" UUID NOT NULL,
    "provider_payment_method_id" TEXT NOT NULL,
    "type" "PaymentMethodType" NOT NULL,
    "brand" TEXT,
    "last4" CHAR(4),
    "exp_month" INTEGER,
    "exp_year" INTEGER,
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "payment_methods_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_events" (
    "id" UUID NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'stripe',
    "provider_event_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "provider_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "customers_user_id_key" ON "customers"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "customers_group_id_key" ON "customers"("group_id");

-- CreateIndex
CREATE UNIQUE INDEX "customers_anonymous_id_key" ON "customers"("anonymous_id");

-- CreateIndex
CREATE UNIQUE INDEX "customers_provider_customer_id_key" ON "customers"("provider_customer_id");

-- CreateIndex
CREATE INDEX "customers_grace_ends_at_idx" ON "customers"("grace_ends_at");

-- CreateIndex
CREATE UNIQUE INDEX "plans_provider_product_id_key" ON "plans"("provider_product_id");

-- CreateIndex
CREATE UNIQUE INDEX "plans_single_default_key" ON "plans"("is_default") WHERE (is_default);

-- CreateIndex
CREATE UNIQUE INDEX "plan_prices_provider_price_id_key" ON "plan_prices"("provider_price_id");

-- CreateIndex
CREATE INDEX "plan_prices_plan_id_idx" ON "plan_prices"("plan_id");

-- CreateIndex
CREATE UNIQUE INDEX "plan_prices_active_key" ON "plan_prices"("plan_id", "interval", "currency") WHERE (active);

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_provider_subscription_id_key" ON "subscriptions"("provider_subscription_id");

-- CreateIndex
CREATE INDEX "subscriptions_customer_id_created_at_idx" ON "subscriptions"("customer_id", "created_at" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "subscriptions_one_live_per_customer_key" ON "subscriptions"("customer_id") WHERE (status <> ALL (ARRAY['CANCELED'::"SubscriptionStatus", 'INCOMPLETE_EXPIRED'::"SubscriptionStatus"]));

-- CreateIndex
CREATE UNIQUE INDEX "invoices_provider_invoice_id_key" ON "invoices"("provider_invoice_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_number_key" ON "invoices"("number");

-- CreateIndex
CREATE INDEX "invoices_customer_id_created_at_id_idx" ON "invoices"("customer_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "invoices_series_sequence_key" ON "invoices"("series", "sequence");

-- CreateIndex
CREATE UNIQUE INDEX "invoice_lines_invoice_id_position_key" ON "invoice_lines"("invoice_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "payment_methods_provider_payment_method_id_key" ON "payment_methods"("provider_payment_method_id");

-- CreateIndex
CREATE INDEX "payment_methods_customer_id_idx" ON "payment_methods"("customer_id");

-- CreateIndex
CREATE UNIQUE INDEX "payment_methods_one_default_key" ON "payment_methods"("customer_id") WHERE (is_default);

-- CreateIndex
CREATE INDEX "provider_events_processed_at_idx" ON "provider_events"("processed_at");

-- CreateIndex
CREATE UNIQUE INDEX "provider_events_provider_provider_event_id_key" ON "provider_events"("provider", "provider_event_id");

-- AddForeignKey
ALTER TABLE "customers" ADD CONSTRAINT "customers_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plans"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_price_id_fkey" FOREIGN KEY ("price_id") REFERENCES "plan_prices"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_invoice_id_fkey" FOREIGN KEY ("invoice_id") REFERENCES "invoices"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment_methods" ADD CONSTRAINT "payment_methods_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Constraints Prisma's schema language cannot express.
ALTER TABLE "customers" ADD CONSTRAINT "customers_exactly_one_owner_check" CHECK (num_nonnulls("user_id", "group_id") = 1);
ALTER TABLE "customers" ADD CONSTRAINT "customers_country_check" CHECK ("country" ~ '^[A-Z]{2}$');
ALTER TABLE "customers" ADD CONSTRAINT "customers_bytes_check" CHECK ("drive_storage_bytes" >= 0 AND "used_storage_bytes" >= 0);
ALTER TABLE "customers" ADD CONSTRAINT "customers_parallel_downloads_check" CHECK ("parallel_downloads" > 0);
ALTER TABLE "plans" ADD CONSTRAINT "plans_limits_check" CHECK ("drive_storage_bytes" >= 0 AND "parallel_downloads" > 0);
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_amount_check" CHECK ("amount" >= 0);
ALTER TABLE "plan_prices" ADD CONSTRAINT "plan_prices_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_number_check" CHECK (("number" IS NULL) = ("series" IS NULL) AND ("series" IS NULL) = ("sequence" IS NULL));
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_vat_rate_check" CHECK ("vat_rate_bps" BETWEEN 0 AND 10000);
ALTER TABLE "invoice_lines" ADD CONSTRAINT "invoice_lines_quantity_check" CHECK ("quantity" > 0);
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_version_check" CHECK ("version" >= 1);
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_period_check" CHECK ("current_period_end" >= "current_period_start");
ALTER TABLE "invoice_number_series" ADD CONSTRAINT "invoice_number_series_last_number_check" CHECK ("last_number" >= 0);
