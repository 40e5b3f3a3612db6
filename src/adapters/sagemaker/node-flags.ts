/**
 * Node flags a long-running inference server wants. V8's memory reducer runs a memory-shrinking
 * full collection once a process has gone quiet after a busy spell; in a Node 20 http server that
 * collection can leave node:http's per-request objects on a slow path for good. V8 reads the flag
 * only at start, and NODE_OPTIONS refuses it, so it goes on Node's command line: the container's
 * ENTRYPOINT passes it, and docs/serving.md ("Node flags") shows `reckit serve` users how.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--no-memory-reducer'];
