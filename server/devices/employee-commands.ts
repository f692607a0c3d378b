// The USERINFO command lines that keep a clock's user table in step with the ERP (protocol.md §6.3).

export interface EmployeeRecord {
  pin: string;
  name: string;
  card: string;
  privilege: number;
}

/** Tabs and line breaks would split the command line or the whole reply: they become spaces. */
export function deviceSafeText(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ').trim();
}

/** The whole record: DATA UPDATE USERINFO resets any field it leaves out (privilege, card, password). */
export function updateUserCommand(e: EmployeeRecord): string {
  return [
    `DATA UPDATE USERINFO PIN=${e.pin}`,
    `Name=${deviceSafeText(e.name)}`,
    `Pri=${e.privilege}`,
    'Passwd=',
    `Card=${deviceSafeText(e.card)}`,
    'Grp=1',
    'TZ=0000000000000000',
    'Verify=0',
  ].join('\t');
}

export function deleteUserCommand(pin: string): string {
  return `DATA DELETE USERINFO PIN=${pin}`;
}

/** Prefixes that find the commands still in flight for one PIN (update or delete). */
export function userCommandPrefixes(pin: string): string[] {
  return [`DATA UPDATE USERINFO PIN=${pin}\t`, deleteUserCommand(pin)];
}
