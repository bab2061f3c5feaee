// npm run create-admin -- --email you@example.com [--role admin|viewer]
// The password comes from ADMIN_PASSWORD or is asked for on the terminal (never on the command line, where
// it would end up in the shell history and the process list). An existing account gets the new password and role.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { loadConfig, ConfigError } from '../config';
import { applyLocalStackEnv } from '../local-stack-env';
import { createSql } from '../db/client';
import { migrate } from '../db/migrate';
import { recordAudit } from '../db/audit';
import { findUserByEmail, insertUser, normalizeEmail, setUserDisabled, setUserPassword, setUserRole } from '../db/users';
import { hashPassword, passwordProblem } from '../api/passwords';
import type { Role } from '../api/deps';

const USAGE = 'usage: npm run create-admin -- --email you@example.com [--role admin|viewer]   (password from ADMIN_PASSWORD or the prompt)';

async function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    // Piped: read one line (`echo "$PW" | npm run create-admin -- --email …`).
    const rl = createInterface({ input: process.stdin });
    for await (const line of rl) {
      rl.close();
      return line;
    }
    return '';
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stdout.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve) => {
    rl.question(question, (answer) => {
      rl.close();
      process.stdout.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

async function main(): Promise<number> {
  let values: { email?: string; role?: string; help?: boolean };
  try {
    ({ values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string', default: 'admin' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const email = normalizeEmail(values.email ?? '');
  const role = values.role as Role;
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || (role !== 'admin' && role !== 'viewer')) {
    console.error(USAGE);
    return 2;
  }
  // ADMIN_PASSWORD is validated here with a friendlier message than the config's.
  applyLocalStackEnv();
  const { ADMIN_PASSWORD: fromEnv, ...env } = process.env;
  const config = loadConfig(env);
  let password = fromEnv ?? '';
  if (!password) {
    password = await promptHidden(`Password for ${email} (at least 12 characters): `);
    if (process.stdin.isTTY && !passwordProblem(password)) {
      const again = await promptHidden('Once more: ');
      if (again !== password) {
        console.error('The two passwords differ.');
        return 2;
      }
    }
  }
  const problem = passwordProblem(password);
  if (problem) {
    console.error(problem);
    return 2;
  }
  const sql = createSql(config.databaseUrl, 1, config.databaseSchema);
  try {
    await migrate(sql);
    const hash = await hashPassword(password);
    const existing = await findUserByEmail(sql, email);
    if (existing) {
      await setUserPassword(sql, existing.id, hash);
      await setUserRole(sql, existing.id, role);
      await setUserDisabled(sql, existing.id, false);
      await recordAudit(sql, { actor: 'system', action: 'user.password', target: email, ip: '-', detail: { role, from: 'create-admin' } });
      console.log(`Updated ${email}: role ${role}, new password.`);
    } else {
      await insertUser(sql, { email, role, passwordHash: hash, createdBy: 'create-admin' });
      await recordAudit(sql, { actor: 'system', action: 'user.create', target: email, ip: '-', detail: { role, from: 'create-admin' } });
      console.log(`Created ${email} (${role}).`);
    }
    console.log(`Sign in at ${config.publicUrl}/admin-dashboard/login/`);
    return 0;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
