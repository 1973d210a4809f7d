/**
 * Maps the extension's flat settings (`crudsmith.pagination.max`, ...) to the nested
 * object the server reads from `initializationOptions` and `workspace/configuration`
 * (`{"pagination": {"max": ...}}`). Pure: no `vscode` import.
 *
 * Only values the user has set are sent, so that `[tool.crudsmith]` in pyproject.toml
 * still applies where the editor says nothing (editor settings override pyproject).
 * Values are passed through untouched: validating them is the server's job.
 */

/** Setting keys under `crudsmith.` that belong to the server, in the order they are sent. */
export const SERVER_SETTING_KEYS = [
  'layout',
  'async',
  'auth',
  'pagination.default',
  'pagination.max',
  'names.base',
  'names.create',
  'names.update',
  'names.public',
  'names.page',
  'select',
  'ignore',
  'extendSelect',
  'severity',
] as const;

export type ServerSettingKey = (typeof SERVER_SETTING_KEYS)[number];

/** Settings used by the extension only, never sent to the server. */
export const CLIENT_SETTING_KEYS = ['interpreter', 'serverCommand', 'trace.server'] as const;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
// An index signature (not Record) because the type is recursive.
// eslint-disable-next-line @typescript-eslint/consistent-indexed-object-style
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Returns the value the user set for `crudsmith.<key>`, or `undefined` when it is left at its default. */
export type SettingReader = (key: ServerSettingKey) => unknown;

export function toServerSettings(read: SettingReader): JsonObject {
  const result: JsonObject = {};
  for (const key of SERVER_SETTING_KEYS) {
    const value = read(key);
    if (value === undefined) {
      continue;
    }
    setPath(result, key.split('.'), toJson(value));
  }
  return result;
}

function setPath(target: JsonObject, segments: readonly string[], value: JsonValue): void {
  const [head, ...rest] = segments;
  if (head === undefined) {
    return;
  }
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const existing = target[head];
  const child: JsonObject = isJsonObject(existing) ? existing : {};
  target[head] = child;
  setPath(child, rest, value);
}

function isJsonObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy as plain JSON (configuration proxies and frozen objects do not serialise reliably). */
function toJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map((item) => toJson(item));
  }
  if (typeof value === 'object') {
    const copy: JsonObject = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item !== undefined) {
        copy[key] = toJson(item);
      }
    }
    return copy;
  }
  return null;
}

/** Whether a configuration change needs a new server process rather than a `didChangeConfiguration`. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects('crudsmith.interpreter') || affects('crudsmith.serverCommand');
}
