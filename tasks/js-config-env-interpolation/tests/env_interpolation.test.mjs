import { test } from "node:test";
import assert from "node:assert/strict";
import * as confkit from "/repo/src/index.js";

const { ConfigError, defineSchema, loadConfig, parseIni } = confkit;

const schema = defineSchema({
  server: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "int", required: true },
    origins: { type: "list", default: [] },
  },
  database: {
    url: { type: "string" },
    debug: { type: "bool", default: false },
  },
});

function issuesOf(fn) {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err.issues;
  }
  assert.fail("expected a ConfigError");
}

test("env: interpolate replaces ${NAME}", () => {
  assert.equal(confkit.interpolate("http://${HOST}:${PORT}/", { HOST: "db", PORT: "5432" }), "http://db:5432/");
});

test("env: fallback used when unset or empty", () => {
  assert.equal(confkit.interpolate("${PORT:-8080}", {}), "8080");
  assert.equal(confkit.interpolate("${PORT:-8080}", { PORT: "" }), "8080");
  assert.equal(confkit.interpolate("${PORT:-8080}", { PORT: "9000" }), "9000");
  assert.equal(confkit.interpolate("${MODE:-}", {}), "");
});

test("env: double dollar is a literal dollar and lone dollars are kept", () => {
  assert.equal(confkit.interpolate("price $$5 and ${X}", { X: "y" }), "price $5 and y");
  assert.equal(confkit.interpolate("$$${X}", { X: "y" }), "$y");
  assert.equal(confkit.interpolate("cost $5, $HOME", { HOME: "/root" }), "cost $5, $HOME");
});

test("env: missing variable raises InterpolationError naming it", () => {
  assert.throws(
    () => confkit.interpolate("${DB_PASSWORD}", {}),
    (err) =>
      err instanceof confkit.InterpolationError && err instanceof ConfigError && err.variable === "DB_PASSWORD",
  );
});

test("env: malformed reference raises InterpolationError", () => {
  assert.equal(typeof confkit.InterpolationError, "function");
  assert.throws(() => confkit.interpolate("${UNCLOSED", {}), confkit.InterpolationError);
  assert.throws(() => confkit.interpolate("${9LIVES}", {}), confkit.InterpolationError);
});

test("env: loadConfig resolves references before type conversion", () => {
  const text = "[server]\nhost = ${HOST}\nport = ${PORT:-8080}\norigins = ${ORIGINS}\n[database]\ndebug = ${DEBUG:-no}\n";
  const config = loadConfig(text, { schema, env: { HOST: "0.0.0.0", ORIGINS: "a.example, b.example", DEBUG: "yes" } });
  assert.deepEqual(config.server, { host: "0.0.0.0", port: 8080, origins: ["a.example", "b.example"] });
  assert.equal(config.database.debug, true);
});

test("env: loadConfig interpolates quoted values too", () => {
  const config = loadConfig('[server]\nport = 1\n[database]\nurl = "postgres://${DB_USER}@db/app # main"\n', {
    schema,
    env: { DB_USER: "svc" },
  });
  assert.equal(config.database.url, "postgres://svc@db/app # main");
});

test("env: loadConfig reports missing variables with the other issues", () => {
  const issues = issuesOf(() =>
    loadConfig("[server]\nport = ${PORT}\n[database]\nurl = ${DATABASE_URL}\ndebug = maybe\n", { schema, env: {} }),
  );
  assert.deepEqual(issues, [
    "server.port: environment variable PORT is not set",
    "database.url: environment variable DATABASE_URL is not set",
    'database.debug: expected a boolean, got "maybe"',
    "server.port: required key is missing",
  ]);
});

test("env: loadConfig reads process.env by default", () => {
  process.env.CONFKIT_TEST_PORT = "7001";
  try {
    const config = loadConfig("[server]\nport = ${CONFKIT_TEST_PORT}\n", { schema });
    assert.equal(config.server.port, 7001);
  } finally {
    delete process.env.CONFKIT_TEST_PORT;
  }
});

test("env: plain values load as before", () => {
  const config = loadConfig("[server]\nport = 8080\norigins = a, b\n", { schema, overrides: { database: { debug: true } } });
  assert.deepEqual(config, {
    server: { host: "127.0.0.1", port: 8080, origins: ["a", "b"] },
    database: { debug: true },
  });
});

test("env: type errors and unknown keys are still collected", () => {
  const issues = issuesOf(() => loadConfig("[server]\nport = eighty\ncolour = blue\n", { schema }));
  assert.deepEqual(issues, [
    'server.port: expected an integer, got "eighty"',
    "server.colour: unknown key",
    "server.port: required key is missing",
  ]);
});

test("env: parser keeps quoted hashes and comments", () => {
  assert.deepEqual(parseIni('[s]\na = "x # y"\nb = z ; note\n').s, { a: "x # y", b: "z" });
});

test("env: defaults and overrides are taken literally", () => {
  const config = loadConfig("[server]\nport = 9\n", {
    schema: defineSchema({ server: { port: { type: "int" }, motd: { type: "string", default: "${QV_MOTD}" } } }),
    env: { QV_MOTD: "replaced", QV_HOST: "replaced" },
    overrides: { server: { port: 9 } },
  });
  assert.equal(config.server.motd, "${QV_MOTD}");
});

test("env: README documents the reference syntax", async () => {
  const { readFileSync } = await import("node:fs");
  const readme = readFileSync("/repo/README.md", "utf8");
  assert.ok(readme.includes("${") && readme.includes(":-") && readme.includes("$$"));
});

