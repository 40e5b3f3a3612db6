#!/usr/bin/env node
// The CLI lives in dist/ (built by `npm ci` through the prepare script).
import { main } from '../dist/adapters/cli/main.js';

process.exitCode = await main(process.argv);
