/**
 * Layering of configuration objects.
 */

function isPlainObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * Deep-merge layers left to right; later layers win. Arrays are replaced, not concatenated.
 * @param {...Record<string, unknown>} layers
 */
export function mergeLayers(...layers) {
  const out = {};
  for (const layer of layers) {
    if (layer === undefined) {
      continue;
    }
    for (const [key, value] of Object.entries(layer)) {
      if (isPlainObject(value) && isPlainObject(out[key])) {
        out[key] = mergeLayers(out[key], value);
      } else if (isPlainObject(value)) {
        out[key] = mergeLayers(value);
      } else {
        out[key] = Array.isArray(value) ? [...value] : value;
      }
    }
  }
  return out;
}
