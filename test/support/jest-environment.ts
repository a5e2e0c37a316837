// Loaded before every test file: @apollo/gateway phones home unless told not to.
process.env.APOLLO_TELEMETRY_DISABLED = 'true';
