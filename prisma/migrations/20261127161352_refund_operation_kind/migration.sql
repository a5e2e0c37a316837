-- AlterEnum
ALTER TYPE "BillingOperationKind" ADD VALUE 'REFUND_INVOICE';
