#!/usr/bin/env node
// The SageMaker container's entrypoint (`train` or `serve`); the code lives in dist/.
import { main } from '../dist/adapters/sagemaker/container/entrypoint.js';

// Exit at once with the mode's code: a job is over when its entrypoint returns, whatever handle
// (a worker pool, a database file) would otherwise keep Node alive. stdout/stderr are synchronous
// for files and pipes on Linux, so nothing printed is lost.
process.exit(await main(process.argv.slice(2)));
