import type { FormObject } from './form-body.ts';
import { BoundedLog } from './bounded-log.ts';

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

export class RequestLog extends BoundedLog<LoggedRequest> {}
