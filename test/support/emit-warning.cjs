// Preloaded by a CLI test (NODE_OPTIONS=--require): emits one process warning of its own, to show
// that reckit's handling of the AWS SDK's notice leaves other warnings alone.
process.emitWarning('reckit-test-warning');
