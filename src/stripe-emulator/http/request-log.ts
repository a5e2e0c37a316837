import type { FormObject } from './form-body.ts';

/** What a client sent, for tests to assert on (`GET /_emulator/requests`). */
export interface LoggedRequest {
  id: string;
  method: string;
  path: string;
  params: FormObject;
  idempotency_key: string | null;
  stripe_version: string | null;
  status: number;
  idempotent_replayed: boolean;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  clear(): void {
    this.entries.length = 0;
  }
}
