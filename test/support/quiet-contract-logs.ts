// Imported first by unit tests that load fabric-contract-api: its loggers read this level when the
// module loads, and the decorator info lines would otherwise flood the test output.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
