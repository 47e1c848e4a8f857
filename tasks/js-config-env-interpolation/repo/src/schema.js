/**
 * Schemas: which sections and keys exist, their types, defaults and whether they are required.
 */

export const TYPES = Object.freeze(["string", "int", "float", "bool", "list"]);

/**
 * Check a schema definition and freeze it.
 * @param {Record<string, Record<string, {type: string, default?: unknown, required?: boolean}>>} definition
 */
export function defineSchema(definition) {
  const problems = [];
  for (const [section, keys] of Object.entries(definition)) {
    for (const [key, field] of Object.entries(keys)) {
      if (!TYPES.includes(field.type)) {
        problems.push(`${section}.${key}: unknown type ${JSON.stringify(field.type)}`);
      }
      if (field.required && field.default !== undefined) {
        problems.push(`${section}.${key}: a required key cannot have a default`);
      }
    }
  }
  if (problems.length > 0) {
    throw new TypeError(`invalid schema:\n  ${problems.join("\n  ")}`);
  }
  return Object.freeze(structuredClone(definition));
}

/** Defaults of a schema as a nested object (keys without default are left out). */
export function schemaDefaults(schema) {
  const out = {};
  for (const [section, keys] of Object.entries(schema)) {
    out[section] = {};
    for (const [key, field] of Object.entries(keys)) {
      if (field.default !== undefined) {
        out[section][key] = structuredClone(field.default);
      }
    }
  }
  return out;
}
