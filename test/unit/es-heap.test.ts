// The local stack's Elasticsearch heap (infra/lib/elasticsearch.sh): sized from the machine's memory within
// Elasticsearch's guidance, STACK_ES_JAVA_OPTS still overriding it. The shell functions are called as `up` does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const script = path.join(import.meta.dirname, '..', '..', 'infra', 'lib', 'elasticsearch.sh');

/** Runs `source elasticsearch.sh; <fn> <args…>` in bash and returns its output, trimmed. */
function shell(fn: string, args: string[] = [], env: Record<string, string> = {}): string {
  const { STACK_ES_JAVA_OPTS: _ignored, ...rest } = process.env;
  return execFileSync('bash', ['-c', `source "$0"; ${fn} "$@"`, script, ...args], { env: { ...rest, ...env }, encoding: 'utf8' }).trim();
}

test('the heap is a quarter of the memory, in 64 MB steps, between 512 MB and 4 GB', () => {
  const heap = (mb: string) => Number(shell('es_heap_mb', [mb]));
  assert.equal(heap('1024'), 512, 'a 1 GB machine: the floor (half of its memory, the guidance allows no more)');
  assert.equal(heap('2048'), 512);
  assert.equal(heap('3000'), 704, '3000 / 4 = 750, down to a 64 MB step');
  assert.equal(heap('8192'), 2048);
  assert.equal(heap('16384'), 4096);
  assert.equal(heap('24105'), 4096, 'this kind of machine: the cap');
  assert.equal(heap('262144'), 4096, 'far below the ~31 GB compressed-oops threshold whatever the memory');
  assert.equal(heap(''), 512, 'memory unknown: the floor');
  for (const mb of [2048, 4096, 6000, 8192, 100_000]) assert.ok(heap(String(mb)) <= mb / 2, `never more than half of ${mb} MB`);
});

test('the JVM options: Xms = Xmx from the memory, unless STACK_ES_JAVA_OPTS says otherwise', () => {
  assert.equal(shell('es_java_opts', ['8192']), '-Xms2048m -Xmx2048m');
  assert.equal(shell('es_java_opts', ['8192'], { STACK_ES_JAVA_OPTS: '-Xms1g -Xmx1g -XX:+UseG1GC' }), '-Xms1g -Xmx1g -XX:+UseG1GC');
  // This machine's own memory, as `up` reads it (MemTotal or a smaller cgroup limit).
  const mem = Number(shell('es_memory_mb'));
  assert.ok(mem > 0, `es_memory_mb read a memory size (${mem})`);
  const own = Number(shell('es_heap_mb', [String(mem)]));
  assert.equal(shell('es_java_opts'), `-Xms${own}m -Xmx${own}m`);
});
