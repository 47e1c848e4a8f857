import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, defineSchema, loadConfig } from "../src/index.js";

const schema = defineSchema({
  server: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "int", required: true },
    origins: { type: "list", default: [] },
  },
  features: {
    beta: { type: "bool", default: false },
    ratio: { type: "float", default: 0.5 },
  },
});

test("types, defaults and overrides", () => {
  const config = loadConfig("[server]\nport = 8080\norigins = a, b,\n[features]\nbeta = yes\n", {
    schema,
    overrides: { features: { ratio: 0.9 } },
  });
  assert.deepEqual(config, {
    server: { host: "127.0.0.1", port: 8080, origins: ["a", "b"] },
    features: { beta: true, ratio: 0.9 },
  });
});

test("all problems are reported together", () => {
  try {
    loadConfig("[server]\nport = eighty\ncolour = blue\n", { schema });
    assert.fail("expected ConfigError");
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    assert.deepEqual(err.issues, [
      'server.port: expected an integer, got "eighty"',
      "server.colour: unknown key",
      "server.port: required key is missing",
    ]);
  }
});
