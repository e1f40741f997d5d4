import { useEffect, useState } from 'react';
import { api, ok } from './client';

const writerRoles = new Set(['partner_admin', 'company_admin']);
const asked = new Map<string, Promise<boolean>>();

/**
 * Whether the signed-in user holds a role that writes (an admin role other than read-only):
 * undefined until known. Read once per user until its roles are saved or someone signs in or out;
 * the server still decides each write.
 */
export function useMayWrite(userId: string | undefined): boolean | undefined {
  const [mayWrite, setMayWrite] = useState<boolean>();
  useEffect(() => {
    if (!userId) return;
    let live = true;
    let answer = asked.get(userId);
    if (!answer) {
      answer = ok(api.GET('/api/2/users/{id}/access_policies', { params: { path: { id: userId } } })).then(
        (policies) => policies.items.some((p) => writerRoles.has(p.role_id)),
        () => {
          asked.delete(userId);
          return false;
        },
      );
      asked.set(userId, answer);
    }
    void answer.then((value) => live && setMayWrite(value));
    return () => {
      live = false;
    };
  }, [userId]);
  return mayWrite;
}

/** Forget what was read: the user's roles were just saved (no id: every user, at sign-in and sign-out). */
export function forgetMayWrite(userId?: string) {
  if (userId) asked.delete(userId);
  else asked.clear();
}
