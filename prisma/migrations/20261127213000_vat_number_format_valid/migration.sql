-- A VAT number whose format and check digits are right, with registry checks turned off by configuration.
ALTER TYPE "VatNumberStatus" ADD VALUE 'FORMAT_VALID' AFTER 'VERIFIED';
