/**
 * loadConfig: text + schema -> typed, validated configuration object.
 */
import { coerce } from "./coerce.js";
import { ConfigError } from "./errors.js";
import { mergeLayers } from "./merge.js";
import { parseIni } from "./parser.js";
import { schemaDefaults } from "./schema.js";

/**
 * @param {string} text
 * @param {object} options
 * @param {ReturnType<import("./schema.js").defineSchema>} options.schema
 * @param {Record<string, Record<string, unknown>>} [options.overrides] already-typed values
 * @param {boolean} [options.allowUnknown] keep keys that are not in the schema (as strings)
 */
export function loadConfig(text, { schema, overrides, allowUnknown = false }) {
  const raw = parseIni(text);
  const issues = [];
  const fromFile = {};

  for (const [section, keys] of Object.entries(raw)) {
    for (const [key, value] of Object.entries(keys)) {
      const where = section === "" ? key : `${section}.${key}`;
      const field = schema[section]?.[key];
      if (field === undefined) {
        if (!allowUnknown) {
          issues.push(`${where}: unknown key`);
          continue;
        }
        fromFile[section] ??= {};
        fromFile[section][key] = value;
        continue;
      }
      const result = coerce(value, field.type);
      if (!result.ok) {
        issues.push(`${where}: ${result.error}`);
        continue;
      }
      fromFile[section] ??= {};
      fromFile[section][key] = result.value;
    }
  }

  const config = mergeLayers(schemaDefaults(schema), fromFile, overrides);
  for (const [section, keys] of Object.entries(schema)) {
    for (const [key, field] of Object.entries(keys)) {
      if (field.required && config[section]?.[key] === undefined) {
        issues.push(`${section}.${key}: required key is missing`);
      }
    }
  }
  if (issues.length > 0) {
    throw new ConfigError(issues);
  }
  return config;
}
