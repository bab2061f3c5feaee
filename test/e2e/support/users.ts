import { randomBytes } from 'node:crypto';
import type { Sql } from '../../../src/db/client';
import { insertUser } from '../../../src/db/users';
import { hashPassword } from '../../../src/api/passwords';
import type { Role } from '../../../src/api/deps';

export interface TestUser {
  id: number;
  email: string;
  password: string;
  role: Role;
}

/** A staff account with a random email and password, straight in the database. */
export async function createUser(sql: Sql, role: Role, email?: string): Promise<TestUser> {
  const password = `pw-${randomBytes(9).toString('base64url')}`;
  const address = email ?? `${role}-${randomBytes(4).toString('hex')}@example.com`;
  const user = await insertUser(sql, { email: address, role, passwordHash: await hashPassword(password), createdBy: 'test' });
  return { id: user.id, email: user.email, password, role };
}
